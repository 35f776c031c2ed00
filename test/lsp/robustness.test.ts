import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
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

/** The server process's resident memory, from /proc (Linux). */
export function serverRssMb(lsp: LspHarness): number {
  const status = readFileSync(`/proc/${lsp.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
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

  it('lints only a prefix of a 20 MB migration, says so once, and stays responsive and bounded in memory', async () => {
    const filler = "INSERT INTO audit_log (id, note) VALUES (1, 'padding padding padding padding padding');\n";
    const text = 'CREATE INDEX idx_first ON audit_log (note);\n' + filler.repeat(Math.ceil((20 * 1024 * 1024) / filler.length)) + 'CREATE INDEX idx_big ON audit_log (note);\n';
    const uri = 'file:///virtual/huge.sql';
    lsp.open(uri, text);
    const published = await lsp.diagnosticsFor(uri, 1, 110_000);
    const tooLarge = published.diagnostics.filter((d) => d.code === 'file-too-large');
    assert.equal(tooLarge.length, 1);
    assert.equal(tooLarge[0].severity, 3, 'informational');
    assert.match(String(tooLarge[0].message), /^This file is 20\.0 MB, over Lockstep's 5 MB limit \(setting lockstep\.maxFileSizeMB\): only its first \d+ statement\(s\), through line \d+, are linted/);
    assert.ok(published.diagnostics.some((d) => d.code === INDEX_RULE && d.range.start.line === 0), 'the prefix is linted');
    assert.ok(!published.diagnostics.some((d) => d.range.start.line > 10_000), 'nothing past the prefix');
    // The first code action used to exhaust the heap (4.3 GB): now it answers, and the server stays small.
    const end = { line: text.split('\n').length - 2, character: 5 };
    const atEnd = await lsp.connection.sendRequest<unknown[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: end, end }, context: { diagnostics: [] } });
    assert.deepEqual(atEnd, []);
    const atStart = await lsp.connection.sendRequest<Array<{ title: string; kind: string }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      context: { diagnostics: [] },
    });
    assert.ok(atStart.some((a) => /CONCURRENTLY/.test(a.title)), JSON.stringify(atStart.map((a) => a.title)));
    assert.ok(!atStart.some((a) => a.kind?.startsWith('source.')), 'no fix-all or split for an oversized file');
    assert.ok(serverRssMb(lsp) < 1024, `server RSS ${serverRssMb(lsp)} MB`);
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
