/**
 * The young-generation cap of `lockstep lint`: once V8's young space reaches the cap it stops
 * growing. Run in child processes: the cap sets a process-wide V8 flag, which must not reach the
 * other tests. Allocation keeps every object alive, so V8 would grow the space to its maximum.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { youngGenerationCap } from '../../../server/src/cli/youngGeneration';
import { runCli } from '../../../server/src/cli/run';
import { CLI, ensureBuilt } from './distCli';

const MODULE = join(__dirname, '../../../server/src/cli/youngGeneration.ts');

/** The largest young space seen while allocating ~24 MB of live objects, checking the cap after each MB. */
function largestYoungSpace(capBytes: number | undefined): number {
  const script = `
    const { getHeapSpaceStatistics } = require('node:v8');
    const { YoungGenerationCap } = require(${JSON.stringify(MODULE)});
    const cap = ${capBytes === undefined ? 'undefined' : `new YoungGenerationCap(${capBytes})`};
    const kept = [];
    let largest = 0;
    for (let mb = 0; mb < 24; mb++) {
      const chunk = [];
      for (let i = 0; i < 16384; i++) chunk.push({ i, s: 'x' + i });
      kept.push(chunk);
      cap?.check();
      largest = Math.max(largest, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    }
    process.stdout.write(String(largest));
  `;
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout);
}

describe('young-generation cap (lockstep lint)', () => {
  it('stops the young space growing once it reaches the cap; without the cap it grows past it', () => {
    const cap = 4 * 1048576;
    const capped = largestYoungSpace(cap);
    const free = largestYoungSpace(undefined);
    // Growth doubles the space, so the last growth before the check may overshoot the cap once.
    assert.ok(capped <= 2 * cap, `capped at ${capped} bytes`);
    assert.ok(free > 2 * cap, `uncapped it grew to ${free} bytes (else this test proves nothing)`);
  });

  it('holds until the report is written: the cap is undone after the last write, not before it', async () => {
    // The closing write of a corpus run (the last megabyte of JSON) grew the young space to 16 MB.
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-young-'));
    const events: string[] = [];
    // The module object itself (an import's namespace is read-only): youngGeneration.ts reads it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('node:v8') as { setFlagsFromString(flags: string): void };
    const setFlags = v8.setFlagsFromString;
    try {
      writeFileSync(join(dir, 'V1__a.sql'), 'CREATE TABLE a (id int);\n');
      v8.setFlagsFromString = (flags: string) => {
        if (flags.startsWith('--semi-space-growth-factor=2')) events.push('release');
        setFlags(flags);
      };
      const io = { cwd: dir, env: {}, stdoutIsTTY: false, writeOut: () => void events.push('write'), writeErr: () => {}, readStdin: async () => Buffer.alloc(0) };
      await runCli(['lint', '.', '--format', 'json', '--no-code'], io);
    } finally {
      v8.setFlagsFromString = setFlags;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(events, ['write', 'release']);
  });

  it('holds from the start: the walk and the job list of 20,000 files do not grow the young space past it', function () {
    this.timeout(120_000);
    ensureBuilt();
    // Empty files: the lint itself is quick, the walk, the job list and the code pre-check are not.
    // The cap used to be looked at first before the first file: by then the space was at 16–32 MB.
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-young-'));
    try {
      const migrations = join(dir, 'migrations');
      mkdirSync(migrations);
      for (let i = 1; i <= 20_000; i++) writeFileSync(join(migrations, `V${i}__step.sql`), '');
      // The young space's size when the cap is undone (the end of the lint), from inside the CLI's process.
      const probe = join(dir, 'probe.cjs');
      writeFileSync(probe, `
        const v8 = require('node:v8');
        const set = v8.setFlagsFromString;
        v8.setFlagsFromString = (flags) => {
          if (flags === '--semi-space-growth-factor=2') process.stderr.write('young=' + v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size + '\\n');
          return set(flags);
        };
      `);
      const run = spawnSync(process.execPath, ['--require', probe, CLI, 'lint', migrations, '--format', 'json', '--no-history'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1048576, env: { ...process.env, LOCKSTEP_NO_CODE: '' } });
      const young = /young=(\d+)/.exec(run.stderr);
      assert.ok(young, run.stderr);
      assert.ok(Number(young[1]) <= 8 * 1048576, `young space ${young[1]} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is 8 MB unless LOCKSTEP_YOUNG_GENERATION_MB says otherwise (0: none)', () => {
    assert.equal(youngGenerationCap({})?.maxBytes, 8 * 1048576);
    assert.equal(youngGenerationCap({ LOCKSTEP_YOUNG_GENERATION_MB: '' })?.maxBytes, 8 * 1048576);
    assert.equal(youngGenerationCap({ LOCKSTEP_YOUNG_GENERATION_MB: 'lots' })?.maxBytes, 8 * 1048576);
    assert.equal(youngGenerationCap({ LOCKSTEP_YOUNG_GENERATION_MB: '16' })?.maxBytes, 16 * 1048576);
    assert.equal(youngGenerationCap({ LOCKSTEP_YOUNG_GENERATION_MB: '0' }), undefined);
  });
});
