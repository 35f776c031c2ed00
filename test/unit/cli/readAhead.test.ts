/**
 * `lockstep lint` reads its files in a worker thread ahead of the lint (readAhead.ts, the bundled
 * dist/readAheadWorker.js): each file's outcome is what `readSource` gives, in order; anything out of
 * step is read in the main thread; and the heap bounds V8's flags hold although a worker started.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_AHEAD_MIN_FILES, startReadAhead } from '../../../server/src/cli/readAhead';
import { readSource } from '../../../server/src/cli/source';
import { CLI, ensureBuilt, REPO_ROOT, runCli, runCliLoggingV8Flags, timesSetBeforeRelease } from './distCli';

const WORKER = join(REPO_ROOT, 'dist/readAheadWorker.js');

describe('read-ahead of the files to lint', function () {
  this.timeout(120_000);
  let dir: string;
  let paths: string[];

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-readahead-'));
    paths = [];
    for (let i = 1; i <= 300; i++) {
      const path = join(dir, `V${i}__step.sql`);
      writeFileSync(path, `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text);\nALTER TABLE t${i} ALTER COLUMN name SET NOT NULL;\n`);
      paths.push(path);
    }
    // Outcomes other than text: a BOM, a binary file, an empty file, a folder named like SQL, a missing file.
    writeFileSync(paths[3], '\uFEFFCREATE TABLE bom (id int);\n');
    writeFileSync(paths[7], Buffer.from([0x43, 0x00, 0x41]));
    writeFileSync(paths[11], '');
    rmSync(paths[13]);
    mkdirSync(paths[13]);
    rmSync(paths[17]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each file what readSource gives, all from the thread, in batches it started once', () => {
    let started = 0;
    const reader = startReadAhead(paths, {}, () => started++, WORKER);
    assert.ok(reader);
    assert.ok(reader.waitForThread());
    const outcomes = paths.map((p) => reader.read(p));
    assert.deepEqual(outcomes, paths.map((p) => readSource(p)));
    assert.equal(reader.fromThread, paths.length);
    assert.equal(started, 1);
    assert.ok('error' in outcomes[7] && 'error' in outcomes[13] && 'error' in outcomes[17]);
  });

  it('reads the first files in the main thread while the thread starts, and passes over its outcomes for them', () => {
    const reader = startReadAhead(paths, {}, () => {}, WORKER);
    assert.ok(reader);
    // Before the thread can have posted anything: read here.
    const first = paths.slice(0, 5).map((p) => reader.read(p));
    assert.equal(reader.fromThread, 0);
    assert.ok(reader.waitForThread());
    const rest = paths.slice(5).map((p) => reader.read(p));
    assert.deepEqual([...first, ...rest], paths.map((p) => readSource(p)));
    assert.equal(reader.fromThread, paths.length - 5);
  });

  it('reads a path out of order in the main thread, and the rest after it', () => {
    const reader = startReadAhead(paths, {}, () => {}, WORKER);
    assert.ok(reader);
    assert.ok(reader.waitForThread());
    assert.deepEqual(reader.read(paths[0]), readSource(paths[0]));
    assert.deepEqual(reader.read(paths[5]), readSource(paths[5]));
    assert.deepEqual(reader.read(paths[6]), readSource(paths[6]));
    assert.equal(reader.fromThread, 1);
  });

  it('starts no thread for a few files, with LOCKSTEP_READ_AHEAD=0, or without the bundle', () => {
    assert.equal(startReadAhead(paths.slice(0, READ_AHEAD_MIN_FILES - 1), {}, () => {}, WORKER), undefined);
    assert.equal(startReadAhead(paths, { LOCKSTEP_READ_AHEAD: '0' }, () => {}, WORKER), undefined);
    assert.equal(startReadAhead(paths, {}, () => {}, undefined), undefined);
  });

  it('lint reads ahead in a thread and reports the same as reading in the main thread', () => {
    const ahead = runCli(['lint', '--format', 'json', dir], { env: { LOCKSTEP_DEBUG: '1' } });
    const here = runCli(['lint', '--format', 'json', dir], { env: { LOCKSTEP_DEBUG: '1', LOCKSTEP_READ_AHEAD: '0' } });
    // The walk finds 298 of them (not the folder, not the missing file); the first may be read here
    // while the thread starts.
    const fromThread = /read ahead in a thread: (\d+) of 298 files/.exec(ahead.stderr);
    assert.ok(fromThread && Number(fromThread[1]) > 0, ahead.stderr);
    assert.doesNotMatch(here.stderr, /read ahead/);
    assert.equal(ahead.stdout, here.stdout);
    assert.equal(ahead.status, here.status);
    assert.equal(JSON.parse(ahead.stdout).errors.length, 1);
  });

  it("sets the heap bounds again once the thread runs (a worker's start resets V8's flags)", () => {
    // Each flag the CLI sets, from inside its process: the young cap and the old growth are set
    // again after the worker's first batch, so each is set twice before the lint ends.
    const run = runCliLoggingV8Flags(['lint', dir, '--format', 'json'], { timeout: 120_000, env: { LOCKSTEP_YOUNG_GENERATION_MB: '1' } });
    assert.equal(timesSetBeforeRelease(run.flags, '--semi-space-growth-factor=1'), 2, run.flags.join(', '));
    assert.equal(timesSetBeforeRelease(run.flags, '--heap-growing-percent=100'), 2, run.flags.join(', '));
  });
  it('starts no thread for a folder of fewer files than the read-ahead takes, one for a larger folder', () => {
    // Each worker the CLI starts, from inside its process.
    const probe = join(dir, '..', `workers-${process.pid}.cjs`);
    writeFileSync(probe, `
      const threads = require('node:worker_threads');
      const Started = threads.Worker;
      threads.Worker = class extends Started {
        constructor(script, options) { process.stderr.write('worker ' + require('node:path').basename(String(script)) + '\\n'); super(script, options); }
      };
    `);
    const small = mkdtempSync(join(tmpdir(), 'lockstep-readahead-small-'));
    try {
      for (let i = 1; i <= 5; i++) writeFileSync(join(small, `V${i}__step.sql`), `CREATE TABLE s${i} (id int);\n`);
      const workers = (folder: string) => {
        const run = spawnSync(process.execPath, ['--require', probe, CLI, 'lint', folder, '--format', 'json'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1048576, env: { ...process.env, LOCKSTEP_NO_CODE: '1' } });
        assert.ok(run.status === 0 || run.status === 1 || run.status === 2, run.stderr);
        return run.stderr.split('\n').filter((l) => l.startsWith('worker '));
      };
      assert.deepEqual(workers(small), []);
      assert.deepEqual(workers(dir), ['worker readAheadWorker.js']);
    } finally {
      rmSync(probe, { force: true });
      rmSync(small, { recursive: true, force: true });
    }
  });
});
