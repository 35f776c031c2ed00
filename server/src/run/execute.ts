/**
 * The guarded run: apply units in order on the migration session, each blocking unit under a
 * short lock_timeout and retried with exponential backoff and jitter, while the lock watch samples
 * the queues and cancels the migration's statement when the application waits too long. The
 * journal makes a run resumable; INVALID indexes left by cancelled concurrent builds are dropped
 * (concurrently) before the build is tried again.
 */
import type { ConnectionTarget } from '../db/target';
import { ProgressTracker, type BackfillProgress } from './backfillProgress';
import { checksumOf, Journal } from './journal';
import type { SessionRow, Standby } from './lockQueue';
import { openMigrationSession, openWatchSession, type OpenSession } from './sessions';
import type { RunUnit } from './units';
import type { RunnerHistory } from './history/types';
import { LockWatch, type WatchEvent, type WatchLimits } from './watch';
import { batchArguments, BatchThrottle, DEFAULT_THROTTLE_LIMITS, lagOverBytes, withBatchArguments, type ThrottleChange, type ThrottleLimits } from './throttle';

export interface RunFile {
  displayPath: string;
  text: string;
  units: RunUnit[];
  /** The runner's own history: recorded with the file's last unit, and consulted before running it. */
  history?: RunnerHistory;
}

export interface RunOptions {
  /** lock_timeout for units that take a lock blocking reads or writes. */
  lockTimeoutMs: number;
  /** Tries after the first, for lock timeouts, deadlocks and kill-switch cancels. */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  watch: WatchLimits;
  /** Cancel the migration when the application queues behind it (the kill switch); off: only watch. */
  killSwitch: boolean;
  /** Re-run an autocommit statement the journal says was interrupted (it may or may not have applied). */
  rerunInterrupted: boolean;
  /** Adapt a scaffolded backfill's batch size and pause to the waits it causes and the lag (off: undefined). */
  throttle?: ThrottleLimits;
  onEvent?(event: RunEvent): void;
}

export const DEFAULT_RUN_OPTIONS: Omit<RunOptions, 'watch'> = {
  lockTimeoutMs: 2000,
  retries: 5,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
  killSwitch: true,
  rerunInterrupted: false,
  throttle: DEFAULT_THROTTLE_LIMITS,
};

export type RunEvent =
  | { kind: 'unit'; file: string; unit: RunUnit; attempt: number }
  | { kind: 'skipped'; file: string; unit: RunUnit; reason: string }
  | { kind: 'applied'; file: string; unit: RunUnit; attempts: number }
  | { kind: 'retry'; file: string; unit: RunUnit; attempt: number; delayMs: number; reason: string; blockers: SessionRow[] }
  | { kind: 'invalid-index'; file: string; index: string; action: string }
  | { kind: 'progress'; file: string; unit: RunUnit; progress: BackfillProgress }
  | { kind: 'throttle'; file: string; unit: RunUnit; change: ThrottleChange }
  | { kind: 'watch'; event: WatchEvent };

export interface UnitReport {
  file: string;
  unit: number;
  line: number;
  statement: string;
  status: 'applied' | 'skipped' | 'failed' | 'not run';
  attempts: number;
  /** The longest this unit's session was seen waiting for a lock, over all attempts. */
  lockWaitMs: number;
  /** Duration of the attempt that committed. */
  heldMs: number;
  /** The most sessions seen queued behind it, and the longest any of them waited. */
  longestQueue: number;
  longestQueueWaitMs: number;
  retries: { reason: string; blockers: string[] }[];
  /** Each change of a throttled backfill's batch size and pause, and how long it then waited for the standbys (lag over its limit). */
  throttles: { batchSize: number; pauseMs: number; reason: string; lagWaitMs?: number }[];
  /** The last progress a batched backfill reported. */
  progress?: BackfillProgress;
  error?: string;
}

export interface RunReport {
  target: string;
  ok: boolean;
  units: UnitReport[];
  cancels: number;
  /** Replication lag seen per standby (the largest sample). */
  standbys: Standby[];
  error?: string;
  /** Stopped by `abort()` (Ctrl-C, the editor's Cancel button), not by a failure. */
  cancelledByUser?: boolean;
}

class UnitFailed extends Error {}

const RETRYABLE = new Set(['55P03', '40P01', '57014', '57P01']);

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

