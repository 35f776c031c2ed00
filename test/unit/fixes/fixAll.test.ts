/** Fix-all (source.fixAll.lockstep and lint --fix): every safe fix, nothing that needs review, idempotent. */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { fixAll } from '../../../server/src/fixes/fixAll';

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);';

describe('fixes: fix-all', () => {
  before(() => initEngine());
  const config = { ...DEFAULT_CONFIG };
  const run = (sql: string, path?: string) => fixAll(sql, { config, path, schema: catalogFromSql(SETUP, config) });

  it('applies every safe fix, the timeout prelude last, and leaves the ones that need review', () => {
    const sql = [
      'CREATE INDEX orders_user_idx ON orders (user_id);',
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      '',
    ].join('\n');
    const { text, applied } = run(sql);
    assert.equal(
      text,
      [
        "SET lock_timeout = '2s';",
        'DROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;',
        'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);',
        'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_not_null_check;',
        'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
        // Session-level outside a transaction, so it is undone where the run of statements ends.
        'RESET lock_timeout;',
        '',
      ].join('\n'),
    );
    assert.deepEqual(applied.map((a) => a.ruleId).sort(), ['require-concurrent-index', 'require-lock-timeout', 'require-not-valid', 'set-not-null']);
    const left = lintText(text, { config, schema: catalogFromSql(SETUP, config) }).findings.map((f) => f.ruleId);
    assert.deepEqual(left, ['volatile-default'], 'only the fix that needs review is left');
  });

  it('is idempotent, and a clean file comes back unchanged', () => {
    const once = run('CREATE INDEX orders_user_idx ON orders (user_id);\n').text;
    assert.deepEqual(run(once), { text: once, applied: [] });
    assert.deepEqual(run('SELECT 1;\n'), { text: 'SELECT 1;\n', applied: [] });
  });

  it('never creates files and never moves statements: a goose migration with more statements keeps its index build', () => {
    const sql = '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { text } = run(sql, '/m/20240101000000_x.sql');
    assert.match(text, /^-- \+goose Up\nSET LOCAL lock_timeout = '2s';\n/);
    assert.match(text, /\nCREATE INDEX orders_user_idx ON orders \(user_id\);\n$/);
  });

  it('survives junk', () => {
    for (const junk of ['', ';;;', 'CREATE TABLE (', '\u0000', "SELECT 'x", 'DO $$ BEGIN', '\ud800CREATE INDEX i ON t (c);']) {
      assert.equal(typeof run(junk).text, 'string');
    }
  });
});
