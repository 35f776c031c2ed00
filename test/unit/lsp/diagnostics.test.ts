/** Findings → LSP diagnostics (lsp/diagnostics.ts). */
import { strict as assert } from 'node:assert';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../../server/src/findings';
import { toDiagnostic } from '../../../server/src/lsp/diagnostics';

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
