/**
 * `lockstep lint` on several threads (server/src/cli/lintPool.ts) gives the report a one-thread run
 * gives: the same findings, from the same history, in the same order, errors included.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dealSets, setKey } from '../../../server/src/cli/lintPool';
import { lintOrderOf } from '../../../server/src/cli/pathOrder';
import type { LintJob } from '../../../server/src/cli/lintFile';
import { ensureBuilt, REPO_ROOT, runCli, runCliLoggingV8Flags, timesSetBeforeRelease } from './distCli';

describe('lockstep lint: worker pool', () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-pool-'));
    cpSync(join(REPO_ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    // Sets whose later files' findings depend on the schema their earlier files left.
    for (const set of ['a', 'b', 'c']) {
      const folder = join(dir, 'sets', set);
      mkdirSync(folder, { recursive: true });
      for (let i = 1; i <= 6; i++) {
        writeFileSync(join(folder, `00000${i}_step.up.sql`), [
          `CREATE TABLE ${set}${i} (id int PRIMARY KEY, note varchar(50));`,
          i > 1 ? `ALTER TABLE ${set}${i - 1} ALTER COLUMN note TYPE varchar(80);` : '',
          i > 2 ? `ALTER TABLE ${set}${i - 2} ADD COLUMN flag boolean NOT NULL;` : '',
          i > 3 ? `CREATE INDEX ${set}${i - 3}_note ON ${set}${i - 3} (note);` : '',
        ].join('\n'));
      }
    }
    // A folder per migration (Diesel): the set is the folder above.
    for (const name of ['2024-01-01-000000_create', '2024-01-02-000000_alter']) {
      mkdirSync(join(dir, 'diesel', name), { recursive: true });
      writeFileSync(join(dir, 'diesel', name, 'up.sql'), name.endsWith('create') ? 'CREATE TABLE d (id int, v text);' : 'ALTER TABLE d ALTER COLUMN v TYPE varchar(10);');
      writeFileSync(join(dir, 'diesel', name, 'down.sql'), name.endsWith('create') ? 'DROP TABLE d;' : 'ALTER TABLE d ALTER COLUMN v TYPE text;');
    }
    // A file that cannot be linted: its error keeps its place too.
    writeFileSync(join(dir, 'sets', 'b', '000009_binary.up.sql'), Buffer.from([0x53, 0, 0x51, 0x4c]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const lint = (threads: number, extra: string[] = []) => runCli(['lint', '--format', 'json', ...extra, dir], { env: { LOCKSTEP_LINT_THREADS: String(threads), LOCKSTEP_DEBUG: '1' } });
  const THREADS_LINE = /^lockstep: linted on .*\n/m;

  for (const extra of [[], ['--no-history']]) {
    it(`reports exactly what one thread reports ${extra.join(' ') || '(with history)'}`, () => {
      const one = lint(1, extra);
      const pooled = lint(3, extra);
      assert.equal(pooled.status, one.status);
      assert.match(one.stderr, /linted on one thread/);
      // Four sets (examples' four folders are four more): three threads, every file once.
      const perThread = /linted on 3 threads \(files: (\d+), (\d+), (\d+)\)/.exec(pooled.stderr);
      assert.ok(perThread, pooled.stderr);
      assert.equal(perThread.slice(1).map(Number).reduce((a, b) => a + b), 13 + 19 + 4);
      assert.equal(pooled.stderr.replace(THREADS_LINE, ''), one.stderr.replace(THREADS_LINE, ''));
      assert.equal(pooled.stdout, one.stdout);
      const report = JSON.parse(one.stdout);
      assert.equal(report.files.length, 13 + 18 + 4); // the binary file is an error, not a report
      assert.ok(report.files.flatMap((f: { findings: unknown[] }) => f.findings).length > 20);
      assert.match(one.stderr, /000009_binary\.up\.sql: looks like a binary file/);
    });
  }

  it('uses the history: a widened varchar(50) is no rewrite with it, a "maybe" without', () => {
    const typeChanges = (args: string[]) =>
      JSON.parse(lint(3, args).stdout)
        .files.filter((f: { path: string }) => f.path.includes('sets'))
        .flatMap((f: { findings: { ruleId: string }[] }) => f.findings)
        .filter((f: { ruleId: string }) => f.ruleId === 'type-change-rewrite');
    assert.equal(typeChanges([]).length, 0);
    assert.ok(typeChanges(['--no-history']).length >= 15);
  });

  it('deals whole sets out by size and keeps each share in file order', () => {
    const paths = ['/p/a/1.sql', '/p/a/2.sql', '/p/b/1.sql', '/p/c/x/up.sql', '/p/c/y/up.sql', '/p/c/y/down.sql', '/p/a/3.sql'];
    const sizes = [10, 10, 50, 5, 5, 5, 10];
    const shares = dealSets(paths, sizes, 2);
    assert.deepEqual(shares, [[2], [0, 1, 3, 4, 5, 6]]);
    assert.equal(setKey('/p/c/y/down.sql'), '/p/c');
    assert.deepEqual(dealSets(paths, sizes, 5).flat().sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(dealSets(['/p/a/1.sql'], [1], 2), [[0]]);
  });

  it("lints a share's Diesel set in Diesel's order, as one thread does (its history built once)", () => {
    // By path `2017-10-06-…` sorts first; Diesel runs it after `2014…` and `20170305…`.
    const paths = ['/d/2017-10-06-000000_c/down.sql', '/d/2017-10-06-000000_c/up.sql', '/d/20141001000000_a/up.sql', '/d/20170305000000_b/up.sql', '/f/V1__x.sql'];
    const jobs = paths.map((absolutePath) => ({ absolutePath, config: { runner: 'auto' } }) as LintJob);
    assert.deepEqual(dealSets(paths, [1, 1, 1, 1, 9], 2, lintOrderOf(jobs)), [[4], [2, 3, 0, 1]]);
  });
  it("sets the main thread's heap bounds again once the workers run (a worker's start resets V8's flags)", function () {
    this.timeout(60_000);
    // Each flag the CLI sets, from inside its process: the young cap and the old growth are set once
    // by the main thread and once more after the workers started, before the lint ends.
    const run = runCliLoggingV8Flags(['lint', join(dir, 'sets'), '--format', 'json'], {
      env: { LOCKSTEP_DEBUG: '1', LOCKSTEP_LINT_THREADS: '2', LOCKSTEP_YOUNG_GENERATION_MB: '1' },
    });
    assert.match(run.stderr, /linted on 2 threads/);
    assert.equal(timesSetBeforeRelease(run.flags, '--semi-space-growth-factor=1'), 2, run.flags.join(', '));
    assert.equal(timesSetBeforeRelease(run.flags, '--heap-growing-percent=100'), 2, run.flags.join(', '));
  });
});
