import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'rename-table';
const CUSTOMERS = 'CREATE TABLE customers (id bigint PRIMARY KEY);';
const RENAME = 'ALTER TABLE customers RENAME TO clients;';

describe(`rule ${RULE}`, () => {
  it('flags renaming an existing table, naming its ACCESS EXCLUSIVE lock and the compatibility-view fix', async () => {
    const [f, ...rest] = await findingsOf(RULE, RENAME, { setup: CUSTOMERS });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^Renaming customers to clients breaks every running query/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on customers/);
    assert.match(f.message, /CREATE VIEW customers AS SELECT \* FROM clients/);
  });

  it('is satisfied by a view with the old name right after, in the same transaction', async () => {
    const sql = `BEGIN;\n${RENAME}\nCREATE VIEW customers AS SELECT * FROM clients;\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: CUSTOMERS }), []);
    // In autocommit there is a moment with no table and no view.
    assert.equal((await findingsOf(RULE, `${RENAME}\nCREATE VIEW customers AS SELECT * FROM clients;`, { setup: CUSTOMERS })).length, 1);
  });

  it('flags moving a table to another schema', async () => {
    const [f] = await findingsOf(RULE, 'ALTER TABLE customers SET SCHEMA archive;', { setup: CUSTOMERS });
    assert.match(f.message, /^Moving customers to schema archive breaks/);
  });

  it('does not flag a table created earlier in this migration, nor a rollback file', async () => {
    assert.deepEqual(await findingsOf(RULE, `${CUSTOMERS}\n${RENAME}`), []);
    assert.deepEqual(await findingsOf(RULE, RENAME, { setup: CUSTOMERS, path: 'migrations/2024-01-01_rename/down.sql' }), []);
  });

  it('leaves views and indexes alone', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER VIEW active_customers RENAME TO current_customers;', { setup: CUSTOMERS }), []);
  });
});

describe('rename-table: points to the scaffold (issue 10)', () => {
  it('names the lockstep scaffold command with the real names filled in', async () => {
    const [f] = await findingsOf('rename-table', 'ALTER TABLE customers RENAME TO clients;', { setup: 'CREATE TABLE customers (id bigint PRIMARY KEY);' });
    assert.match(f.message, /`lockstep scaffold rename-table --table customers --to clients` writes that plan as migrations\./);
  });
});
