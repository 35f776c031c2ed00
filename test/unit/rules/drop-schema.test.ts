import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'drop-schema';
const SETUP = 'CREATE SCHEMA reporting;\nCREATE TABLE reporting.daily_totals (day date PRIMARY KEY, total numeric);';

describe(`rule ${RULE}`, () => {
  it('flags DROP SCHEMA … CASCADE, naming the locks the model takes on the tables inside', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'DROP SCHEMA reporting CASCADE;', { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(f.message, /CASCADE drops every table, view, function and type in it/);
    assert.match(f.message, /It takes an ACCESS EXCLUSIVE lock on daily_totals/);
  });

  it('flags DROP SCHEMA without CASCADE (it only succeeds on an empty schema)', async () => {
    const [f] = await findingsOf(RULE, 'DROP SCHEMA reporting;', { setup: SETUP });
    assert.match(f.message, /fails unless the schema is empty/);
  });

  it('does not flag a schema created earlier in the migration, nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE SCHEMA scratch;\nDROP SCHEMA scratch CASCADE;'), []);
    assert.deepEqual(await findingsOf(RULE, 'DROP SCHEMA reporting CASCADE;', { setup: SETUP, path: 'sqitch/revert/reporting.sql' }), []);
  });
});
