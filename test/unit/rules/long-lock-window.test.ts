import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'long-lock-window';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric);';
const ADD = 'ALTER TABLE users ADD COLUMN plan text;';
const BACKFILL = 'UPDATE orders SET total = 0;';

describe(`rule ${RULE}`, () => {
  it('flags a full-table statement after ACCESS EXCLUSIVE was taken earlier in the same transaction, naming that lock and statement', async () => {
    const sql = `BEGIN;\n${ADD}\n${BACKFILL}\nCOMMIT;`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), BACKFILL);
    assert.match(f.message, /^This statement reads every row of orders while the transaction still holds an ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /taken by "ALTER TABLE users ADD COLUMN plan text"/);
    assert.match(f.message, /users stays blocked until COMMIT/);
  });

  it('reports once per transaction, counting the slow statements that follow', async () => {
    const sql = `BEGIN;\n${ADD}\n${BACKFILL}\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;`;
    const hits = await findingsOf(RULE, sql, { setup: SETUP });
    assert.equal(hits.length, 1);
    assert.match(hits[0].message, /1 more slow statement follows in this transaction/);
  });

  it('says "rewrites" for a rewrite', async () => {
    const sql = `BEGIN;\n${ADD}\nALTER TABLE orders ALTER COLUMN user_id TYPE int;\nCOMMIT;`;
    const [f] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.match(f.message, /^This statement rewrites orders/);
  });

  it('flags the runner transaction of a Flyway migration too', async () => {
    assert.equal((await findingsOf(RULE, `${ADD}\n${BACKFILL}`, { setup: SETUP, path: 'sql/V3__plan.sql' })).length, 1);
  });

  it('does not flag the same statements in separate transactions, or in autocommit', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;\n${BACKFILL}`, { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `${ADD}\n${BACKFILL}`, { setup: SETUP }), []);
  });

  it('does not count weaker locks (SHARE from CREATE INDEX): each such statement is judged by its own rule', async () => {
    const sql = `BEGIN;\nCREATE INDEX users_plan_idx ON users (id);\n${BACKFILL}\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP }), []);
  });

  it('does not flag a statement that takes the same ACCESS EXCLUSIVE itself anyway', async () => {
    const sql = `BEGIN;\n${ADD}\nALTER TABLE users ALTER COLUMN plan TYPE varchar(20);\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP }), []);
  });

  it('ignores locks on tables created in this migration', async () => {
    const sql = `BEGIN;\nCREATE TABLE plans (id int);\nALTER TABLE plans ADD COLUMN name text;\n${BACKFILL}\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP }), []);
  });
});
