import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'truncate';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';

describe(`rule ${RULE}`, () => {
  it('flags TRUNCATE with the ACCESS EXCLUSIVE lock from the model', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'TRUNCATE sessions;', { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^TRUNCATE deletes every row of sessions, and takes an ACCESS EXCLUSIVE lock on sessions/);
    assert.match(f.message, /DELETE in batches/);
  });

  it('TRUNCATE … CASCADE names the referencing tables it empties too', async () => {
    const [f] = await findingsOf(RULE, 'TRUNCATE users CASCADE;', { setup: SETUP });
    assert.match(f.message, /every row of users, sessions \(CASCADE adds sessions, which reference it\)/);
  });

  it('does not flag a table created earlier in this migration, nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE staging (id int);\nINSERT INTO staging VALUES (1);\nTRUNCATE staging;'), []);
    assert.deepEqual(await findingsOf(RULE, 'TRUNCATE sessions;', { setup: SETUP, path: 'migrations/00042_sessions.down.sql' }), []);
  });
});
