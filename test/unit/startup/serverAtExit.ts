import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspHarness } from '../../lsp/harness';
import { REPO_ROOT } from '../cli/distCli';

/**
 * Starts dist/server.js over stdio, has it publish the first diagnostics of a sample migration,
 * shuts it down, and returns `expression` (JavaScript, evaluated in the server's process as it
 * exits) as JSON: what the server loaded or used on its way to those diagnostics.
 */
export async function serverValueAtExit(expression: string, sample = join(REPO_ROOT, 'examples/flyway/V2__invoice_lookups.sql')): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-at-exit-'));
  try {
    const preload = join(dir, 'atExit.cjs');
    const out = join(dir, 'atExit.json');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(${expression})));\n`);
    const lsp = await LspHarness.start({ env: { NODE_OPTIONS: `--require ${JSON.stringify(preload)}` } });
    try {
      const uri = pathToFileURL(sample).href;
      lsp.open(uri, readFileSync(sample, 'utf8'));
      assert.ok((await lsp.diagnosticsFor(uri)).diagnostics.length > 0);
    } finally {
      assert.equal(await lsp.shutdown(), 0, 'the server exits cleanly');
    }
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
