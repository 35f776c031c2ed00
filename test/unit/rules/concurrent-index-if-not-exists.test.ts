import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'concurrent-index-if-not-exists';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
const CIC = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);';

async function fixed(sql: string, path?: string): Promise<string[]> {
  const result = await lint(sql, { setup: ORDERS, path });
  const finding = result.findings.find((f) => f.ruleId === RULE)!;
  const stmt = result.document.statements[finding.statementIndex!];
  const fixes = fixesFor({ text: sql, result, finding, stmt, config: { ...DEFAULT_CONFIG }, path, schema: catalogFromSql(ORDERS, DEFAULT_CONFIG) }, { withoutIgnores: true });
  return fixes.map((f) => applyEdits(sql, f.edits));
}

describe(`rule ${RULE}`, () => {
  it('flags IF NOT EXISTS on a CONCURRENTLY build, in every runner and in plain files, saying the INVALID leftover is accepted', async () => {
    for (const path of [undefined, '/m/V2__x.sql', '/m/000002_x.up.sql']) {
      const [f, ...rest] = await findingsOf(RULE, CIC, { setup: ORDERS, path });
      assert.deepEqual(rest, []);
      assert.equal(underlined(CIC, f), 'IF NOT EXISTS');
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /leaves an INVALID index orders_user_id_idx behind; on the rerun IF NOT EXISTS skips it/);
    }
  });

  it('does not flag a build without IF NOT EXISTS, a plain build, or one right after DROP INDEX CONCURRENTLY IF EXISTS', async () => {
    assert.deepEqual(await findingsOf(RULE, CIC.replace(' IF NOT EXISTS', ''), { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, 'CREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);', { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n${CIC}`, { setup: ORDERS }), []);
  });

  it('fix: DROP INDEX CONCURRENTLY IF EXISTS first and no IF NOT EXISTS, where the runner lets both share the file', async () => {
    const [best] = await fixed(CIC);
    assert.equal(best, 'DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);');
    assert.deepEqual((await lint(best, { setup: ORDERS })).findings.map((f) => f.ruleId), []);
  });

  it('golang-migrate: the DROP cannot share the file (one query string), so the message says so and the only fix removes IF NOT EXISTS', async () => {
    const path = '/m/000002_x.up.sql';
    const [f] = await findingsOf(RULE, CIC, { setup: ORDERS, path });
    assert.match(f.message, /golang-migrate sends a file as one query string, so DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx cannot share this file/);
    const results = await fixed(CIC, path);
    assert.deepEqual(results, ['CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    assert.ok(!(await lint(results[0], { setup: ORDERS, path })).findings.some((x) => x.ruleId === 'concurrent-in-transaction'));
  });
});
