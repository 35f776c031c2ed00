/**
 * Adaptive throttling of a scaffolded backfill: after each committed batch, look at what the
 * batch cost the application (the longest lock wait of a session queued behind the backfill) and
 * the standbys (the largest replay lag), and pick the next batch size and pause. Over a target:
 * halve the batch and double the pause. After CLEAN_TO_RECOVER batches under target: step back
 * towards the scaffolded size and pause, never past them (the plan's author chose those as the
 * ceiling). Pure; the run applies a change by calling the procedure again with the new arguments
 * (it resumes after its last committed batch).
 */

export interface ThrottleLimits {
  /** The longest an application session may wait behind a batch before batches shrink. */
  targetLockWaitMs: number;
  /** Replication lag above which batches shrink (and the run waits for the lag to come down). */
  maxLagMs: number;
  /**
   * The same limit in bytes of WAL not yet replayed (off when undefined). Unlike `replay_lag`, it
   * drops to 0 at the first reply of a standby that caught up, and does not depend on the clock.
   */
  maxLagBytes?: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { targetLockWaitMs: 200, maxLagMs: 5000 };

export interface BatchSettings {
  batchSize: number;
  pauseMs: number;
}

export interface ThrottleChange extends BatchSettings {
  reason: string;
  /** The lag is over its limit: wait for it to come down before the next batch. */
  waitForLag: boolean;
}

export const CLEAN_TO_RECOVER = 3;
const MIN_PAUSE_MS = 100;
const MAX_PAUSE_MS = 30_000;

export class BatchThrottle {
  private current: BatchSettings;
  private clean = 0;

  constructor(
    private readonly initial: BatchSettings,
    private readonly limits: ThrottleLimits,
  ) {
    this.current = { ...initial };
  }

  get settings(): BatchSettings {
    return { ...this.current };
  }

  /** What the last batch cost; a change when the next batches should run differently. */
  afterBatch(seen: { queueWaitMs: number; lagMs: number; lagBytes?: number }): ThrottleChange | undefined {
    const waits = seen.queueWaitMs > this.limits.targetLockWaitMs;
    const lagsMs = seen.lagMs > this.limits.maxLagMs;
    const lagsBytes = lagOverBytes(seen.lagBytes ?? 0, this.limits);
    const lags = lagsMs || lagsBytes;
    if (waits || lags) {
      this.clean = 0;
      const next = {
        batchSize: Math.max(1, Math.floor(this.current.batchSize / 2)),
        pauseMs: Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, this.current.pauseMs * 2)),
      };
      const why = [
        waits ? `an application session waited ${seen.queueWaitMs} ms behind the batch (target ${this.limits.targetLockWaitMs} ms)` : '',
        lagsMs ? `replication lag ${seen.lagMs} ms (limit ${this.limits.maxLagMs} ms)` : '',
        lagsBytes ? `replication lag ${seen.lagBytes} bytes of WAL (limit ${this.limits.maxLagBytes} bytes)` : '',
      ].filter(Boolean);
      return this.change(next, why.join('; '), lags);
    }
    this.clean++;
    const below = this.current.batchSize < this.initial.batchSize || this.current.pauseMs > this.initial.pauseMs;
    if (this.clean < CLEAN_TO_RECOVER || !below) return undefined;
    this.clean = 0;
    const next = {
      batchSize: Math.min(this.initial.batchSize, this.current.batchSize * 2),
      pauseMs: Math.max(this.initial.pauseMs, Math.floor(this.current.pauseMs / 2)),
    };
    return this.change(next, `${CLEAN_TO_RECOVER} batches under target`, false);
  }

  private change(next: BatchSettings, reason: string, waitForLag: boolean): ThrottleChange | undefined {
    if (next.batchSize === this.current.batchSize && next.pauseMs === this.current.pauseMs && !waitForLag) return undefined;
    this.current = next;
    return { ...next, reason, waitForLag };
  }
}

/** Is a standby's byte lag over the limit (never, when the limit is off)? */
export function lagOverBytes(bytes: number, limits: ThrottleLimits): boolean {
  return limits.maxLagBytes !== undefined && bytes > limits.maxLagBytes;
}

const ARGUMENTS = /batch_size\s*=>\s*(\d+)\s*,\s*pause_ms\s*=>\s*(\d+)/i;

/** The batch size and pause of a scaffolded `CALL …(batch_size => n, pause_ms => m)`. */
export function batchArguments(statement: string): BatchSettings | undefined {
  const m = ARGUMENTS.exec(statement);
  return m ? { batchSize: Number(m[1]), pauseMs: Number(m[2]) } : undefined;
}

export function withBatchArguments(statement: string, settings: BatchSettings): string {
  return statement.replace(ARGUMENTS, `batch_size => ${settings.batchSize}, pause_ms => ${settings.pauseMs}`);
}
