/**
 * Request discipline: a cancelled request is answered with RequestCancelled, code actions stay
 * capped to the findings at the cursor, and hovers during an edit storm answer from the last lint.
 */
import { strict as assert } from 'node:assert';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { MarkupContent } from 'vscode-languageserver/node';
import { MAX_FIXED_FINDINGS } from '../../server/src/lsp/codeActions';
import { LspHarness } from './harness';

describe('LSP request discipline', function () {
  this.timeout(60_000);
  let lsp: LspHarness;
  beforeEach(async () => (lsp = await LspHarness.start({ debounceMs: 2_000 })));
  afterEach(() => lsp.dispose());

  it('answers a request cancelled right after it was sent with RequestCancelled (-32800)', async () => {
    const uri = 'file:///virtual/cancel.sql';
    lsp.open(uri, 'CREATE INDEX i ON t (c);\n'.repeat(50));
    const source = new CancellationTokenSource();
    const request = lsp.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 49, character: 0 } }, context: { diagnostics: [] } }, source.token);
    source.cancel();
    await assert.rejects(request, (error: { code?: number }) => error.code === -32800);
    assert.ok(lsp.alive);
  });

  it(`builds quick-fixes for at most ${MAX_FIXED_FINDINGS} findings per request (select-all + Ctrl+.)`, async () => {
    const uri = 'file:///virtual/many.sql';
    const lines = 40;
    lsp.open(uri, Array.from({ length: lines }, (_, i) => `CREATE INDEX i${i} ON t (c);`).join('\n') + '\n');
    await lsp.diagnosticsFor(uri, 1);
    const actions = await lsp.connection.sendRequest<Array<{ diagnostics?: Array<{ range: { start: { line: number } } }> }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    const fixedLines = new Set(actions.flatMap((a) => a.diagnostics ?? []).map((d) => d.range.start.line));
    assert.ok(fixedLines.size > 0 && fixedLines.size <= MAX_FIXED_FINDINGS, `fixes for ${fixedLines.size} findings`);
  });

  it('hovers an unchanged statement from the last lint while edits elsewhere wait for their debounce', async () => {
    const uri = 'file:///virtual/storm.sql';
    lsp.open(uri, 'CREATE INDEX i ON t (c);\nSELECT 1;\n');
    await lsp.diagnosticsFor(uri, 1);
    // Typing at the end (the debounce is 2 s, so no re-lint runs before the hover).
    for (let i = 0; i < 20; i++) lsp.change(uri, [{ range: { start: { line: 2, character: i }, end: { line: 2, character: i } }, text: 'x' }]);
    const hover = await lsp.hover(uri, { line: 0, character: 3 });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /SHARE/);
    assert.equal(lsp.diagnostics.all(uri).length, 1, 'the hover did not force a lint of the edited version');
  });

  it('answers junk params (wrong types, out-of-range positions, unknown documents) without dying', async () => {
    const uri = 'file:///virtual/junk-params.sql';
    lsp.open(uri, 'CREATE INDEX i ON t (c);\n');
    await lsp.diagnosticsFor(uri, 1);
    const answers = await Promise.all([
      lsp.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 'x', character: {} } }),
      lsp.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1e9, character: -5 } }),
      lsp.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: null, context: null }),
      lsp.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: 42 }, range: {}, context: {} }),
      lsp.connection.sendRequest('lockstep/trace', { uri: 'file:///not/open.sql', statementTimeoutMs: 'soon' }),
    ]);
    assert.equal(answers[0], null);
    assert.deepEqual(answers[2], []);
    assert.deepEqual(answers[3], []);
    assert.deepEqual(answers[4], { error: 'open a SQL migration to trace it' });
    assert.ok(lsp.alive);
  });
});
