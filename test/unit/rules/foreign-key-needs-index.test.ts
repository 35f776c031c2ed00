import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'foreign-key-needs-index';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';

describe(`rule ${RULE}`, () => {
  it('flags a new table whose foreign key columns lead no index', async () => {
    const [f, ...rest] = await findingsOf(RULE, ORDERS, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'info');
    assert.match(underlined(ORDERS, f), /^user_id bigint REFERENCES users \(id\)/);
    assert.match(f.message, /No index on orders \(user_id\): every DELETE from users/);
    assert.match(f.message, /Add CREATE INDEX ON orders \(user_id\) in this migration/);
  });

  it('is satisfied by an index created later in the same migration, or by a key that leads with the columns', async () => {
    assert.deepEqual(await findingsOf(RULE, `${ORDERS}\nCREATE INDEX orders_user_id_idx ON orders (user_id);`, { setup: USERS }), []);
    const pk = 'CREATE TABLE memberships (user_id bigint REFERENCES users (id), team_id bigint, PRIMARY KEY (user_id, team_id));';
    assert.deepEqual(await findingsOf(RULE, pk, { setup: USERS }), []);
  });

  it('an index that does not lead with the columns does not count', async () => {
    const pk = 'CREATE TABLE memberships (team_id bigint, user_id bigint REFERENCES users (id), PRIMARY KEY (team_id, user_id));';
    assert.equal((await findingsOf(RULE, pk, { setup: USERS })).length, 1);
  });

  it('judges ALTER TABLE … ADD FOREIGN KEY on a known table, recommending CONCURRENTLY there', async () => {
    const setup = `${USERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);`;
    const [f] = await findingsOf(RULE, 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', { setup });
    assert.match(f.message, /Add CREATE INDEX CONCURRENTLY ON orders \(user_id\)\./);
  });

  it('does not judge a table Lockstep has never seen (its indexes are unknown), nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);'), []);
    assert.deepEqual(await findingsOf(RULE, ORDERS, { setup: USERS, path: 'migrations/000004_orders.down.sql' }), []);
  });
});

describe('foreign-key-needs-index: partial indexes (issue 10)', () => {
  it('a partial index on the referencing column does not cover the foreign key', async () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, open boolean);';
    const partial = 'CREATE INDEX orders_open_user_idx ON orders (user_id) WHERE open;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
    const [f, ...rest] = await findingsOf('foreign-key-needs-index', partial, { setup });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^No index on orders \(user_id\)/);
    const full = partial.replace(' WHERE open', '');
    assert.deepEqual(await findingsOf('foreign-key-needs-index', full, { setup }), []);
  });
});
