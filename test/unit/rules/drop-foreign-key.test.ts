import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'drop-foreign-key';
const SETUP =
  'CREATE TABLE users (id bigint PRIMARY KEY);\n' +
  'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint CONSTRAINT orders_user_fk REFERENCES users (id), amount int CONSTRAINT orders_amount_check CHECK (amount > 0));';
const DROP = 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk;';

describe(`rule ${RULE}`, () => {
  it('flags dropping a known foreign key: ACCESS EXCLUSIVE on both tables, from the model', async () => {
    const [f, ...rest] = await findingsOf(RULE, DROP, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.equal(underlined(DROP, f), 'DROP CONSTRAINT orders_user_fk');
    assert.match(f.message, /ACCESS EXCLUSIVE lock on orders, blocking reads and writes and an ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /SET lock_timeout first/);
  });

  it('is satisfied by a lock_timeout before it', async () => {
    assert.deepEqual(await findingsOf(RULE, `SET lock_timeout = '2s';\n${DROP}`, { setup: SETUP }), []);
  });

  it('does not flag other constraints, nor a constraint Lockstep has never seen (it cannot know it is a foreign key)', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE orders DROP CONSTRAINT orders_amount_check;', { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, DROP, { setup: 'CREATE TABLE orders (id bigint);' }), []);
  });

  it('does not flag a foreign key between tables created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${SETUP}\n${DROP}`), []);
  });
});
