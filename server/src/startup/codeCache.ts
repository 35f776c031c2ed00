/**
 * Runs a bundle of dist/ (the CLI, the language server) with V8's code cache, so a new process
 * deserializes the bundle's compiled code instead of parsing and compiling 1–2 MB of JavaScript
 * again. Node 20 has no `module.enableCompileCache` (Node 22+), hence `vm.Script` with `cachedData`.
 *
 * The bundle runs with the identity of the launcher that calls this (dist/cli.js, dist/server.js):
 * its `module`, `require`, `__filename` and `__dirname`, so `require.main === module`, the files
 * found next to `__dirname` and the worker scripts named after `__filename` are what they were
 * before the launcher existed.
 *
 * The cache is an optimisation only: a missing, stale, corrupt or unwritable cache runs the bundle
 * compiled from source. A cache file is named after the bundle's content hash (set at build time)
 * and the Node and V8 versions, carries a SHA-1 of its payload (V8 does not checksum code caches in
 * release builds), and is written to a temporary file and renamed, so concurrent processes never
 * read a partial one. V8 itself rejects a cache made with other V8 flags; it is then rewritten.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/** Header of a cache file: a format tag, then the SHA-1 of the V8 payload that follows. */
const MAGIC = Buffer.from('LSV8CC1\n', 'latin1');
const DIGEST_BYTES = 20;
/** Caches of other builds of the same bundle are deleted when this old (two installed versions in use keep theirs). */
const PRUNE_AFTER_MS = 7 * 24 * 3600_000;

/** What happened to the cache in this process (LOCKSTEP_CODE_CACHE_DEBUG=1 prints it; tests read it). */
export type CacheOutcome =
  | 'disabled' // no cache folder (LOCKSTEP_CACHE_DIR=off) or this Node cannot run a bundle through vm with import()
  | 'hit' // the cache was read and V8 accepted it
  | 'missing' // no cache file yet
  | 'corrupt' // the file is truncated or its checksum does not match
  | 'rejected'; // V8 refused it (another V8 version or other flags)

/**
 * A long-running process rewrites its cache at exit when V8's data for the script has grown by this
 * fraction since the cache was read or written. V8 puts in a code cache only the functions compiled
 * by the time it is made; in the language server, the code of an edit (the incremental split, the
 * patched relint, the diagnostics' reuse) first runs after the open, usually after the timed write,
 * so without a rewrite every new server compiled it again on its first edits (BENCHMARKS.md, issue
 * 14, fourteenth session: 54 KB of the 1.26 MB cache). 1 %: a few functions more are not worth a
 * 1 MB write at every exit.
 */
export const REFRESH_GROWTH = 0.01;

export interface BundleLaunch {
  /** Absolute path of the bundle to run (dist/cli.bundle.js). */
  bundlePath: string;
  /** The bundle's content hash, written into the launcher at build time. */
  bundleHash: string;
  /** The launcher's own module and require: the bundle runs as if it were the launcher's file. */
  module: NodeModule;
  require: NodeJS.Require;
  /** Where cache files go; undefined: no cache. */
  cacheDir: string | undefined;
  /**
   * A long-running process (the language server) writes a missing cache this long after start, once
   * start-up code has run, and at exit rewrites it if it has compiled more since (REFRESH_GROWTH); a
   * short one (the CLI) writes a missing cache when it exits, once. Only on the main thread (workers
   * run the same launcher).
   */
  writeAfterMs?: number;
  /** A tag for V8 flags the launcher set before compiling: caches made under other flags are other files. */
  flagsTag?: string;
  /** Told what happened to the cache (for LOCKSTEP_CODE_CACHE_DEBUG and tests). */
  report?: (event: string) => void;
}

/**
 * The cache folder: LOCKSTEP_CACHE_DIR (`off` for none), else `$XDG_CACHE_HOME/lockstep/v8`, else
 * `~/.cache/lockstep/v8` (`%LOCALAPPDATA%\lockstep\v8` on Windows). Never a shared temporary folder:
 * a cache file is compiled code that this process would run.
 */
export function codeCacheDir(env: Record<string, string | undefined>, platform = process.platform): string | undefined {
  const configured = env.LOCKSTEP_CACHE_DIR;
  if (configured === 'off' || configured === '0') return undefined;
  if (configured) return configured;
  let base = env.XDG_CACHE_HOME || (platform === 'win32' ? env.LOCALAPPDATA : undefined);
  if (!base) {
    try {
      const home = homedir();
      if (!home) return undefined;
      base = join(home, '.cache');
    } catch {
      return undefined; // no home folder (a system account): run without a cache
    }
  }
  return join(base, 'lockstep', 'v8');
}

/** The cache file of one bundle build under one Node/V8 and one set of launcher flags. */
export function cacheFileOf(dir: string, bundlePath: string, bundleHash: string, flagsTag = ''): string {
  const runtime = `${process.versions.node}-${process.versions.v8}-${process.arch}`.replace(/[^\w.-]/g, '_');
  return join(dir, `${basename(bundlePath, '.js')}-${bundleHash}-${runtime}${flagsTag ? `-${flagsTag}` : ''}.v8cache`);
}

/** The V8 payload of a cache file, or why there is none. */
export function readCacheFile(file: string): { data?: Buffer; outcome: 'missing' | 'corrupt' | 'read' } {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return { outcome: 'missing' };
  }
  const headerBytes = MAGIC.length + DIGEST_BYTES;
  if (raw.length <= headerBytes || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return { outcome: 'corrupt' };
  const data = raw.subarray(headerBytes);
  const digest = createHash('sha1').update(data).digest();
  if (!digest.equals(raw.subarray(MAGIC.length, headerBytes))) return { outcome: 'corrupt' };
  return { data, outcome: 'read' };
}