/** query_canceled and admin_shutdown: what pg_cancel_backend and pg_terminate_backend raise. */
function isCancelCode(code: string | undefined): boolean {
  return code === '57014' || code === '57P01';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The delay before try `attempt + 1`: exponential, capped, with jitter so several runners do not retry in step. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describeBlocker(s: SessionRow): string {
  const app = s.applicationName ? ` (${s.applicationName})` : '';
  const tx = s.transactionMs ? `, transaction open ${(s.transactionMs / 1000).toFixed(1)} s` : '';
  return `pid ${s.pid}${app}, ${s.state}${tx}: ${s.query.replace(/\s+/g, ' ').slice(0, 120)}`;
}

export class GuardedRun {
  private migration!: OpenSession;
  private watchSession!: OpenSession;
  private watch!: LockWatch;
  private journal!: Journal;
  private current: UnitReport | undefined;
  private currentUnit: { file: string; unit: RunUnit; progress: ProgressTracker } | undefined;
  private blockersThisAttempt = new Map<number, SessionRow>();
  private cancelledThisAttempt = false;
  private aborted: string | undefined;
  /** The backfill being throttled: what the samples saw since its last batch, and a change waiting for the re-call. */
  private throttled: { throttle: BatchThrottle; queueWaitMs: number; lagMs: number; lagBytes: number; pending?: ThrottleChange } | undefined;
  private latestLagMs = 0;
  private latestLagBytes = 0;
  private wakeFromBackoff: (() => void) | undefined;
  private readonly report: RunReport;

  constructor(
    private readonly target: ConnectionTarget,
    private readonly options: RunOptions,
  ) {
    this.report = { target: `${target.user}@${target.host}:${target.port}/${target.database}`, ok: false, units: [], cancels: 0, standbys: [] };
  }

  async run(files: RunFile[]): Promise<RunReport> {
    // A database that cannot be reached throws (the caller reports a connection error, not a failed run).
    this.migration = await openMigrationSession(this.target);
    this.listenForProgress();
    try {
      this.journal = new Journal(this.migration.client);
      await this.journal.ensure();
      this.watchSession = await openWatchSession(this.target);
      const limits = this.options.killSwitch ? this.options.watch : { ...this.options.watch, maxQueueWaitMs: Infinity, maxQueue: Infinity };
      this.watch = new LockWatch(this.watchSession.client, this.watchSession.serverVersionNum, limits, (s) => s.pid === this.migration.pid, (e) => this.onWatch(e));
      this.watch.start();
      for (const file of files) {
        if (this.aborted) throw new UnitFailed(`cancelled: ${this.aborted}`);
        await this.runFile(file);
      }
      this.report.ok = true;
    } catch (error) {
      this.report.error = messageOf(error);
      for (const file of files) {
        for (const unit of file.units) {
          if (!this.report.units.some((u) => u.file === file.displayPath && u.unit === unit.ordinal)) this.report.units.push(this.newUnitReport(file, unit, 'not run'));
        }
      }
    } finally {
      await this.watch?.stop();
      await this.watchSession?.close();
      await this.migration.close();
    }
    return this.report;
  }

  /**
   * The manual kill switch (Ctrl-C, the editor's Cancel button): cancel the statement running now
   * and stop, without retrying. A transactional unit rolls back; the journal lets a rerun resume.
   */
  async abort(reason: string): Promise<void> {
    if (this.aborted) return;
    this.aborted = reason;
    this.report.cancelledByUser = true;
    this.wakeFromBackoff?.();
    if (!this.watchSession || !this.migration || !this.current) return;
    await this.watchSession.client.query('SELECT pg_cancel_backend($1)', [this.migration.pid]).catch(() => undefined);
  }

  private emit(event: RunEvent): void {
    this.options.onEvent?.(event);
  }

  private onWatch(event: WatchEvent): void {
    this.emit({ kind: 'watch', event });
    if (event.kind === 'cancel' && event.ok) {
      this.report.cancels++;
      this.cancelledThisAttempt = true;
    }
    if (event.kind !== 'sample') return;
    this.latestLagMs = event.sample.standbys.reduce((max, s) => Math.max(max, s.replayLagMs ?? 0), 0);
    this.latestLagBytes = event.sample.standbys.reduce((max, s) => Math.max(max, s.replayLagBytes ?? 0), 0);
    if (this.throttled) {
      this.throttled.lagMs = Math.max(this.throttled.lagMs, this.latestLagMs);
      this.throttled.lagBytes = Math.max(this.throttled.lagBytes, this.latestLagBytes);
      this.throttled.queueWaitMs = Math.max(this.throttled.queueWaitMs, event.sample.guarded[0]?.queue.oldestWaitMs ?? 0);
    }
    for (const standby of event.sample.standbys) {
      const seen = this.report.standbys.find((s) => s.name === standby.name);
      if (!seen) this.report.standbys.push({ ...standby });
      else {
        if ((standby.replayLagMs ?? 0) > (seen.replayLagMs ?? 0)) seen.replayLagMs = standby.replayLagMs;
        if ((standby.replayLagBytes ?? 0) > (seen.replayLagBytes ?? 0)) seen.replayLagBytes = standby.replayLagBytes;
      }
    }
    const unit = this.current;
    const mine = event.sample.guarded[0];
    if (!unit || !mine) return;
    unit.lockWaitMs = Math.max(unit.lockWaitMs, mine.session.lockWaitMs);
    unit.longestQueue = Math.max(unit.longestQueue, mine.queue.waiting.length);
    unit.longestQueueWaitMs = Math.max(unit.longestQueueWaitMs, mine.queue.oldestWaitMs);
    for (const b of mine.blockers) this.blockersThisAttempt.set(b.pid, b);
  }

  private newUnitReport(file: RunFile, unit: RunUnit, status: UnitReport['status']): UnitReport {
    const first = unit.statements[0];
    return {
      file: file.displayPath,
      unit: unit.ordinal,
      line: first?.line ?? 0,
      statement: (first?.text ?? '').replace(/\s+/g, ' ').slice(0, 100),
      status,
      attempts: 0,
      lockWaitMs: 0,
      heldMs: 0,
      longestQueue: 0,
      longestQueueWaitMs: 0,
      retries: [],
      throttles: [],
    };
  }

  private async runFile(file: RunFile): Promise<void> {
    const checksum = checksumOf(file.text);
    if (file.history) {
      await file.history.ensure(this.migration.client);
      if (await file.history.applied(this.migration.client)) {
        for (const unit of file.units) {
          this.report.units.push(this.newUnitReport(file, unit, 'skipped'));
          this.emit({ kind: 'skipped', file: file.displayPath, unit, reason: `${file.history.label} records it as applied (${file.history.table})` });
        }
        return;
      }
    }
    const states = await this.journal.states(checksum);
    for (const unit of file.units) {
      const report = this.newUnitReport(file, unit, 'applied');
      this.report.units.push(report);
      const state = states.get(unit.ordinal);
      if (state === 'done') {
        report.status = 'skipped';
        this.emit({ kind: 'skipped', file: file.displayPath, unit, reason: 'the journal says an earlier run applied it' });
        continue;
      }
      if (this.aborted) throw new UnitFailed(`cancelled: ${this.aborted}`);
      if (state === 'started' && !(await this.resumeInterrupted(file, unit, checksum, report))) continue;
      this.current = report;
      this.currentUnit = { file: file.displayPath, unit, progress: new ProgressTracker() };
      const batch = unit.resumableCall && this.options.throttle ? batchArguments(unit.statements[0]?.text ?? '') : undefined;
      this.throttled = batch && this.options.throttle ? { throttle: new BatchThrottle(batch, this.options.throttle), queueWaitMs: 0, lagMs: 0, lagBytes: 0 } : undefined;
      try {
        await this.applyWithRetries(file, unit, checksum, report);
      } finally {
        this.current = undefined;
        this.currentUnit = undefined;
        this.throttled = undefined;
      }
    }
  }

  /** An autocommit unit whose run was interrupted: true to run it (again), false when it is settled. */
  private async resumeInterrupted(file: RunFile, unit: RunUnit, checksum: string, report: UnitReport): Promise<boolean> {
    if (unit.concurrentIndex) {
      const valid = await this.indexValidity(unit.concurrentIndex.name);
      if (valid === true) {
        await this.journal.markDone(checksum, unit.ordinal, file.displayPath, 0);
        report.status = 'skipped';
        this.emit({ kind: 'skipped', file: file.displayPath, unit, reason: `the interrupted run had finished building ${unit.concurrentIndex.name}` });
        return false;
      }
      return true; // INVALID or absent: applyWithRetries drops the INVALID one first.
    }
    if (unit.resumableCall && (await this.relationExists(unit.resumableCall.progressTable))) {
      // The procedure committed each batch and its high-water mark: calling it again continues after the last one.
      return true;
    }
    if (this.options.rerunInterrupted) return true;
    report.status = 'failed';
    report.error = `an earlier run was interrupted while this statement ran (line ${unit.statements[0]?.line}); it may or may not have been applied. Check the database, then rerun with --rerun-interrupted to run it again.`;
    throw new UnitFailed(report.error);
  }

  private async applyWithRetries(file: RunFile, unit: RunUnit, checksum: string, report: UnitReport): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      report.attempts = attempt;
      this.blockersThisAttempt.clear();
      this.cancelledThisAttempt = false;
      this.emit({ kind: 'unit', file: file.displayPath, unit, attempt });
      if (unit.concurrentIndex) await this.dropInvalidIndex(file, unit.concurrentIndex.name, 'before the build');
      const started = Date.now();
      if (this.throttled) this.throttled.pending = undefined;
      try {
        await this.attempt(file, unit, checksum, attempt);
        report.heldMs = Date.now() - started;
        report.status = 'applied';
        this.emit({ kind: 'applied', file: file.displayPath, unit, attempts: attempt });
        return;
      } catch (error) {
        await this.afterFailedAttempt(unit, checksum, file);
        if (isCancelCode(codeOf(error))) await this.watch?.cancelsSettled();
        if (this.aborted) {
          report.status = 'failed';
          report.error = `cancelled: ${this.aborted}`;
          throw new UnitFailed(report.error);
        }
        const change = this.throttled?.pending;
        if (change && codeOf(error) === '57014') {
          // Our own cancel at a batch boundary: call the procedure again with the new settings (it resumes); not a retry.
          this.throttled!.pending = undefined;
          if (change.waitForLag) {
            const waitStarted = Date.now();
            await this.waitForLag();
            const recorded = report.throttles.at(-1);
            if (recorded) recorded.lagWaitMs = Date.now() - waitStarted;
          }
          attempt--;
          continue;
        }
        const reason = this.retryReason(error);
        if (!reason || attempt > this.options.retries) {
          report.status = 'failed';
          report.error = reason ? `gave up after ${attempt} tries: ${reason}` : `line ${this.failedLine(unit, error)}: ${messageOf(error)}`;
          throw new UnitFailed(report.error);
        }
        if (codeOf(error) === '55P03') {
          for (const b of await this.watch.holdersConflictingWith(this.migration.pid, unit.locks).catch(() => [])) this.blockersThisAttempt.set(b.pid, b);
        }
        const blockers = [...this.blockersThisAttempt.values()];
        report.retries.push({ reason, blockers: blockers.map(describeBlocker) });
        const delayMs = backoffMs(attempt, this.options.backoffBaseMs, this.options.backoffMaxMs);
        this.emit({ kind: 'retry', file: file.displayPath, unit, attempt, delayMs, reason, blockers });
        await new Promise<void>((wake) => {
          const timer = setTimeout(wake, delayMs);
          this.wakeFromBackoff = () => {
            clearTimeout(timer);
            wake();
          };
        });
        this.wakeFromBackoff = undefined;
        if (this.aborted) {
          report.status = 'failed';
          report.error = `cancelled: ${this.aborted}`;
          throw new UnitFailed(report.error);
        }
      }
    }
  }

  private failedLine(unit: RunUnit, error: unknown): number {
    const at = (error as { statementLine?: number }).statementLine;
    return at ?? unit.statements[0]?.line ?? 0;
  }

  private retryReason(error: unknown): string | undefined {
    const code = codeOf(error);
    if (!code || !RETRYABLE.has(code)) return undefined;
    if (code === '55P03') return `lock_timeout (${this.options.lockTimeoutMs} ms) expired waiting for a lock`;
    if (code === '40P01') return 'deadlock with another session (PostgreSQL rolled the migration back)';
    // 57014 / 57P01: only a cancel or terminate that the watch sent is ours to retry.
    return this.cancelledThisAttempt ? 'the kill switch cancelled it: the application was queueing behind it' : undefined;
  }

  private async attempt(file: RunFile, unit: RunUnit, checksum: string, attempt: number): Promise<void> {
    const client = this.migration.client;
    const timeout = unit.blocking ? this.options.lockTimeoutMs : 0;
    const throttle = this.throttled?.throttle;
    const runStatement = async (s: RunUnit['statements'][number]) => {
      try {
        await client.query(throttle ? withBatchArguments(s.text, throttle.settings) : s.text);
      } catch (error) {
        if (error && typeof error === 'object') (error as { statementLine?: number }).statementLine = s.line;
        throw error;
      }
    };
    // The runner's history row goes with the file's last unit: in its transaction, or right after it.
    const history = unit === file.units.at(-1) ? (file.history?.record() ?? []) : [];
    if (unit.transactional) {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${timeout}`);
      for (const s of unit.statements) await runStatement(s);
      for (const h of history) await client.query(h.text, h.values);
      const done = this.journal.doneStatement(checksum, unit.ordinal, file.displayPath, attempt);
      await client.query(done.text, done.values);
      await client.query('COMMIT');
      return;
    }
    await client.query(`SET lock_timeout = ${timeout}`);
    await this.journal.markStarted(checksum, unit.ordinal, file.displayPath, attempt);
    for (const s of unit.statements) await runStatement(s);
    for (const h of history) await client.query(h.text, h.values);
    await this.journal.markDone(checksum, unit.ordinal, file.displayPath, attempt);
  }

  private async afterFailedAttempt(unit: RunUnit, checksum: string, file: RunFile): Promise<void> {
    if (this.migration.gone()) await this.reconnect();
    else if (unit.transactional) await this.migration.client.query('ROLLBACK').catch(() => undefined);
    else await this.journal.forget(checksum, unit.ordinal);
    if (unit.concurrentIndex) await this.dropInvalidIndex(file, unit.concurrentIndex.name, 'after the failed build');
  }

  /** After `--terminate` the migration's connection is gone: open a new one (the watch guards its new pid). */
  private async reconnect(): Promise<void> {
    await this.migration.close();
    this.migration = await openMigrationSession(this.target);
    this.listenForProgress();
    this.journal = new Journal(this.migration.client);
  }

  /** A scaffolded backfill reports each batch in a NOTICE: turn it into progress with a rate and an ETA. */
  private listenForProgress(): void {
    this.migration.client.on('notice', (notice) => {
      const running = this.currentUnit;
      const progress = running && notice.message ? running.progress.update(notice.message) : undefined;
      if (!running || !progress) return;
      if (this.current) this.current.progress = progress;
      this.emit({ kind: 'progress', file: running.file, unit: running.unit, progress });
      this.throttleAfterBatch(running.file, running.unit);
    });
  }

  /** A batch just committed: adapt the next ones to what it cost, by cancelling the CALL (it is between batches) and calling it again. */
  private throttleAfterBatch(file: string, unit: RunUnit): void {
    const t = this.throttled;
    if (!t || t.pending) return;
    const change = t.throttle.afterBatch({ queueWaitMs: t.queueWaitMs, lagMs: t.lagMs, lagBytes: t.lagBytes });
    t.queueWaitMs = 0;
    t.lagMs = 0;
    t.lagBytes = 0;
    if (!change) return;
    t.pending = change;
    this.current?.throttles.push({ batchSize: change.batchSize, pauseMs: change.pauseMs, reason: change.reason });
    this.emit({ kind: 'throttle', file, unit, change });
    // Only while the CALL still runs: a cancel that arrives later would hit whatever runs next.
    void this.watchSession.client
      .query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query ILIKE 'CALL%'", [this.migration.pid])
      .catch(() => undefined);
  }

  /** Replication lag over its limit: no batch runs until every standby is back under it. */
  private async waitForLag(): Promise<void> {
    const limits = this.options.throttle;
    if (!limits) return;
    const lagging = () => this.latestLagMs > limits.maxLagMs || lagOverBytes(this.latestLagBytes, limits);
    while (lagging() && !this.aborted) await new Promise((r) => setTimeout(r, this.options.watch.intervalMs));
  }

  private async relationExists(name: string): Promise<boolean> {
    const { rows } = await this.migration.client.query('SELECT to_regclass($1) IS NOT NULL AS found', [name]);
    return rows[0]?.found === true;
  }

  /** true valid, false INVALID, undefined absent. */
  private async indexValidity(name: string): Promise<boolean | undefined> {
    const { rows } = await this.migration.client.query(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = ANY (SELECT oid FROM pg_namespace WHERE nspname = ANY (current_schemas(false)))`,
      [name],
    );
    return rows.length ? rows[0].valid === true : undefined;
  }

  private async dropInvalidIndex(file: RunFile, name: string, when: string): Promise<void> {
    if ((await this.indexValidity(name)) !== false) return;
    await this.migration.client.query('SET lock_timeout = 0');
    await this.migration.client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(name)}`);
    this.emit({ kind: 'invalid-index', file: file.displayPath, index: name, action: `dropped the INVALID index ${name} ${when} (DROP INDEX CONCURRENTLY)` });
  }
}

export function runMigrations(target: ConnectionTarget, files: RunFile[], options: RunOptions, signal?: AbortSignal): Promise<RunReport> {
  const run = new GuardedRun(target, options);
  signal?.addEventListener('abort', () => void run.abort(String(signal.reason ?? 'cancelled')), { once: true });
  return run.run(files);
}
