/**
 * What the bundled language server (dist/server.js) loads, and when: Node's internal modules as
 * `process.moduleLoadList` lists them at exit, read through a preload the test writes itself.
 * Timing-free: each test asserts what was loaded, never how long it took.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_CONNECT_METHOD, type DatabaseStatus } from '../../server/src/lsp/databaseProtocol';
import { LspHarness } from './harness';

/** Starts the server with a preload that writes its module list at exit; `run` drives it, then it is shut down. */
async function modulesLoadedBy(run: (lsp: LspHarness) => Promise<void>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-startup-'));
  try {
    const preload = join(dir, 'modules.cjs');
    const out = join(dir, 'modules.json');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
    const lsp = await LspHarness.start({ env: { NODE_OPTIONS: `--require ${JSON.stringify(preload)}` } });
    try {
      await run(lsp);
    } finally {
      assert.equal(await lsp.shutdown(), 0, 'the server exits cleanly');
    }
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('LSP server start-up: what is loaded', function () {
  this.timeout(60_000);

  it("connecting to a database loads pg without Node's fetch (undici): the bundle skips pg's Cloudflare test", async () => {
    const modules = await modulesLoadedBy(async (lsp) => {
      // Nothing listens on port 1: pg is loaded, tries, and is refused.
      const status = await lsp.connection.sendRequest<DatabaseStatus>(DATABASE_CONNECT_METHOD, { url: 'postgres://lockstep@127.0.0.1:1/x?sslmode=disable' });
      assert.equal(status.errorKind, 'refused', JSON.stringify(status));
    });
    assert.ok(modules.includes('NativeModule net'), 'pg opened a socket');
    assert.deepEqual(modules.filter((m) => /undici/.test(m)), []);
  });
});
