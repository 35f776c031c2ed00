/**
 * `lockstep run --db <url> <files…>`: apply migration files as their runner would, guarded:
 * lock_timeout and retries on blocking statements, the lock watch and its kill switch, a journal
 * to resume from, INVALID-index clean-up, and a report of what each statement really cost.
 * It only ever runs the files it is given, and only when asked.
 */
import { resolve } from 'node:path';
import { initEngine, lintText } from '../engine';
import { isHostPath } from '../frameworks/registry';
import { RUNNERS } from '../document/runner';
import { DatabaseError } from '../db/errors';
import type { ConnectionTarget } from '../db/target';
import { cliTarget } from './cliTarget';
import { DEFAULT_RUN_OPTIONS, runMigrations, type RunEvent, type RunFile } from '../run/execute';
import { RUN_FORMATS } from '../run/report';
import { DEFAULT_THROTTLE_LIMITS } from '../run/throttle';
import { liveDone, liveRunEvent } from '../run/liveEvents';
import { unitsOf } from '../run/units';
import { RUNNER_HISTORIES } from '../run/history';
import type { RunnerHistory } from '../run/history/types';
import type { Subcommand } from './commands';
import { ConfigResolver } from './configs';
import { looksLocal, parseCount, parseDuration, parseGuardArgs, parseSize, WATCH_FLAG_OPTIONS, WATCH_OPTIONS_HELP, WATCH_VALUE_OPTIONS, watchLimitsFrom } from './guardArgs';
import type { CliIO } from './run';
import { readSource } from './source';

export const RUN_HELP = `Usage: lockstep run --db <url> [options] <files…>

Applies the given migration files, in the order given, to the database named,
the way their runner would (its transactions; CONCURRENTLY outside any), guarded:
  - every unit that takes a lock blocking reads or writes runs under lock_timeout
    and is retried with exponential backoff and jitter, logging whom it waited for;
  - a second, read-only session watches the lock queue every 250 ms and cancels the
    migration's statement when the application queues behind it too long (kill switch);
  - lockstep.run_journal records what was applied, so a rerun resumes where it stopped;
  - an INVALID index left by a failed concurrent build is dropped concurrently and rebuilt.

Options:
${WATCH_OPTIONS_HELP}
  --format <name>        the final report: text (default), json or markdown (for the PR)
  --lock-timeout <d>     lock_timeout for blocking statements (default 2s)
  --retries <n>          tries after the first (default 5)
  --backoff <d>          first retry delay; doubles each try, capped at 30s (default 1s)
  --target-lock-wait <d> a scaffolded backfill halves its batch (and doubles its pause)
                         when an application session waited longer behind a batch
                         (default 200ms); it steps back after 3 batches under target
  --max-lag <d>          … or when a standby's replay lag passed this; no batch runs
                         until the lag is back under it (default 5s)
  --max-lag-bytes <size> … or when a standby had not replayed this much WAL (16MB,
                         512kB; default: off). It falls back to 0 as soon as the
                         standby reports it caught up, where replay_lag lingers
  --no-throttle          keep the scaffolded batch size and pause
  --dry-run              print the units and what the journal says; change nothing
  --yes                  run against a host that is not local without asking
  --rerun-interrupted    run again a statement an interrupted run may have applied
  --ignore-runner-history
                         apply files of a runner that keeps its own history (Flyway,
                         goose, …) anyway; that history is NOT updated. Without it,
                         postgres-migrations and Drizzle files are recorded in their
                         history as the runner would;
                         other such runners are refused
  --config <file>        use this lockstep.config.json

Exit codes: 0 applied, 1 the run stopped (report says why), 2 usage, file or connection error.`;

const VALUE_OPTIONS = [...WATCH_VALUE_OPTIONS, '--format', '--lock-timeout', '--retries', '--backoff', '--config', '--target-lock-wait', '--max-lag', '--max-lag-bytes'];
const FLAG_OPTIONS = [...WATCH_FLAG_OPTIONS, '--dry-run', '--yes', '--rerun-interrupted', '--ignore-runner-history', '--no-throttle'];

