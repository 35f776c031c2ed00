/**
 * The live lock watch and its kill switch. A read-only session samples the database's lock
 * queues every `intervalMs`; when the sessions queued behind a guarded migration session wait too
 * long, or too many queue, it cancels that session's statement (`pg_cancel_backend`, or
 * `pg_terminate_backend` with `terminate`). The application's sessions are never touched.
 */
import type pg from 'pg';
import { conflicts, type LockMode } from '../locks/modes';
import { HOLDERS_QUERY, queueBehind, sessionsQuery, STANDBYS_QUERY, toSessionRow, type Queue, type SessionRow, type Standby } from './lockQueue';

export interface WatchLimits {
  /** Cancel once a session queued behind the migration has waited this long. */
  maxQueueWaitMs: number;
  /** … or once more than this many sessions queue behind it. */
  maxQueue: number;
  /** Terminate the migration's session instead of cancelling its statement. */
  terminate: boolean;
  intervalMs: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { maxQueueWaitMs: 5000, maxQueue: 20, terminate: false, intervalMs: 250 };

export interface GuardedSample {
  session: SessionRow;
  /** The sessions the migration itself waits for. */
  blockers: SessionRow[];
  queue: Queue;
}

export interface WatchSample {
  guarded: GuardedSample[];
  standbys: Standby[];
  /** Sessions in the database whose transaction is older than a minute, blocking or not. */
  longTransactions: SessionRow[];
}

export type WatchEvent =
  | { kind: 'sample'; sample: WatchSample }
  | { kind: 'cancel'; pid: number; query: string; reason: string; terminated: boolean; ok: boolean }
  | { kind: 'error'; message: string };

export const LONG_TRANSACTION_MS = 60_000;
/** A cancelled statement takes a moment to unwind; do not cancel the same session twice in this window. */
const CANCEL_GRACE_MS = 1000;

export class LockWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly lastCancel = new Map<number, number>();
  private readonly query: string;
  /** The guarded sessions of the last sample: the ones the manual kill switch cancels. */
  private lastGuarded: SessionRow[] = [];
  /** Cancels sent and not yet reported: the migration's error can arrive before their result does. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly client: pg.Client,
    serverVersionNum: number,
    private readonly limits: WatchLimits,
    /** Which sessions are the migration (the kill switch only ever cancels these). */
    private readonly guards: (session: SessionRow) => boolean,
    private readonly onEvent: (event: WatchEvent) => void,
  ) {
    this.query = sessionsQuery(serverVersionNum);
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.sampleOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.onEvent({ kind: 'error', message: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.limits.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One sample, and the kill switch's decision on it. */
  async sampleOnce(): Promise<WatchSample> {
    const sessions = (await this.client.query(this.query)).rows.map(toSessionRow);
    const standbys: Standby[] = (await this.client.query(STANDBYS_QUERY)).rows.map((r) => ({
      name: String(r.name),
      replayLagMs: r.replay_lag_ms === null ? undefined : Math.round(Number(r.replay_lag_ms)),
      replayLagBytes: r.replay_lag_bytes === null ? undefined : Math.max(0, Number(r.replay_lag_bytes)),
    }));
    const byPid = new Map(sessions.map((s) => [s.pid, s]));
    const guarded = sessions.filter(this.guards).map((session) => ({
      session,
      blockers: session.blockedBy.map((pid) => byPid.get(pid)).filter((s): s is SessionRow => s !== undefined),
      queue: queueBehind(session.pid, sessions),
    }));
    this.lastGuarded = guarded.map((g) => g.session);
    const sample: WatchSample = { guarded, standbys, longTransactions: sessions.filter((s) => s.transactionMs > LONG_TRANSACTION_MS) };
    this.onEvent({ kind: 'sample', sample });
    for (const g of guarded) {
      const reason = this.overLimit(g.queue);
      if (reason) await this.cancel(g.session, reason);
    }
    return sample;
  }

  /**
   * Who holds a lock conflicting with one `pid` wants: asked when a lock_timeout expires, since a
   * wait shorter than the sampling interval may never show up in a sample.
   */
  async holdersConflictingWith(pid: number, wants: { relation: string; mode: LockMode }[]): Promise<SessionRow[]> {
    if (!wants.length) return [];
    const { rows } = await this.client.query(HOLDERS_QUERY, [wants.map((w) => w.relation), pid]);
    const found = new Map<number, SessionRow>();
    for (const r of rows) {
      const want = wants.find((w) => w.relation === r.relname);
      if (want && conflicts(want.mode, String(r.mode) as LockMode)) found.set(Number(r.pid), toSessionRow(r));
    }
    return [...found.values()];
  }

  /** The manual kill switch (the editor's Cancel button): cancel every guarded session's statement now. */
  async cancelNow(reason: string): Promise<number> {
    const sessions = this.lastGuarded.length ? this.lastGuarded : (await this.sampleOnce()).guarded.map((g) => g.session);
    for (const session of sessions) {
      this.lastCancel.delete(session.pid);
      await this.cancel(session, reason);
    }
    return sessions.length;
  }

  private overLimit(queue: Queue): string | undefined {
    if (queue.oldestWaitMs > this.limits.maxQueueWaitMs) {
      return `a session queued behind it had waited ${queue.oldestWaitMs} ms for a lock (limit ${this.limits.maxQueueWaitMs} ms)`;
    }
    if (queue.waiting.length > this.limits.maxQueue) return `${queue.waiting.length} sessions queued behind it (limit ${this.limits.maxQueue})`;
    return undefined;
  }

  /**
   * Resolves once every cancel sent so far has been reported. The cancelled session's error and the
   * watch's own reply travel on two connections in no fixed order: whoever sees a "canceling
   * statement" error waits here before asking whether the watch sent it.
   */
  async cancelsSettled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async cancel(session: SessionRow, reason: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastCancel.get(session.pid) ?? 0) < CANCEL_GRACE_MS) return;
    this.lastCancel.set(session.pid, now);
    const fn = this.limits.terminate ? 'pg_terminate_backend' : 'pg_cancel_backend';
    const sent = this.client.query(`SELECT ${fn}($1) AS ok`, [session.pid]).then(({ rows }) => {
      this.onEvent({ kind: 'cancel', pid: session.pid, query: session.query, reason, terminated: this.limits.terminate, ok: rows[0]?.ok === true });
    });
    this.inFlight.add(sent);
    try {
      await sent;
    } finally {
      this.inFlight.delete(sent);
    }
  }
}
