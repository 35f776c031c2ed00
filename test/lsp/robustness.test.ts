import { strict as assert } from 'node:assert';
import type { MarkupContent } from 'vscode-languageserver/node';
import { MAX_DIAGNOSTICS_PER_DOCUMENT } from '../../server/src/lsp/server';
import { LspHarness, codesOf, readFixture } from './harness';

const INDEX_RULE = 'require-concurrent-index';

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function junkBytes(length: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('LSP robustness', function () {
  this.timeout(120_000);
  let lsp: LspHarness;

  beforeEach(async () => {
    lsp = await LspHarness.start();
  });
  afterEach(() => lsp.dispose());

  async function assertStillServing(): Promise<void> {
    const text = readFixture('unsafe-index.sql');
    const uri = `file:///virtual/probe-${Date.now()}.sql`;
    lsp.open(uri, text);
    const hover = await lsp.hover(uri, { line: 1, character: 2 });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /SHARE/);
    assert.ok(lsp.alive);
  }

  it('survives binary junk (NUL bytes, invalid UTF-8) and keeps answering hovers', async () => {
    const uri = 'file:///virtual/junk.sql';
    lsp.open(uri, junkBytes(64 * 1024).toString('latin1'));
    const published = await lsp.diagnosticsFor(uri, 1, 60_000);
    assert.ok(Array.isArray(published.diagnostics));
    const hover = await lsp.hover(uri, { line: 3, character: 5 });
    assert.ok(hover === null || typeof hover.contents === 'object', JSON.stringify(hover));
    await assertStillServing();
  });

  it('caps the diagnostics of a document that yields thousands of findings', async () => {
    const uri = 'file:///virtual/many-findings.sql';
    lsp.open(uri, 'CREATE INDEX idx ON t (c);\n'.repeat(2 * MAX_DIAGNOSTICS_PER_DOCUMENT));
    const published = await lsp.diagnosticsFor(uri, 1, 60_000);
    assert.equal(published.diagnostics.length, MAX_DIAGNOSTICS_PER_DOCUMENT);
    assert.ok(lsp.logs.some((line) => line.includes(`first ${MAX_DIAGNOSTICS_PER_DOCUMENT} of`)), lsp.logs.join('\n'));
    await assertStillServing();
  });

  it('lints a 20 MB migration and stays responsive', async () => {
    const filler = "INSERT INTO audit_log (id, note) VALUES (1, 'padding padding padding padding padding');\n";
    const text = filler.repeat(Math.ceil((20 * 1024 * 1024) / filler.length)) + 'CREATE INDEX idx_big ON audit_log (note);\n';
    const uri = 'file:///virtual/huge.sql';
    lsp.open(uri, text);
    const published = await lsp.diagnosticsFor(uri, 1, 110_000);
    const lastLine = text.split('\n').length - 2;
    assert.ok(
      published.diagnostics.some((d) => d.code === INDEX_RULE && d.range.start.line === lastLine),
      `expected ${INDEX_RULE} on line ${lastLine}, got ${JSON.stringify(codesOf(published).slice(0, 10))}`,
    );
    await assertStillServing();
  });

  it('lints unsaved (untitled) SQL documents with the editor settings', async () => {
    const uri = 'untitled:Untitled-1';
    lsp.open(uri, readFixture('unsafe-index.sql'));
    assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE));
  });

  it('ignores malformed notifications and requests without dying', async () => {
    void lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///virtual/nope.sql', version: 3 }, contentChanges: [] });
    void lsp.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: 'not a uri/lockstep.config.json', type: 2 }] });
    lsp.updateSettings({ pgVersion: 'banana', rules: 'all', runner: 42 });
    // A guarded handler answers null instead of an error response.
    assert.equal(await lsp.connection.sendRequest('textDocument/hover', { textDocument: {}, position: null }), null);
    await assertStillServing();
    assert.ok(lsp.logs.some((line) => line.startsWith('lockstep.pgVersion:')), 'bad settings are logged');
  });
});
