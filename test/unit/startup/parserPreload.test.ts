/**
 * The parser's WASM compiled by the launcher and handed to libpg-query's factory
 * (server/src/startup/parserPreload.ts): the hand-over itself with a stand-in factory, then the
 * built CLI and language server, which must instantiate the launcher's module (read from the
 * LOCKSTEP_CODE_CACHE_DEBUG line, or from the hand-over at exit), and lint as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parserPreloadUsed, preloadParser, withLauncherCompiledParser, type EmscriptenModuleArg } from '../../../server/src/startup/parserPreload';
import { serverValueAtExit } from './serverAtExit';
import { ensureBuilt, REPO_ROOT, runCli } from '../cli/distCli';

const HANDOVER = Symbol.for('lockstep.parserWasm');
/** The smallest valid WASM module: magic and version. */
const EMPTY_MODULE = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const SAMPLE = join(REPO_ROOT, 'examples/flyway/V2__invoice_lookups.sql');

/** A stand-in for libpg-query's emscripten factory: records its argument and instantiates through the hook when given one. */
function recordingFactory() {
  const calls: (EmscriptenModuleArg | undefined)[] = [];
  let instance: WebAssembly.Instance | undefined;
  const factory = (moduleArg?: EmscriptenModuleArg) => {
    calls.push(moduleArg);
    moduleArg?.instantiateWasm({}, (received) => (instance = received));
    return Promise.resolve('module');
  };
  return { factory, calls, instance: () => instance };
}

describe('parser preload: the hand-over', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-preload-'))));
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[HANDOVER];
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a launcher (sources, tests, the worker bundles), the factory loads the file itself', async () => {
    const { factory, calls } = recordingFactory();
    assert.equal(await withLauncherCompiledParser(factory), 'module');
    assert.deepEqual(calls, [undefined]);
    assert.equal(parserPreloadUsed(), false);
  });

  it("with the launcher's compile, the factory instantiates that module", async () => {
    const wasm = join(dir, 'p.wasm');
    writeFileSync(wasm, EMPTY_MODULE);
    preloadParser(wasm);
    const { factory, calls, instance } = recordingFactory();
    assert.equal(await withLauncherCompiledParser(factory), 'module');
    assert.equal(calls.length, 1);
    assert.equal(typeof calls[0]?.instantiateWasm, 'function');
    assert.ok(instance() instanceof WebAssembly.Instance);
    assert.equal(parserPreloadUsed(), true);
  });

  it('a file that does not compile leaves the load to the factory, which reports its own error', async () => {
    const wasm = join(dir, 'p.wasm');
    writeFileSync(wasm, 'not wasm');
    preloadParser(wasm);
    const { factory, calls } = recordingFactory();
    assert.equal(await withLauncherCompiledParser(factory), 'module');
    assert.deepEqual(calls, [undefined]);
    assert.equal(parserPreloadUsed(), false);
  });

  it('no file: nothing is handed over', async () => {
    preloadParser(join(dir, 'missing.wasm'));
    assert.equal((globalThis as Record<symbol, unknown>)[HANDOVER], undefined);
    const { factory, calls } = recordingFactory();
    await withLauncherCompiledParser(factory);
    assert.deepEqual(calls, [undefined]);
  });
});

describe('parser preload: the built CLI and language server', function () {
  this.timeout(120_000);
  before(() => ensureBuilt());

  it("dist/cli.js lints with the launcher's compiled parser, to the same report as without a launcher", () => {
    const env = { LOCKSTEP_CODE_CACHE_DEBUG: '1' };
    const launched = runCli(['lint', SAMPLE, '--format', 'json'], { env });
    assert.equal(launched.status, 1, launched.stderr);
    assert.match(launched.stderr, /^lockstep: parser: compiled by the launcher$/m);
    // The bundle run without its launcher: libpg-query reads and compiles the file itself.
    const bundleAlone = runCli(['lint', SAMPLE, '--format', 'json'], { cli: join(REPO_ROOT, 'dist/cli.bundle.js') });
    assert.equal(bundleAlone.status, 1, bundleAlone.stderr);
    assert.equal(launched.stdout, bundleAlone.stdout);
    assert.ok(JSON.parse(launched.stdout).files[0].findings.length > 0);
  });

  it("dist/server.js publishes the first diagnostics with the launcher's compiled parser", async () => {
    assert.equal(await serverValueAtExit("globalThis[Symbol.for('lockstep.parserWasm')]?.used ?? null", SAMPLE), true);
  });
});
