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

describe('unbounded-dml: always-true WHERE clauses (issue 10)', () => {
  const setup = 'CREATE TABLE users (id bigint PRIMARY KEY, plan text);';
  const flagged = async (sql: string) => (await findingsOf('unbounded-dml', sql, { setup })).length;

  for (const where of ['true', 'TRUE', '1 = 1', '1=1', "'a' = 'a'", 'NOT false', '1 = 1 OR id = 2', 'true AND 1 = 1', 'true::boolean']) {
    it(`flags WHERE ${where}`, async () => {
      assert.equal(await flagged(`UPDATE users SET plan = 'free' WHERE ${where};`), 1);
      const [f] = await findingsOf('unbounded-dml', `DELETE FROM users WHERE ${where};`, { setup });
      assert.match(f.message, /^DELETE with a WHERE that is always true deletes every row of users/);
    });
  }

  for (const where of ['id = 1', '1 = 2', 'false', 'NULL = NULL', '1 = 1 AND id = 2', 'plan = plan']) {
    it(`does not flag WHERE ${where}`, async () => {
      assert.equal(await flagged(`UPDATE users SET plan = 'free' WHERE ${where};`), 0);
    });
  }
});
