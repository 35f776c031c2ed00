/** Findings → LSP diagnostics (lsp/diagnostics.ts). */
import { strict as assert } from 'node:assert';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../../server/src/findings';
import { DiagnosticReuse, toDiagnostic } from '../../../server/src/lsp/diagnostics';

const TEXT = 'CREATE INDEX a ON t (c);\nCREATE INDEX b ON t (c);\n';
const doc = TextDocument.create('file:///m/V1__a.sql', 'sql', 1, TEXT);

function finding(start: number, docs: string): Finding {
  return { ruleId: 'require-concurrent-index', severity: 'warning', message: 'm', span: { start, end: start + 23 }, docs };
}

describe('toDiagnostic', () => {
  it('links the rule page inside the extension root', () => {
    const diagnostic = toDiagnostic(finding(0, 'docs/rules/require-concurrent-index.md'), doc, '/ext');
    assert.deepEqual(diagnostic.codeDescription, { href: pathToFileURL(resolve('/ext', 'docs/rules/require-concurrent-index.md')).href });
    assert.deepEqual(diagnostic.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 23 } });
  });

  it('diagnostics of the same rule page share one codeDescription: an edit does not build the URL again', () => {
    const first = toDiagnostic(finding(0, 'docs/rules/require-concurrent-index.md'), doc, '/ext');
    const again = toDiagnostic(finding(25, 'docs/rules/require-concurrent-index.md'), doc, '/ext');
    assert.equal(again.codeDescription, first.codeDescription);
    const otherRoot = toDiagnostic(finding(25, 'docs/rules/require-concurrent-index.md'), doc, '/other');
    assert.notEqual(otherRoot.codeDescription?.href, first.codeDescription?.href);
  });
});

describe('DiagnosticReuse', () => {
  const DOCS = 'docs/rules/require-concurrent-index.md';
  const related = (message: string) => [{ file: '/app/models.py', path: 'models.py', line: 3, column: 5, endLine: 3, endColumn: 9, message }];

  it('hands out the same Diagnostic object for a finding an edit left as it was', () => {
    const reuse = new DiagnosticReuse('/ext');
    const before = reuse.convert([finding(0, DOCS), finding(25, DOCS)], doc);
    // Fresh Finding objects, as every relint emits: equal content is what counts.
    const after = reuse.convert([finding(0, DOCS), finding(25, DOCS)], doc);
    assert.equal(after[0], before[0]);
    assert.equal(after[1], before[1]);
    assert.deepEqual(after, [toDiagnostic(finding(0, DOCS), doc, '/ext'), toDiagnostic(finding(25, DOCS), doc, '/ext')]);
  });

  it('a finding whose range, message, severity or related locations changed gets a new Diagnostic with the new content', () => {
    const reuse = new DiagnosticReuse('/ext');
    const base = { ...finding(25, DOCS), related: related('uses c') };
    const [first] = reuse.convert([base], doc);
    const variants: Finding[] = [
      { ...base, span: { start: 25, end: 47 } },
      { ...base, message: 'other' },
      { ...base, severity: 'error' },
      { ...base, related: related('uses c again') },
      { ...base, related: undefined },
    ];
    let previous = first;
    for (const variant of variants) {
      const [next] = reuse.convert([variant], doc);
      assert.notEqual(next, previous, JSON.stringify(variant));
      assert.deepEqual(next, toDiagnostic(variant, doc, '/ext'));
      previous = next;
    }
  });

  it('the same range after an edit that moved the text: same object; moved to another line: a new one', () => {
    const reuse = new DiagnosticReuse('/ext');
    const [first] = reuse.convert([finding(25, DOCS)], doc);
    // One character longer on line 0: the offset moves, the line/character range does not.
    const longer = TextDocument.create(doc.uri, 'sql', 2, TEXT.replace('(c)', '(cc)'));
    const [same] = reuse.convert([finding(26, DOCS)], longer);
    assert.equal(same, first);
    const shifted = TextDocument.create(doc.uri, 'sql', 3, `\n${TEXT.replace('(c)', '(cc)')}`);
    const [moved] = reuse.convert([finding(27, DOCS)], shifted);
    assert.notEqual(moved, first);
    assert.deepEqual(moved.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 23 } });
  });

  it('two identical findings get two diagnostics, each reused once', () => {
    const reuse = new DiagnosticReuse('/ext');
    const before = reuse.convert([finding(0, DOCS), finding(0, DOCS)], doc);
    assert.notEqual(before[0], before[1]);
    const after = reuse.convert([finding(0, DOCS), finding(0, DOCS)], doc);
    assert.deepEqual(new Set(after), new Set(before));
    const one = reuse.convert([finding(0, DOCS)], doc);
    assert.ok(before.includes(one[0]));
  });
});
