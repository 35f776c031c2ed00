/**
 * Fix verification on a long document re-lints only the statements the fix touches (window.ts),
 * counted in statements, never timed; it still turns down a bad fix, and falls back to the whole
 * document when the edit changes what later statements see. Resolving a fix in a long Flyway file
 * rules out the runner opt-outs the rest of the file forbids without linting it whole.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { readMigrationFolder } from '../../../server/src/fixes/folder';
import { plannedFixes, resolvePlanned } from '../../../server/src/fixes/lazy';
import type { FixContext } from '../../../server/src/fixes/types';
import { verifyFix, verifyStats } from '../../../server/src/fixes/verify';
import { catalogDigest, lintWindow, WINDOW_MIN_STATEMENTS } from '../../../server/src/fixes/window';

const config = DEFAULT_CONFIG;
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, x int, note text);';
const INDEX = 'CREATE INDEX orders_x ON orders (x);';

function longDocument(): string {
  const lines = ["SET lock_timeout = '2s';"];
  for (let i = 0; i < 400; i++) lines.push(`CREATE TABLE t${i} (id int);`, `COMMENT ON TABLE t${i} IS 'table ${i}';`);
  lines.splice(401, 0, INDEX);
  // A later statement that depends on the schema: a rename of x changes what it sees.
  lines.push('ALTER TABLE orders ALTER COLUMN x SET NOT NULL;');
  return lines.join('\n') + '\n';
}

describe('fix verification in a window of a long document (issue 18)', function () {
  this.timeout(120_000);
  let ctx: FixContext;
  before(async () => {
    await initEngine();
    const text = longDocument();
    const schema = catalogFromSql(SETUP, config);
    const result = lintText(text, { config, schema });
    assert.ok(result.document.statements.length > 2 * WINDOW_MIN_STATEMENTS);
    const finding = result.findings.find((f) => f.ruleId === 'require-concurrent-index');
    assert.ok(finding, JSON.stringify(result.findings.map((f) => f.ruleId)));
    ctx = { text, result, finding, stmt: result.document.statements[finding.statementIndex!], config, schema };
  });
  const snapshot = () => ({ ...verifyStats });

  it('builds the CONCURRENTLY fix re-linting a few statements, never the whole document', () => {
    const was = snapshot();
    const fixes = fixesFor(ctx, { withoutIgnores: true });
    assert.ok(fixes.some((f) => f.edits.some((e) => /CONCURRENTLY/.test(e.newText))), JSON.stringify(fixes.map((f) => f.title)));
    assert.equal(verifyStats.whole - was.whole, 0, 'no whole-document lint');
    assert.ok(verifyStats.windowed > was.windowed);
    const perVerification = (verifyStats.statements - was.statements) / (verifyStats.windowed - was.windowed);
    assert.ok(perVerification <= 30, `${perVerification} statements linted per verification (document: ${ctx.result.document.statements.length})`);
  });

  it('still turns down a fix that adds another finding, judged in the window', () => {
    const start = ctx.text.indexOf(INDEX);
    const was = snapshot();
    const verdict = verifyFix(ctx, [{ start, end: start + INDEX.length, newText: 'CREATE INDEX CONCURRENTLY orders_x ON orders (x);\nUPDATE orders SET note = NULL;' }]);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.reason, 'adds unbounded-dml');
    assert.equal(verifyStats.whole - was.whole, 0);
    assert.equal(verifyStats.windowed - was.windowed, 1);
  });

  it('turns down an edit that leaves the finding, judged in the window', () => {
    const start = ctx.text.indexOf(INDEX);
    const was = snapshot();
    const verdict = verifyFix(ctx, [{ start, end: start + INDEX.length, newText: INDEX.replace('INDEX', 'INDEX  ') }]);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.reason, 'require-concurrent-index still reported');
    assert.equal(verifyStats.windowed - was.windowed, 1);
  });

  it('lints the whole document when the edit changes the schema later statements see', () => {
    const start = ctx.text.indexOf(INDEX);
    const was = snapshot();
    // Renaming x: the later SET NOT NULL on x now meets another schema.
    const verdict = verifyFix(ctx, [{ start, end: start + INDEX.length, newText: 'ALTER TABLE orders RENAME COLUMN x TO y;' }]);
    assert.equal(verifyStats.whole - was.whole, 1, 'fell back to the whole document');
    assert.equal(verifyStats.windowed - was.windowed, 0);
    assert.equal(typeof verdict.ok, 'boolean');
  });

  it('splices the window into a document whose statements line up with the edited text', () => {
    const start = ctx.text.indexOf(INDEX);
    const newText = 'CREATE INDEX CONCURRENTLY orders_x ON orders (x);';
    const verdict = verifyFix(ctx, [{ start, end: start + INDEX.length, newText }]);
    assert.equal(verdict.ok, true, verdict.reason);
    const doc = verdict.after!.document;
    assert.equal(doc.statements.length, ctx.result.document.statements.length);
    doc.statements.forEach((s, i) => {
      assert.equal(s.index, i);
      assert.equal(verdict.text.slice(s.span.start, s.span.end), s.text, `statement ${i}`);
    });
  });

  it('hands new migration files the schema the whole edited document leaves', () => {
    const start = ctx.text.indexOf(INDEX);
    const edits = [{ start, end: start + INDEX.length, newText: 'CREATE INDEX CONCURRENTLY orders_x ON orders (x);' }];
    const newText = ctx.text.slice(0, start) + edits[0].newText + ctx.text.slice(start + INDEX.length);
    const window = lintWindow(ctx, edits, newText);
    assert.ok(window);
    const whole = lintText(newText, { config, schema: ctx.schema });
    assert.equal(catalogDigest(window.catalogAfter()), catalogDigest(whole.document.catalog));
    assert.ok(whole.document.catalog.relation('t399') && window.catalogAfter().relation('t399'));
  });
});

describe('resolving a quick-fix in a long Flyway migration (issue 18)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => initEngine());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-flyway-resolve-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One Flyway transaction of many transactional statements, with a DROP INDEX that wants CONCURRENTLY. */
  function flywayContext(): FixContext {
    const lines = ["SET lock_timeout = '2s';"];
    for (let i = 0; i < 300; i++) lines.push(`CREATE TABLE t${i} (id int);`, `COMMENT ON TABLE t${i} IS 'table ${i}';`);
    lines.splice(301, 0, 'DROP INDEX IF EXISTS orders_old_idx;');
    const text = lines.join('\n') + '\n';
    const path = join(dir, 'V2__tables.sql');
    writeFileSync(join(dir, 'V1__init.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY);\n');
    writeFileSync(path, text);
    const result = lintText(text, { path, config });
    assert.equal(result.document.runner, 'flyway');
    assert.ok(result.document.statements.length > 2 * WINDOW_MIN_STATEMENTS);
    const finding = result.findings.find((f) => f.ruleId === 'require-concurrent-drop-index');
    assert.ok(finding, JSON.stringify(result.findings.map((f) => f.ruleId)));
    const stmt = result.document.statements[finding.statementIndex!];
    return { text, result, finding, stmt, config, path, folder: readMigrationFolder(path, 'flyway') };
  }

  it('rules out the opt-outs (header, .sql.conf) without linting: the other statements need the transaction', () => {
    const ctx = flywayContext();
    const planned = plannedFixes(ctx).find((p) => p.slot?.kind === 'rewrite');
    assert.ok(planned?.slot);
    const was = { ...verifyStats };
    const fix = resolvePlanned(ctx, planned.slot);
    // Before: the .sql.conf opt-out was verified by linting the whole document (then turned down).
    assert.equal(verifyStats.whole - was.whole, 0, 'no whole-document lint');
    const statements = verifyStats.statements - was.statements;
    assert.ok(statements <= 60, `${statements} statements linted for ${ctx.result.document.statements.length} in the document`);
    assert.match(fix?.title ?? '', /in a new migration \(Flyway\)/);
    assert.ok(!fix!.files.some((f) => f.path.endsWith('.conf')), 'no opt-out file');
  });
});
