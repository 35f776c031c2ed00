/** `lockstep/trace` over LSP: the bundled server runs PGlite in its worker and answers with the report. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspHarness, fileUri } from './harness';

interface TraceResult {
  text: string;
  observed: number;
  disagreements: number;
  failed: number;
}

describe('LSP trace request', function () {
  this.timeout(120_000);
  let lsp: LspHarness | undefined;
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-lsp-trace-'));
    writeFileSync(join(dir, 'V1__create.sql'), 'CREATE TABLE t (id int PRIMARY KEY, n int);');
  });
  after(() => {
    lsp?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('traces the open document on top of the earlier migration, off the main thread', async () => {
    const text = 'ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();\n';
    const path = join(dir, 'V2__change.sql');
    writeFileSync(path, text);
    lsp = await LspHarness.start();
    lsp.open(fileUri(path), text);
    await lsp.diagnosticsFor(fileUri(path), 1);
    // The server keeps answering hovers while the trace runs in its worker.
    const pending = lsp.connection.sendRequest<TraceResult>('lockstep/trace', { uri: fileUri(path) });
    const hover = await lsp.hover(fileUri(path), { line: 0, character: 3 });
    assert.ok(hover, 'hover answered during the trace');
    const result = await pending;
    assert.equal(result.observed, 1, result.text);
    assert.equal(result.disagreements, 0, result.text);
    assert.match(result.text, /ADD COLUMN c: observed = model — t ACCESS EXCLUSIVE, t_pkey ACCESS EXCLUSIVE; rewrote t, t_pkey; scanned t/);
    // PGlite's thread yields the CPU to the server's own threads (Linux, where nice is per thread).
    if (process.platform === 'linux') {
      const line = lsp.logs.find((l) => l.startsWith('Trace of '));
      assert.match(line ?? '', /: 1 statements observed; embedded PostgreSQL started in \d+ ms, at lowered priority \(nice (1\d)\)\.$/);
      assert.ok(Number(/nice (\d+)/.exec(line!)![1]) >= 10);
    }
  });

  it('answers with an error, not a crash, for a document it does not have', async () => {
    const result = await lsp!.connection.sendRequest<{ error?: string }>('lockstep/trace', { uri: 'file:///nowhere/x.sql' });
    assert.match(result.error ?? '', /open a SQL migration/);
  });
});
