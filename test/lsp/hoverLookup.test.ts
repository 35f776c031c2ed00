/**
 * The hover's statement lookup (engine.ts statementAt, a binary search) answers exactly what the
 * walk over every statement it replaced answered: the same hover text and range at every offset of
 * the example migrations, of texts whose statements touch (`a;b;`), and of a sample of a generated
 * 4,000-line migration.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { hoverAt, impactOf, initEngine, lintText, statementAt, type LintResult } from '../../server/src/engine';
import { renderHover } from '../../server/src/hover';
import { lockHover } from '../../server/src/lsp/hover';
import { spanToRange } from '../../server/src/lsp/diagnostics';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { generateMigration } from '../../bench/migration.mjs';

const EXAMPLES = join(__dirname, '../../examples');

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sqlFiles(path) : name.endsWith('.sql') ? [path] : [];
  });
}

/** The lookup before: the first statement whose span contains the offset, by walking them all. */
function walkedHover(result: LintResult, doc: TextDocument, offset: number) {
  const stmt = result.document.statements.find((s) => offset >= s.span.start && offset <= s.span.end);
  if (!stmt) return null;
  return { contents: { kind: 'markdown', value: renderHover(impactOf(stmt), result.document, DEFAULT_CONFIG) }, range: spanToRange(doc, stmt.span.start, stmt.span.end) };
}

function assertSameAt(result: LintResult, doc: TextDocument, offsets: Iterable<number>, label: string): number {
  let compared = 0;
  for (const offset of offsets) {
    const expected = walkedHover(result, doc, offset);
    assert.deepEqual(lockHover(doc, result, offset, DEFAULT_CONFIG), expected, `${label} at offset ${offset}`);
    assert.equal(hoverAt(result, offset, DEFAULT_CONFIG), expected?.contents.value, `${label} (hoverAt) at offset ${offset}`);
    compared++;
  }
  return compared;
}

const everyOffset = (text: string) => Array.from({ length: text.length + 2 }, (_, i) => i - 1);

describe('hover statement lookup', function () {
  this.timeout(120_000);
  before(() => initEngine());

  it('statementAt: first containing statement, undefined between statements and outside', () => {
    const statements = [{ span: { start: 0, end: 2 } }, { span: { start: 2, end: 4 } }, { span: { start: 6, end: 9 } }];
    assert.equal(statementAt(statements, 0), statements[0]);
    assert.equal(statementAt(statements, 2), statements[0]); // touching spans: the first, as the walk
    assert.equal(statementAt(statements, 3), statements[1]);
    assert.equal(statementAt(statements, 5), undefined);
    assert.equal(statementAt(statements, 9), statements[2]);
    assert.equal(statementAt(statements, 10), undefined);
    assert.equal(statementAt(statements, -1), undefined);
    assert.equal(statementAt([], 0), undefined);
  });

  it('same hover text and range as the walk at every offset of the examples', () => {
    const files = sqlFiles(EXAMPLES);
    assert.ok(files.length >= 5, `examples found: ${files.length}`);
    let hovers = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const result = lintText(text, { path, config: DEFAULT_CONFIG });
      const doc = TextDocument.create(`file://${path}`, 'sql', 1, text);
      assertSameAt(result, doc, everyOffset(text), path);
      hovers += result.document.statements.length;
    }
    assert.ok(hovers > 20, `statements compared: ${hovers}`);
  });

  it('same at every offset of touching, nested-quote and unterminated statements', () => {
    for (const text of ['select 1;select 2;', 'CREATE INDEX i ON t (a);ALTER TABLE t ADD COLUMN b int;;', "BEGIN; UPDATE t SET a = 'x;y'; COMMIT", 'ALTER TABLE t ADD COLUMN c int DEFAULT $$a;b$$; SELECT 1', 'CREATE TABLE x (']) {
      const result = lintText(text, { config: DEFAULT_CONFIG });
      assertSameAt(result, TextDocument.create('file:///virtual/touch.sql', 'sql', 1, text), everyOffset(text), JSON.stringify(text));
    }
  });

  it('same on a sample of offsets of a generated 4,000-line migration (bench/migration.mjs)', () => {
    const { text } = generateMigration(4_000);
    const result = lintText(text, { path: '/virtual/V1__big.sql', config: DEFAULT_CONFIG });
    const doc = TextDocument.create('file:///virtual/V1__big.sql', 'sql', 1, text);
    const statements = result.document.statements;
    assert.ok(statements.length > 1000, `statements: ${statements.length}`);
    // Each statement's start, end and one past its end, for every 37th statement, plus fixed strides.
    const offsets = statements.filter((_, i) => i % 37 === 0).flatMap((s) => [s.span.start, s.span.end, s.span.end + 1]);
    for (let offset = 0; offset < text.length; offset += 9973) offsets.push(offset);
    assert.equal(assertSameAt(result, doc, offsets, 'generated'), offsets.length);
  });
});
