/**
 * The V8 code cache of dist/cli.js and dist/server.js (server/src/startup/codeCache.ts): the file
 * helpers, and the built launcher run as users run it, with its own cache folder. What the launcher
 * did is read from its LOCKSTEP_CODE_CACHE_DEBUG lines and from the cache files, never from timings.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFileOf, codeCacheDir, pruneOtherBuilds, readCacheFile, writeCacheFile } from '../../../server/src/startup/codeCache';
import { pathToFileURL } from 'node:url';
// @ts-expect-error: the bench's plain .mjs module (no types)
import { EDITS, generateMigration } from '../../../bench/migration.mjs';
import { LspHarness } from '../../lsp/harness';
import { ensureBuilt, REPO_ROOT, runCli } from '../cli/distCli';

const SAMPLE = join(REPO_ROOT, 'examples/flyway/V2__invoice_lookups.sql');

describe('code cache: files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-cc-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it wrote, and reports a missing file as missing', () => {
    const file = join(dir, 'nested/x.v8cache');
    assert.equal(readCacheFile(file).outcome, 'missing');
    assert.ok(writeCacheFile(file, Buffer.from('payload bytes')));
    const read = readCacheFile(file);
    assert.equal(read.outcome, 'read');
    assert.equal(read.data?.toString(), 'payload bytes');
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['x.v8cache'], 'no temporary file left behind');
  });

  it('calls a file with a flipped payload byte, a truncated file or a foreign file corrupt', () => {
    const file = join(dir, 'x.v8cache');
    writeCacheFile(file, Buffer.from('payload bytes'));
    const raw = readFileSync(file);
    raw[raw.length - 1] ^= 0xff;
    writeFileSync(file, raw);
    assert.equal(readCacheFile(file).outcome, 'corrupt');
    writeFileSync(file, raw.subarray(0, 10));
    assert.equal(readCacheFile(file).outcome, 'corrupt');
    writeFileSync(file, 'not a cache file at all, but long enough to hold a header');
    assert.equal(readCacheFile(file).outcome, 'corrupt');
  });

  it('returns false, and leaves nothing, when the folder cannot be created', () => {
    writeFileSync(join(dir, 'plain-file'), '');
    assert.equal(writeCacheFile(join(dir, 'plain-file/sub/x.v8cache'), Buffer.from('x')), false);
    assert.deepEqual(readdirSync(dir), ['plain-file']);
  });

  it('names a file after the bundle, its hash, the Node/V8 build and the launcher flags', () => {
    const a = cacheFileOf('/c', '/d/cli.bundle.js', 'aaaa', 'liftoff');
    assert.match(a, /^\/c\/cli\.bundle-aaaa-.+-liftoff\.v8cache$/);
    assert.ok(a.includes(process.versions.v8));
    assert.notEqual(a, cacheFileOf('/c', '/d/cli.bundle.js', 'bbbb', 'liftoff'));
    assert.notEqual(a, cacheFileOf('/c', '/d/cli.bundle.js', 'aaaa', 'tierup'));
  });

  it('deletes caches of other builds of the same bundle, and stray temporary files, once a week old', () => {
    const names = ['cli.bundle-new-x.v8cache', 'cli.bundle-old-x.v8cache', 'cli.bundle-recent-x.v8cache', 'cli.bundle-old-x.v8cache.123.abc.tmp', 'server.bundle-old-x.v8cache', 'notes.txt'];
    for (const name of names) writeFileSync(join(dir, name), 'x');
    const weekAndADay = (Date.now() - 8 * 24 * 3600_000) / 1000;
    for (const name of names.filter((n) => n !== 'cli.bundle-recent-x.v8cache')) utimesSync(join(dir, name), weekAndADay, weekAndADay);
    pruneOtherBuilds(join(dir, 'cli.bundle-new-x.v8cache'), 'cli.bundle-');
    assert.deepEqual(readdirSync(dir).sort(), ['cli.bundle-new-x.v8cache', 'cli.bundle-recent-x.v8cache', 'notes.txt', 'server.bundle-old-x.v8cache']);
  });

  it('puts the cache under LOCKSTEP_CACHE_DIR, XDG_CACHE_HOME or the home folder; off means none', () => {
    assert.equal(codeCacheDir({ LOCKSTEP_CACHE_DIR: '/x' }), '/x');
    assert.equal(codeCacheDir({ LOCKSTEP_CACHE_DIR: 'off', XDG_CACHE_HOME: '/y' }), undefined);
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/y' }, 'linux'), join('/y', 'lockstep', 'v8'));
    assert.equal(codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), join('C:\\Users\\u\\AppData\\Local', 'lockstep', 'v8'));
    assert.match(codeCacheDir({}, 'linux') ?? '', /[\\/]\.cache[\\/]lockstep[\\/]v8$/);
  });
});

describe('code cache: the built launchers', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => ensureBuilt());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-cc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lint = (cacheDir: string, env: Record<string, string> = {}) =>
    runCli(['lint', SAMPLE, '--format', 'json', '--no-history'], { env: { LOCKSTEP_CACHE_DIR: cacheDir, LOCKSTEP_CODE_CACHE_DEBUG: '1', ...env } });
  const events = (stderr: string) => [...stderr.matchAll(/^lockstep: code cache: (missing|hit|corrupt|rejected|disabled|written|not writable)\b/gm)].map((m) => m[1]);
  const cacheFiles = (cacheDir: string) => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

  it('writes the cache on the first run and uses it on the next, with the same report', () => {
    const first = lint(dir);
    assert.equal(first.status, 1, first.stderr);
    assert.deepEqual(events(first.stderr), ['missing', 'written']);
    assert.equal(cacheFiles(dir).length, 1);
    assert.match(cacheFiles(dir)[0], /^cli\.bundle-[0-9a-f]{16}-.+\.v8cache$/);
    const second = lint(dir);
    assert.deepEqual(events(second.stderr), ['hit']);
    assert.equal(second.status, 1);
    assert.equal(second.stdout, first.stdout);
    assert.ok(JSON.parse(second.stdout).files[0].findings.length > 0);
  });

  it('loads the tree-sitter grammars when the bundle comes from the cache (import() inside the bundle)', () => {
    const rails = join(REPO_ROOT, 'test/fixtures/frameworks/rails/db/migrate/20240102000000_index_users_email.rb');
    const run = () => runCli(['lint', rails, '--format', 'json'], { env: { LOCKSTEP_CACHE_DIR: dir, LOCKSTEP_CODE_CACHE_DEBUG: '1' } });
    const rulesOf = (stdout: string) => (JSON.parse(stdout).files[0].findings as { ruleId: string }[]).map((f) => f.ruleId);
    const first = run();
    assert.deepEqual(events(first.stderr), ['missing', 'written']);
    const second = run();
    assert.deepEqual(events(second.stderr), ['hit']);
    assert.ok(rulesOf(second.stdout).includes('require-concurrent-index'), second.stdout);
    assert.deepEqual(rulesOf(second.stdout), rulesOf(first.stdout));
  });

  it('rebuilds a corrupt cache, then uses the new one', () => {
    lint(dir);
    const file = join(dir, cacheFiles(dir)[0]);
    const raw = readFileSync(file);
    raw[raw.length >> 1] ^= 0xff;
    writeFileSync(file, raw);
    const run = lint(dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(events(run.stderr), ['corrupt', 'written']);
    assert.deepEqual(events(lint(dir).stderr), ['hit']);
  });

  it('rebuilds a cache V8 rejects (made for another script), then uses the new one', () => {
    lint(dir);
    const file = join(dir, cacheFiles(dir)[0]);
    // A well-formed file (checksum right) holding the code cache of a different script.
    const { Script } = require('node:vm') as typeof import('node:vm');
    writeCacheFile(file, new Script('1 + 1').createCachedData());
    const run = lint(dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(events(run.stderr), ['rejected', 'written']);
    assert.deepEqual(events(lint(dir).stderr), ['hit']);
  });

  it('lints as usual when the cache folder cannot be written, or is off', () => {
    writeFileSync(join(dir, 'plain-file'), '');
    const reference = lint('off');
    assert.deepEqual(events(reference.stderr), ['disabled']);
    assert.equal(reference.status, 1, reference.stderr);
    const unwritable = lint(join(dir, 'plain-file/cache'));
    assert.deepEqual(events(unwritable.stderr), ['missing', 'not writable']);
    assert.equal(unwritable.status, 1);
    assert.equal(unwritable.stdout, reference.stdout);
  });

  it('keeps a separate cache for LOCKSTEP_WASM_TIER_UP=1 (other V8 flags)', () => {
    lint(dir);
    const tierUp = lint(dir, { LOCKSTEP_WASM_TIER_UP: '1' });
    assert.deepEqual(events(tierUp.stderr), ['missing', 'written']);
    assert.deepEqual(cacheFiles(dir).map((f) => f.replace(/.*-/, '')).sort(), ['liftoff.v8cache', 'tierup.v8cache']);
    assert.deepEqual(events(lint(dir).stderr), ['hit']);
  });

  it('a lint that caps the young generation still leaves a cache the next run uses (the cap is undone before the write)', () => {
    // 1 MB: the cap is reached at the first file. V8 keys code caches on its flags, so a cache
    // written with the cap's flag on was rejected by every later run.
    const capped = { LOCKSTEP_YOUNG_GENERATION_MB: '1' };
    assert.deepEqual(events(lint(dir, capped).stderr), ['missing', 'written']);
    assert.deepEqual(events(lint(dir, capped).stderr), ['hit']);
    assert.deepEqual(events(lint(dir).stderr), ['hit']);
  });

  it('the language server writes its cache a few seconds after start and uses it next time', async () => {
    const serverRun = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/server.js'), '--stdio'], {
          env: { ...process.env, LOCKSTEP_CACHE_DIR: dir, LOCKSTEP_CODE_CACHE_DEBUG: '1' },
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
          // Done once the cache was used, or written after start (the 5 s timer, not the exit).
          if (/code cache: (hit|written|not writable)/.test(stderr)) child.stdin.end();
        });
        child.on('error', reject);
        child.on('exit', () => resolve(stderr));
      });
    assert.deepEqual(events(await serverRun()), ['missing', 'written']);
    assert.match(cacheFiles(dir).join(), /^server\.bundle-/);
    assert.deepEqual(events(await serverRun()), ['hit']);
  });

  it('the language server rewrites its cache at exit once it has compiled more (an edit), and only then', async () => {
    // The bench's 300-line migration and its rename-column edit: the edit runs code the open does
    // not (the incremental split, the patched relint), which V8 compiles on the edit. What is
    // observed is the cache file: V8 says nothing about which functions a cache holds, but its
    // data grows with every function compiled, and a cache made after the edits that a later
    // server (running the same edits) does not find grown holds what those edits compile.
    const { text, lines, editable } = generateMigration(300) as { text: string; lines: string[]; editable: Record<string, number[]> };
    const session = async (edits: number, beforeExit?: () => void) => {
      const lsp = await LspHarness.start({ env: { LOCKSTEP_CACHE_DIR: dir }, debounceMs: 0 });
      try {
        const uri = pathToFileURL(join(dir, 'V1__edits.sql')).href;
        lsp.open(uri, text);
        await lsp.diagnosticsFor(uri, 1);
        const source = [...lines];
        for (let n = 0; n < edits; n++) {
          const line = editable['rename-column'][n];
          const before = source[line];
          source[line] = EDITS['rename-column'].edit(before, n);
          const version = lsp.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: before.length } }, text: source[line] }]);
          await lsp.diagnosticsFor(uri, version);
        }
        beforeExit?.();
      } finally {
        assert.equal(await lsp.shutdown(), 0);
      }
      const files = cacheFiles(dir).filter((f) => f.endsWith('.v8cache'));
      assert.equal(files.length, 1, files.join());
      return readFileSync(join(dir, files[0]));
    };
    const opened = await session(0); // a miss: written at exit, after the open only
    const edited = await session(3); // a hit: rewritten at exit, now with the edits' code
    assert.ok(edited.length > opened.length * 1.01, `${opened.length} → ${edited.length} bytes`);
    const again = await session(3); // a hit that compiled nothing new: the file is left as it was
    assert.ok(again.equals(edited), 'not rewritten');

    // Another server rewrote the file with more while this one ran: the larger file stays.
    const file = join(dir, cacheFiles(dir).find((f) => f.endsWith('.v8cache'))!);
    writeCacheFile(file, Buffer.from('not a V8 code cache'));
    await session(0); // now a cache V8 rejects: rewritten whole (open only)
    const larger = Buffer.alloc(edited.length * 2, 7);
    const meanwhile = await session(3, () => writeCacheFile(file, larger));
    assert.ok(readCacheFile(file).data?.equals(larger), `${meanwhile.length} bytes on disk; the other server's ${larger.length + 28}`);
  });
});