function describeEvent(e: RunEvent): string | undefined {
  const at = (file: string, unit: { statements: { line: number }[] }) => `${file}:${unit.statements[0]?.line ?? 0}`;
  switch (e.kind) {
    case 'unit':
      return `${at(e.file, e.unit)}: ${e.attempt > 1 ? `try ${e.attempt}` : 'running'}${e.unit.transactional ? ' (one transaction)' : ''}`;
    case 'skipped':
      return `${at(e.file, e.unit)}: skipped, ${e.reason}`;
    case 'applied':
      return `${at(e.file, e.unit)}: applied${e.attempts > 1 ? ` after ${e.attempts} tries` : ''}`;
    case 'retry':
      return `${at(e.file, e.unit)}: ${e.reason}${e.blockers.length ? `, behind ${e.blockers.map((b) => `pid ${b.pid} (${b.state})`).join(', ')}` : ''}; retrying in ${(e.delayMs / 1000).toFixed(1)} s`;
    case 'invalid-index':
      return `${e.file}: ${e.action}`;
    case 'throttle':
      return `${at(e.file, e.unit)}: throttle: batches of ${e.change.batchSize} rows, ${e.change.pauseMs} ms apart (${e.change.reason})`;
    case 'progress': {
      const p = e.progress;
      const rate = p.rowsPerSecond === undefined ? '' : `, ${p.rowsPerSecond} rows/s`;
      const eta = p.etaSeconds === undefined ? '' : `, about ${p.etaSeconds} s left`;
      return `${at(e.file, e.unit)}: ${p.step}: ${p.percent} % (${p.rowsChanged} rows changed, up to ${p.lastKey} of ${p.endKey})${rate}${eta}`;
    }
    case 'watch':
      if (e.event.kind === 'cancel') return `kill switch: ${e.event.terminated ? 'terminated' : 'cancelled'} pid ${e.event.pid}: ${e.event.reason}`;
      if (e.event.kind === 'error') return `watch: ${e.event.message}`;
      return undefined;
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseGuardArgs(argv, VALUE_OPTIONS, FLAG_OPTIONS);
  const fail = (message: string) => {
    io.writeErr(`lockstep run: ${message}\nRun "lockstep run --help" for usage.\n`);
    return 2;
  };
  if ('error' in args) return fail(args.error);
  if (args.flags.has('--help')) {
    io.writeOut(`${RUN_HELP}\n`);
    return 0;
  }
  const watch = watchLimitsFrom(args);
  if ('error' in watch) return fail(watch.error);
  const options = { ...DEFAULT_RUN_OPTIONS, watch: watch.limits, killSwitch: watch.killSwitch, rerunInterrupted: args.flags.has('--rerun-interrupted') };
  const throttle = { ...DEFAULT_THROTTLE_LIMITS };
  const durations = [
    ['--lock-timeout', (ms: number) => (options.lockTimeoutMs = ms)],
    ['--backoff', (ms: number) => (options.backoffBaseMs = ms)],
    ['--target-lock-wait', (ms: number) => (throttle.targetLockWaitMs = ms)],
    ['--max-lag', (ms: number) => (throttle.maxLagMs = ms)],
  ] as const;
  for (const [flag, set] of durations) {
    const text = args.values.get(flag);
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) return fail(`${flag} must be a duration such as 2s or 500ms, got "${text}"`);
    set(ms);
  }
  const maxLagBytes = args.values.get('--max-lag-bytes');
  if (maxLagBytes !== undefined) {
    const bytes = parseSize(maxLagBytes);
    if (bytes === undefined || bytes <= 0) return fail(`--max-lag-bytes must be a size such as 16MB, 512kB or 65536, got "${maxLagBytes}"`);
    throttle.maxLagBytes = bytes;
  }
  options.throttle = args.flags.has('--no-throttle') ? undefined : throttle;
  const retries = args.values.get('--retries');
  if (retries !== undefined) {
    const n = parseCount(retries);
    if (n === undefined || n > 100) return fail(`--retries must be a whole number from 0 to 100, got "${retries}"`);
    options.retries = n;
  }
  if (args.operands.length === 0) return fail('no migration files given');

  await initEngine();
  const configs = new ConfigResolver(io.cwd, args.values.get('--config'));
  const files: RunFile[] = [];
  for (const operand of args.operands) {
    const path = resolve(io.cwd, operand);
    if (isHostPath(path)) return fail(`${operand}: run applies SQL files; run a framework's migration with its own tool under \`lockstep watch --db <url> -- <command>\``);
    const source = readSource(path);
    if ('error' in source) return fail(`${operand}: ${source.error}`);
    const loaded = configs.configFor(path);
    if (loaded.problems.length) return fail(loaded.problems.map((p) => `${p.file}: ${p.message}`).join('\n'));
    const { document } = lintText(source.text, { path, config: loaded.config });
    let history: RunnerHistory | undefined;
    const recorder = RUNNER_HISTORIES[document.runner];
    if (recorder && !args.flags.has('--ignore-runner-history')) {
      const made = recorder(path, source.text);
      if ('problem' in made) return fail(`${operand}: ${made.problem}`);
      history = made;
    } else if (document.runner !== 'plain' && !args.flags.has('--ignore-runner-history')) {
      return fail(
        `${operand}: this is a ${RUNNERS[document.runner].label} migration, and ${RUNNERS[document.runner].label} records what it applied in its own history table, ` +
          'which lockstep run does not update. Apply it with its own command under `lockstep watch --db <url> -- <command>`, ' +
          'or pass --ignore-runner-history to apply it anyway (and record it in the runner yourself).',
      );
    }
    const units = unitsOf(document);
    if (!units.ok) return fail(`${operand}: ${units.problem}`);
    files.push({ displayPath: operand, text: source.text, units: units.units, history });
  }

  if (args.flags.has('--dry-run')) {
    for (const file of files) {
      io.writeOut(`${file.displayPath}\n`);
      for (const u of file.units) {
        const guard = u.blocking ? `lock_timeout ${options.lockTimeoutMs} ms, up to ${options.retries + 1} tries` : 'no blocking lock';
        const records = file.history && u === file.units.at(-1) ? `; records it in ${file.history.label}'s ${file.history.table}` : '';
        io.writeOut(`  unit ${u.ordinal} (${u.transactional ? 'one transaction' : 'autocommit'}; ${guard}${records})\n`);
        for (const s of u.statements) io.writeOut(`    line ${s.line}: ${s.text.replace(/\s+/g, ' ').slice(0, 100)}\n`);
      }
    }
    io.writeOut('Dry run: nothing was applied. `lockstep estimate --db <url> <file>` estimates each file against the database.\n');
    return 0;
  }

  const resolved = cliTarget(args.values.get('--db'), io.env);
  if (!resolved.ok) return fail(resolved.message);
  const target: ConnectionTarget = resolved.target;
  if (!looksLocal(target.host) && !args.flags.has('--yes')) {
    return fail(`${target.host} is not a local server: this applies ${files.length} file(s) to it. Pass --yes to confirm.`);
  }
  // The manual kill switch: Ctrl-C, or "cancel" from the editor that started this run.
  const abort = new AbortController();
  const onSigint = () => abort.abort('interrupted (Ctrl-C)');
  process.once('SIGINT', onSigint);
  const stopControl = watch.jsonEvents
    ? io.controlLines?.(
        (line) => {
          if (line.trim() === 'cancel') abort.abort('cancelled from the editor');
        },
        () => abort.abort('the editor that started the run went away'),
      )
    : undefined;
  try {
    const report = await runMigrations(
      target,
      files,
      {
        ...options,
        onEvent: (e) => {
          if (watch.jsonEvents) return io.writeErr(`${JSON.stringify(liveRunEvent(e))}\n`);
          const line = describeEvent(e);
          if (line) io.writeErr(`lockstep run: ${line}\n`);
        },
      },
      abort.signal,
    );
    io.writeOut(RUN_FORMATS[watch.format](report));
    if (watch.jsonEvents) io.writeErr(`${JSON.stringify(liveDone(report))}\n`);
    return report.ok ? 0 : 1;
  } catch (error) {
    return fail(error instanceof DatabaseError ? error.message : String(error));
  } finally {
    process.off('SIGINT', onSigint);
    stopControl?.();
  }
}

export const runCommand: Subcommand = {
  summary: 'apply migration files to a database, guarded by lock timeouts, retries and a kill switch',
  run,
};
