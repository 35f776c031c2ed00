/** The timeout prelude, ignore comments, and removing ignores that silence nothing. */
import assert from 'node:assert/strict';
import { fixed, fixesOf, rulesIn } from './support';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';

describe('fixes: timeout prelude and ignores', () => {
  it('require-lock-timeout: SET lock_timeout and statement_timeout from config, before the first statement it must cover', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;';
    const { fix, text, left } = await fixed('require-lock-timeout', sql, { setup: USERS, config: { lockTimeout: '750ms', statementTimeout: '5min' } });
    assert.equal(fix.title, "Set lock_timeout = '750ms' and statement_timeout = '5min' first");
    assert.equal(fix.safe, true);
    assert.equal(
      text,
      "SET lock_timeout = '750ms';\nSET statement_timeout = '5min';\n" + sql + '\nRESET lock_timeout;\nRESET statement_timeout;\n',
      'one prelude covers both statements, and the session settings are undone after them',
    );
    assert.deepEqual(rulesIn(left).filter((r) => r === 'require-lock-timeout'), []);
  });

  it('require-lock-timeout: SET LOCAL inside a transaction, right after BEGIN; no statement_timeout over a CONCURRENTLY build or a VALIDATE', async () => {
    const sql = 'BEGIN;\n  ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nCOMMIT;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ADD COLUMN n int;';
    const { text } = await fixed('require-lock-timeout', sql, { setup: USERS });
    assert.equal(text.split('\n').slice(0, 3).join('\n'), "BEGIN;\n  SET LOCAL lock_timeout = '2s';\n  SET LOCAL statement_timeout = '60s';");
    const later = await fixed('require-lock-timeout', sql, { setup: USERS, nth: 1 });
    assert.match(later.text, /COMMIT;\nSET lock_timeout = '2s';\nALTER TABLE users VALIDATE/);
    assert.doesNotMatch(later.text.slice(later.text.indexOf('COMMIT')), /statement_timeout/);
  });

  it('require-lock-timeout: never a statement_timeout before an index build, CONCURRENTLY or not (it would cancel a long build)', async () => {
    const sql = 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;';
    const { text, left } = await fixed('require-lock-timeout', sql, { setup: USERS });
    assert.equal(text, "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;");
    assert.deepEqual(rulesIn(left).filter((r) => r === 'require-lock-timeout'), []);
    const pk = await fixed('require-lock-timeout', 'BEGIN;\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nCOMMIT;', { setup: USERS });
    assert.doesNotMatch(pk.text, /statement_timeout/);
  });

  it('require-lock-timeout: golang-migrate gets SET LOCAL, never a session SET that would leak into later migrations', async () => {
    // One statement: golang-migrate sends it alone, outside a transaction; with the SET the file has two, which it runs as one implicit transaction.
    const path = 'migrations/000002_add_a.up.sql';
    const one = await fixed('require-lock-timeout', 'ALTER TABLE users ADD COLUMN a text;\n', { setup: USERS, path });
    assert.equal(one.text, "SET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '60s';\nALTER TABLE users ADD COLUMN a text;\n");
    assert.deepEqual(rulesIn(one.left), []);
    const two = await fixed('require-lock-timeout', 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\n', { setup: USERS, path });
    assert.match(two.text, /^SET LOCAL lock_timeout = '2s';\n/);
    assert.doesNotMatch(two.text, /^SET lock_timeout/m);
    assert.deepEqual(rulesIn(two.left).filter((r) => r === 'require-lock-timeout'), []);
  });

  it('require-lock-timeout: one prelude at the start of the transaction fixes the whole transaction', async () => {
    const sql = '-- +goose Up\nALTER TABLE users ADD COLUMN a text;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN b text;\n';
    const { text, left } = await fixed('require-lock-timeout', sql, { setup: USERS });
    assert.equal(text, "-- +goose Up\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN b text;\n");
    assert.deepEqual(rulesIn(left).filter((r) => r === 'require-lock-timeout'), []);
  });

  it('require-lock-timeout: a lock_timeout that is too long is overridden right before the statement', async () => {
    const sql = "SET lock_timeout = '1min';\nALTER TABLE users ADD COLUMN a text;";
    const { text, left } = await fixed('require-lock-timeout', sql, { setup: USERS });
    assert.equal(text, "SET lock_timeout = '1min';\nSET lock_timeout = '2s';\nSET statement_timeout = '60s';\nALTER TABLE users ADD COLUMN a text;");
    assert.deepEqual(rulesIn(left), []);
  });

  it('offers ignore comments for the statement and for the file on every finding, never on syntax errors', async () => {
    const sql = '  CREATE INDEX i ON users (email);';
    const fixes = await fixesOf('require-concurrent-index', sql, { setup: USERS, ignores: true });
    const statement = fixes.find((f) => f.title === 'Ignore require-concurrent-index for this statement')!;
    const file = fixes.find((f) => f.title === 'Ignore require-concurrent-index in this file')!;
    assert.equal(statement.edits[0].newText, '  -- lockstep-ignore require-concurrent-index: TODO say why this is safe\n');
    assert.equal(file.edits[0].start, 0);
    assert.match(file.edits[0].newText, /^-- lockstep-ignore-file require-concurrent-index: /);
    assert.ok(!statement.safe && !file.safe);
    assert.deepEqual(await fixesOf('syntax-error', 'CREATE TABLE (;', { ignores: true }), []);
  });

  it('unused-ignore: removes the whole comment line, or only the ids that silence nothing', async () => {
    const sql = '-- lockstep-ignore set-not-null: old\nALTER TABLE users ADD COLUMN a text;\n';
    const { text } = await fixed('unused-ignore', sql, { setup: USERS, config: { rules: { 'require-lock-timeout': 'off' } } });
    assert.equal(text, 'ALTER TABLE users ADD COLUMN a text;\n');
    const partly = '-- lockstep-ignore require-concurrent-index, set-not-null, no-such-rule: old\nCREATE INDEX i ON users (email);';
    const { fix, text: kept } = await fixed('unused-ignore', partly, { setup: USERS });
    assert.equal(fix.title, 'Remove set-not-null, no-such-rule from this lockstep-ignore');
    assert.equal(kept, '-- lockstep-ignore require-concurrent-index: old\nCREATE INDEX i ON users (email);');
  });
});
