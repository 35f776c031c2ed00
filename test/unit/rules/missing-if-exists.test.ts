import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'missing-if-exists';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
const NO_TX = '-- +goose NO TRANSACTION\n-- +goose Up\n';
const CIC = 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);';

describe(`rule ${RULE}`, () => {
  it('outside a transaction, flags statements that fail on rerun when a later statement can fail', async () => {
    const sql = `${NO_TX}CREATE TABLE audit (id int);\nALTER TABLE orders ADD COLUMN note text, DROP COLUMN user_id;\nDROP TABLE legacy;\nSELECT 1;`;
    const hits = await findingsOf(RULE, sql, { setup: `${ORDERS}\nCREATE TABLE legacy (id int);` });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), [
      'CREATE TABLE audit (id int);',
      'note text',
      'DROP COLUMN user_id',
      'DROP TABLE legacy;',
    ]);
    assert.match(hits[0].message, /Use CREATE TABLE IF NOT EXISTS/);
    assert.match(hits[3].message, /Use DROP TABLE IF EXISTS/);
    assert.equal(hits[0].severity, 'info');
  });

  it('does not flag inside a transaction: a failure rolls everything back (squawk#385)', async () => {
    const sql = 'CREATE TABLE audit (id int);\nDROP TABLE legacy;\nSELECT 1;';
    assert.deepEqual(await findingsOf(RULE, `-- +goose Up\n${sql}`), []);
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${sql}\nCOMMIT;`, { config: { runner: 'plain' } }), []);
  });

  it('does not flag the last statement (nothing after it can fail), nor guarded forms', async () => {
    assert.deepEqual(await findingsOf(RULE, `${NO_TX}CREATE TABLE IF NOT EXISTS audit (id int);\nDROP TABLE IF EXISTS legacy;\nCREATE TABLE audit2 (id int);`), []);
  });

  it('CREATE INDEX CONCURRENTLY: IF NOT EXISTS would hide an INVALID leftover (strong_migrations#82); DROP … IF EXISTS first is the fix', async () => {
    const [plain] = await findingsOf(RULE, `${NO_TX}${CIC}`, { setup: ORDERS });
    assert.match(plain.message, /leaves an INVALID index behind/);
    assert.match(plain.message, /DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;/);
    // IF NOT EXISTS is concurrent-index-if-not-exists's finding (a warning), not this rule's.
    assert.deepEqual(await findingsOf(RULE, `${NO_TX}${CIC.replace('CONCURRENTLY', 'CONCURRENTLY IF NOT EXISTS')}`, { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `${NO_TX}DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n${CIC}`, { setup: ORDERS }), []);
  });

  it('stays out of files no runner claims unless the config says they are plain SQL', async () => {
    const sql = 'CREATE TABLE audit (id int);\nSELECT 1;';
    assert.deepEqual(await findingsOf(RULE, sql), []);
    assert.equal((await findingsOf(RULE, sql, { config: { runner: 'plain' } })).length, 1);
  });

  it('judges a CREATE INDEX CONCURRENTLY in a plain file under automatic runner detection (it never runs in a transaction), and only that', async () => {
    const sql = `CREATE TABLE audit (id int);\n${CIC}\nSELECT 1;`;
    const hits = await findingsOf(RULE, sql, { setup: ORDERS });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), [CIC]);
    assert.match(hits[0].message, /Put DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx; right before it/);
  });

  it('for golang-migrate, never advises a DROP in the same file (one query string: an implicit transaction)', async () => {
    const path = '/m/000002_idx.up.sql';
    const [f] = await findingsOf(RULE, CIC, { setup: ORDERS, path });
    assert.doesNotMatch(f.message, /right before it/);
    assert.match(f.message, /golang-migrate runs a file as one query string, so a DROP cannot share this file/);
    // Following the old advice is what Lockstep itself rejects.
    const followed = await lint(`DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n${CIC}`, { setup: ORDERS, path });
    assert.ok(followed.findings.some((x) => x.ruleId === 'concurrent-in-transaction'));
  });

  it('every fix it offers lints without concurrent-in-transaction, for each runner', async () => {
    for (const [path, sql] of [
      ['/m/000002_idx.up.sql', CIC],
      ['/m/V2__idx.sql', `${CIC}\nSELECT 1;`],
      ['/m/20240101000000_idx.sql', `${NO_TX}${CIC}`],
      [undefined, CIC],
    ] as const) {
      const result = await lint(sql, { setup: ORDERS, path });
      for (const finding of result.findings.filter((f) => f.ruleId === RULE)) {
        const stmt = result.document.statements[finding.statementIndex!];
        const fixes = fixesFor({ text: sql, result, finding, stmt, config: { ...DEFAULT_CONFIG }, path, schema: catalogFromSql(ORDERS, DEFAULT_CONFIG) }, { withoutIgnores: true });
        for (const fix of fixes) {
          const after = await lint(applyEdits(sql, fix.edits), { setup: ORDERS, path });
          assert.deepEqual(after.findings.filter((f) => f.ruleId === 'concurrent-in-transaction' || f.ruleId === 'syntax-error'), [], `${path}: ${fix.title}`);
        }
      }
    }
  });
});
