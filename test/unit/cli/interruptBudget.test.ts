/**
 * `lockstep lint` sets V8's default interrupt budget again after many files, when the launcher set
 * the CLI's (startup/tiering.ts), and the launcher's budget back before the code cache is written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUDGET_AFTER_FILES, interruptBudgetSwitch, InterruptBudgetSwitch } from '../../../server/src/cli/interruptBudget';
import { CLI_INTERRUPT_BUDGET, V8_INTERRUPT_BUDGET } from '../../../server/src/startup/tiering';
import { CLI, ensureBuilt } from './distCli';

const TO_DEFAULT = `--interrupt-budget=${V8_INTERRUPT_BUDGET}`;
const TO_CLI = `--interrupt-budget=${CLI_INTERRUPT_BUDGET}`;

/** The flags `body` sets through node:v8 (the module object: interruptBudget.ts reads it at each call). */
function flagsSetBy(body: () => void): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as { setFlagsFromString(flags: string): void };
  const setFlags = v8.setFlagsFromString;
  const set: string[] = [];
  v8.setFlagsFromString = (flags: string) => void set.push(flags);
  try {
    body();
  } finally {
    v8.setFlagsFromString = setFlags;
  }
  return set;
}

/** A folder of `count` one-statement Flyway files. */
function folderOf(count: number): { dir: string; migrations: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-budget-'));
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  for (let i = 1; i <= count; i++) writeFileSync(join(migrations, `V${i}__t.sql`), `CREATE TABLE t${i} (id int);\n`);
  return { dir, migrations };
}

describe('interrupt budget of a long lint (cli/interruptBudget.ts)', () => {
  it('sets V8 default budget once, after the given number of files, and the CLI budget back on release', () => {
    const budget = new InterruptBudgetSwitch(3);
    const events: string[] = [];
    for (let file = 1; file <= 5; file++) events.push(...flagsSetBy(() => budget.fileLinted()).map((f) => `${file}: ${f}`));
    events.push(...flagsSetBy(() => budget.release()).map((f) => `release: ${f}`));
    events.push(...flagsSetBy(() => budget.release()).map((f) => `again: ${f}`));
    assert.deepEqual(events, [`3: ${TO_DEFAULT}`, `release: ${TO_CLI}`]);
  });

  it('changes nothing on release when the run ended before the switch', () => {
    const budget = new InterruptBudgetSwitch(3);
    assert.deepEqual(flagsSetBy(() => { budget.fileLinted(); budget.release(); }), []);
  });

  it('only when the launcher set the budget; LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES picks the count (0: never)', () => {
    assert.equal(interruptBudgetSwitch({}, false), undefined);
    assert.equal(interruptBudgetSwitch({}, true)?.afterFiles, DEFAULT_BUDGET_AFTER_FILES);
    assert.ok(DEFAULT_BUDGET_AFTER_FILES > 2081, 'the 2,081-file corpus keeps the CLI budget throughout');
    assert.equal(interruptBudgetSwitch({ LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES: 'x' }, true)?.afterFiles, DEFAULT_BUDGET_AFTER_FILES);
    assert.equal(interruptBudgetSwitch({ LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES: '10' }, true)?.afterFiles, 10);
    assert.equal(interruptBudgetSwitch({ LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES: '0' }, true), undefined);
  });

  describe('dist/cli.js', function () {
    this.timeout(120_000);
    let dir: string;
    let migrations: string;
    let probe: string;
    before(() => {
      ensureBuilt();
      ({ dir, migrations } = folderOf(6));
      // Logs, from inside the CLI's process, each budget set; the code cache's own events follow on stderr.
      probe = join(dir, 'probe.cjs');
      writeFileSync(probe, `
        const v8 = require('node:v8');
        const set = v8.setFlagsFromString;
        v8.setFlagsFromString = (flags) => {
          if (flags.startsWith('--interrupt-budget')) process.stderr.write('lockstep: flag ' + flags + '\\n');
          return set(flags);
        };
      `);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** stderr lines about budgets and the code cache, for a lint with a new cache folder (the cache is written at exit). */
    function lint(nodeFlags: string[], cacheDir: string): string[] {
      const run = spawnSync(process.execPath, ['--require', probe, ...nodeFlags, CLI, 'lint', migrations, '--format', 'json', '--no-code'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES: '4', LOCKSTEP_CODE_CACHE_DEBUG: '1', LOCKSTEP_CACHE_DIR: cacheDir, NODE_OPTIONS: '' },
      });
      assert.ok(run.status === 0 || run.status === 1, run.stderr);
      return run.stderr.split('\n').flatMap((line) => (/^lockstep: (flag|code cache: \w+)/.exec(line)?.[0] ? [/^lockstep: (flag \S+|code cache: \w+)/.exec(line)![1]] : []));
    }

    it('switches after N files and back before the code cache is written, so the next run hits the cache', () => {
      const cache = join(dir, 'cache-launcher');
      assert.deepEqual(lint([], cache), [`flag ${TO_CLI}`, 'code cache: missing', `flag ${TO_DEFAULT}`, `flag ${TO_CLI}`, 'code cache: written']);
      assert.deepEqual(lint([], cache), [`flag ${TO_CLI}`, 'code cache: hit', `flag ${TO_DEFAULT}`, `flag ${TO_CLI}`]);
    });

    it('leaves a budget the user named alone', () => {
      assert.deepEqual(lint([`--interrupt-budget=${V8_INTERRUPT_BUDGET}`], join(dir, 'cache-user')), ['code cache: missing', 'code cache: written']);
    });
  });
});
