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
    assert.deepEqual(run(once), { text: once, applied: [], files: [] });
    assert.deepEqual(run('SELECT 1;\n'), { text: 'SELECT 1;\n', applied: [], files: [] });
  });

  it('never creates files and never moves statements: a goose migration with more statements keeps its index build', () => {
    const sql = '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { text } = run(sql, '/m/20240101000000_x.sql');
    assert.match(text, /^-- \+goose Up\nSET LOCAL lock_timeout = '2s';\n/);
    assert.match(text, /\nCREATE INDEX orders_user_idx ON orders \(user_id\);\n$/);
  });

  it('with the migration folder (lint --fix), a runner-wrapped file gets the CONCURRENTLY and NOT VALID rewrites, the moved steps in new migrations', () => {
    const sql = 'CREATE TABLE a (id int);\nCREATE INDEX orders_amount_idx ON orders (amount);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n';
    const folder = () => ({ siblings: ['V1__init.sql', 'V2__x.sql'], now: new Date(0) });
    const { text, files, applied } = fixAll(sql, { config, path: '/m/V2__x.sql', schema: catalogFromSql(SETUP, config), folder });
    assert.deepEqual(applied.map((a) => a.ruleId).sort(), ['require-concurrent-index', 'require-lock-timeout', 'require-not-valid']);
    assert.doesNotMatch(text, /CREATE INDEX/);
    assert.match(text, /FOREIGN KEY \(user_id\) REFERENCES users \(id\) NOT VALID;/);
    assert.deepEqual(files.map((f) => f.path), ['/m/V3__orders_amount_idx_concurrently.sql', '/m/V4__validate_orders_user_fk.sql']);
    assert.match(files[0].text, /^DROP INDEX CONCURRENTLY IF EXISTS orders_amount_idx;\nCREATE INDEX CONCURRENTLY orders_amount_idx ON orders \(amount\);/);
    assert.match(files[1].text, /^ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;/);
    // Every file lints clean of the rules the fixes answer.
    for (const [path, t] of [['/m/V2__x.sql', text], ...files.map((f) => [f.path, f.text])]) {
      const left = lintText(t, { config, path, schema: catalogFromSql(SETUP, config) }).findings.map((f) => f.ruleId);
      assert.deepEqual(left.filter((id) => ['require-concurrent-index', 'require-not-valid', 'concurrent-in-transaction'].includes(id)), [], path);
    }
  });

  it('survives junk', () => {
    for (const junk of ['', ';;;', 'CREATE TABLE (', '\u0000', "SELECT 'x", 'DO $$ BEGIN', '\ud800CREATE INDEX i ON t (c);']) {
      assert.equal(typeof run(junk).text, 'string');
    }
  });
});
