import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'drop-table';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';

describe(`rule ${RULE}`, () => {
  it('flags DROP TABLE of an existing table, and names the ACCESS EXCLUSIVE lock it also takes on the table its foreign key references', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'DROP TABLE sessions;', { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^DROP TABLE sessions deletes its data for good/);
    assert.match(f.message, /it takes an ACCESS EXCLUSIVE lock on sessions/);
    assert.match(f.message, /It also takes an ACCESS EXCLUSIVE lock on users, blocking reads and writes/);
  });

  it('names only the tables that existed before the migration', async () => {
    const sql = 'CREATE TABLE scratch (id int);\nDROP TABLE IF EXISTS scratch, sessions;';
    const [f] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.match(f.message, /^DROP TABLE sessions deletes/);
  });

  it('does not flag dropping a table created earlier in the migration, nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE scratch (id int);\nDROP TABLE scratch;'), []);
    assert.deepEqual(await findingsOf(RULE, 'DROP TABLE sessions;', { setup: SETUP, path: 'migrations/000003_sessions.down.sql' }), []);
    assert.deepEqual(await findingsOf(RULE, '-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABLE sessions;', { setup: SETUP }), []);
  });

  it('leaves DROP VIEW and DROP INDEX to others', async () => {
    assert.deepEqual(await findingsOf(RULE, 'DROP VIEW IF EXISTS session_counts;', { setup: SETUP }), []);
  });
});
