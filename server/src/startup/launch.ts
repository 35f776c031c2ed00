/**
 * The launcher scripts/build.mjs writes as dist/cli.js and dist/server.js: a few KB that set V8's
 * flags and run the real bundle (dist/cli.bundle.js, dist/server.bundle.js) through the code cache
 * (codeCache.ts). The build defines which bundle, its hash and when a long-running process writes
 * the cache.
 */
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import { codeCacheDir, runBundle } from './codeCache';
import { parserPreloadUsed, preloadParser } from './parserPreload';
import { noteLauncherBudget, tieringFlag } from './tiering';

declare const LOCKSTEP_BUNDLE: string;
declare const LOCKSTEP_BUNDLE_HASH: string;
declare const LOCKSTEP_WRITE_CACHE_AFTER_MS: number | undefined;

// Liftoff only: V8's optimising WASM compiler spends ~0.5 s of CPU on the SQL parser's giant
// generated functions after the first parse, and Node waits for it before exiting. Measured
// (BENCHMARKS.md, 2026-12-02): a one-file lint takes a third of the CPU, and the whole corpus parses
// faster too (TurboFan's code only pays off from the third parse of the same 2,000 files).
// LOCKSTEP_WASM_TIER_UP=1 keeps V8's default. Set before compiling: V8 keys code caches on its flags.
const tierUp = process.env.LOCKSTEP_WASM_TIER_UP === '1';
if (!tierUp) setFlagsFromString('--liftoff-only');
// The CLI optimises later (tiering.ts); set before compiling too, so the code cache matches these flags.
const tiering = tieringFlag(LOCKSTEP_BUNDLE, process.execArgv, process.env.NODE_OPTIONS);
if (tiering) {
  setFlagsFromString(tiering);
  noteLauncherBudget();
}

// After the flags (the compile follows them), before the bundle: V8 compiles the parser while the bundle starts.
preloadParser(join(__dirname, 'libpg-query.wasm'));

const debug = process.env.LOCKSTEP_CODE_CACHE_DEBUG === '1';
if (debug) process.once('exit', () => process.stderr.write(`lockstep: parser: ${parserPreloadUsed() ? 'compiled by the launcher' : 'loaded by libpg-query'}\n`));
runBundle({
  bundlePath: join(__dirname, LOCKSTEP_BUNDLE),
  bundleHash: LOCKSTEP_BUNDLE_HASH,
  module,
  require,
  cacheDir: codeCacheDir(process.env),
  writeAfterMs: LOCKSTEP_WRITE_CACHE_AFTER_MS,
  flagsTag: tierUp ? 'tierup' : 'liftoff',
  report: debug ? (event) => process.stderr.write(`lockstep: ${event}\n`) : undefined,
});
