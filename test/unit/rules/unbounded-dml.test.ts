import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'unbounded-dml';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, plan text);';

describe(`rule ${RULE}`, () => {
  it('flags UPDATE without WHERE: every row locked until COMMIT, bloat; batches instead', async () => {
    const [f, ...rest] = await findingsOf(RULE, "UPDATE users SET plan = 'free';", { setup: USERS });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^UPDATE without WHERE rewrites every row of users in one transaction/);
    assert.match(f.message, /ROW EXCLUSIVE lock on users, blocking CREATE INDEX and most ALTER TABLE forms/);
    assert.match(f.message, /batches of a few thousand rows by key range/);
  });

  it('flags DELETE without WHERE', async () => {
    const [f] = await findingsOf(RULE, 'DELETE FROM users;', { setup: USERS });
    assert.match(f.message, /^DELETE without WHERE deletes every row of users/);
  });

  it('does not flag UPDATE or DELETE with a WHERE clause', async () => {
    assert.deepEqual(await findingsOf(RULE, "UPDATE users SET plan = 'free' WHERE plan IS NULL;\nDELETE FROM users WHERE id = 1;", { setup: USERS }), []);
  });

  it('does not flag filling a table created earlier in this migration, nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\nUPDATE users SET plan = 'free';`), []);
    assert.deepEqual(await findingsOf(RULE, 'DELETE FROM users;', { setup: USERS, path: 'db/migrations/20240101_seed.down.sql' }), []);
  });
});
