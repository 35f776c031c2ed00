import { strict as assert } from 'node:assert';
import type { MarkupContent } from 'vscode-languageserver/node';
import { LspHarness, positionAt, readFixture } from './harness';

describe('LSP hover', function () {
  this.timeout(30_000);
  let lsp: LspHarness;

  before(async () => {
    lsp = await LspHarness.start();
  });
  after(() => lsp.dispose());

  it('describes the lock of the statement under the cursor, with the statement range', async () => {
    const text = readFixture('unsafe-index.sql');
    const uri = 'file:///virtual/hover.sql';
    lsp.open(uri, text);
    const start = text.indexOf('CREATE INDEX');
    const hover = await lsp.hover(uri, positionAt(text, text.indexOf('orders')));

    assert.ok(hover, 'expected a hover');
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, 'markdown');
    assert.match(contents.value, /\bSHARE\b/);
    assert.match(contents.value, /orders/);
    assert.ok(hover.range, 'hover carries the statement range');
    assert.deepEqual(hover.range, { start: positionAt(text, start), end: positionAt(text, text.indexOf(';', start) + 1) });
  });

  it('answers hovers in documents it has not linted yet (before the debounce fires)', async () => {
    const text = 'CREATE INDEX idx_fresh ON fresh_table (c);\n';
    const uri = 'file:///virtual/fresh.sql';
    lsp.open(uri, 'SELECT 1;\n');
    const version = lsp.change(uri, [{ text }]);
    const hover = await lsp.hover(uri, { line: 0, character: 3 });
    assert.equal(version, 2);
    assert.match((hover?.contents as MarkupContent).value, /fresh_table/);
  });

  it('returns null between statements, past the end and for unknown documents', async () => {
    const text = 'CREATE INDEX idx_a ON a (x);\n\n\n\nCREATE INDEX idx_b ON b (y);\n';
    const uri = 'file:///virtual/gaps.sql';
    lsp.open(uri, text);
    assert.equal(await lsp.hover(uri, { line: 2, character: 0 }), null);
    assert.equal(await lsp.hover('file:///virtual/never-opened.sql', { line: 0, character: 0 }), null);
    const beyond = await lsp.hover(uri, { line: 99, character: 99 });
    assert.ok(beyond === null || (beyond.contents as MarkupContent).value.includes('b'), 'clamped to the end, no error');
  });
});