/** Writes a cache file atomically (temporary file, then rename); false when the folder is not writable. */
export function writeCacheFile(file: string, data: Buffer): boolean {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, Buffer.concat([MAGIC, createHash('sha1').update(data).digest(), data]), { mode: 0o600 });
    renameSync(temp, file);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the folder itself is not there
    }
    return false;
  }
}

/** The V8 payload's size of a cache file as it is now (0 when there is none). */
function payloadSizeOf(file: string): number {
  try {
    return Math.max(0, statSync(file).size - MAGIC.length - DIGEST_BYTES);
  } catch {
    return 0;
  }
}

/** Can this Node run a vm.Script whose code calls `import()` (web-tree-sitter does)? Node ≥ 20.12. */
function mainContextImport(): symbol | number | undefined {
  return (vmConstants as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol | number } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
}

/** Runs the bundle (see the file comment); returns what happened to the cache. */
export function runBundle(launch: BundleLaunch): CacheOutcome {
  const { bundlePath, module: mod } = launch;
  // The bundles are ASCII (esbuild escapes the rest; scripts/build.mjs checks): latin1 skips UTF-8 decoding.
  const source = readFileSync(bundlePath, 'latin1');
  const dynamicImport = mainContextImport();
  if (!launch.cacheDir || dynamicImport === undefined) {
    launch.report?.('code cache: disabled');
    // What Node does for any CommonJS file, with the launcher's identity.
    (mod as NodeModule & { _compile(code: string, filename: string): unknown })._compile(source, mod.filename);
    return 'disabled';
  }
  const file = cacheFileOf(launch.cacheDir, bundlePath, launch.bundleHash, launch.flagsTag);
  const read = readCacheFile(file);
  const script = new Script(wrap(source), {
    filename: bundlePath,
    cachedData: read.data,
    importModuleDynamically: dynamicImport as never,
  });
  const outcome: CacheOutcome = read.outcome === 'read' ? (script.cachedDataRejected ? 'rejected' : 'hit') : read.outcome;
  launch.report?.(`code cache: ${outcome} ${file}`);
  if (isMainThread) keepCache(launch, script, file, outcome === 'hit' ? read.data!.length : 0);
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;
  run.call(mod.exports, mod.exports, launch.require, mod, mod.filename, dirname(mod.filename));
  return outcome;
}

function bundlePrefix(bundlePath: string): string {
  return `${basename(bundlePath, '.js')}-`;
}

/**
 * Deletes caches of other builds of this bundle (a rebuilt or updated Lockstep) and temporary files
 * left by a killed writer, once unused for a week, so the folder does not grow with every build.
 */
export function pruneOtherBuilds(keep: string, prefix: string, now = Date.now()): void {
  const dir = dirname(keep);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (!name.startsWith(prefix) || path === keep || !/\.v8cache(\.[^.]+\.[^.]+\.tmp)?$/.test(name)) continue;
    try {
      if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // gone already, or not ours to delete
    }
  }
}

/** Node's CommonJS wrapper, so the bundle sees exports, require, module, __filename and __dirname. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/**
 * Writes the cache when it was not usable (`onDisk` 0): at exit, or `writeAfterMs` after start if the
 * process is still running then. A long-running process (`writeAfterMs` set) also rewrites it at
 * exit when V8's data has grown by REFRESH_GROWTH over what it read or wrote and over the file as it
 * is then (another server may have rewritten it): code first run after the write (or, on a hit,
 * code the cache lacked) was compiled since. V8 may drop the bytecode of functions not run for a
 * while (bytecode flushing), which a rewrite would then lack: the growth threshold keeps a cache
 * unless the process holds clearly more (after a 20,000-line open and 60 edits, the data at exit
 * was not smaller than the cache read at start).
 */
function keepCache(launch: BundleLaunch, script: Script, file: string, onDisk: number): void {
  const longRunning = launch.writeAfterMs !== undefined;
  if (onDisk > 0 && !longRunning) return;
  let unwritable = false;
  const write = (refresh: boolean) => {
    if (unwritable) return;
    const started = performance.now();
    let data: Buffer;
    try {
      data = script.createCachedData();
    } catch {
      return;
    }
    if (refresh) {
      // Another server may have rewritten the file since: a larger one stays.
      const current = Math.max(onDisk, payloadSizeOf(file));
      if (data.length < current * (1 + REFRESH_GROWTH)) {
        launch.report?.(`code cache: kept ${file} (${current} bytes; ${data.length} now)`);
        return;
      }
    }
    const written = writeCacheFile(file, data);
    if (written) onDisk = data.length;
    else unwritable = true;
    const event = !written ? 'not writable' : refresh ? 'refreshed' : 'written';
    launch.report?.(`code cache: ${event} ${file} (${data.length} bytes, ${(performance.now() - started).toFixed(1)} ms)`);
    if (written) pruneOtherBuilds(file, bundlePrefix(launch.bundlePath));
  };
  let timer: NodeJS.Timeout | undefined;
  process.once('exit', () => {
    if (timer) clearTimeout(timer);
    // A cache not written yet (missing, corrupt or rejected, and exiting before the timer) is written whole, as before.
    write(onDisk > 0);
  });
  if (onDisk === 0 && longRunning) {
    timer = setTimeout(() => {
      timer = undefined;
      write(false);
    }, launch.writeAfterMs).unref();
  }
}
