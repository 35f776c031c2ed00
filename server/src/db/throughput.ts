/**
 * How fast PostgreSQL chews through a table, in MB (1024² bytes, as pg_size_pretty counts) of
 * heap per second, for the three kinds of long work a migration does under its lock.
 * The defaults were measured on PostgreSQL 18 with fsync on (test/pg/estimateThroughput.test.ts;
 * method and figures in docs/estimate.md); `estimate` in lockstep.config.json or the
 * `lockstep.estimate.*` settings replace them with figures from your own server.
 */

export interface Throughput {
  /** Copying every row into a new file (ALTER COLUMN TYPE, volatile DEFAULT, SET LOGGED…). */
  rewriteMBps: number;
  /** Reading every row under the lock (VALIDATE CONSTRAINT, SET NOT NULL, ADD CHECK). */
  scanMBps: number;
  /** Building one index: a full scan plus a sort (CREATE INDEX, REINDEX, ADD PRIMARY KEY). */
  indexBuildMBps: number;
}

/**
 * PostgreSQL 18 with durable settings, 3 million rows (242 MB of heap), on the project's 2-core
 * VM while other test runs shared it: the medians of four runs, rounded down. On the quiet machine
 * the same run gave about 900 / 100 / 130 MB/s; slower defaults keep estimates on the safe side.
 */
export const DEFAULT_THROUGHPUT: Readonly<Throughput> = Object.freeze({
  rewriteMBps: 50,
  scanMBps: 300,
  indexBuildMBps: 45,
});

export const THROUGHPUT_KEYS = ['rewriteMBps', 'scanMBps', 'indexBuildMBps'] as const satisfies readonly (keyof Throughput)[];

export const MB = 1024 * 1024;

export function secondsFor(bytes: number, mbPerSecond: number): number {
  return mbPerSecond > 0 ? bytes / MB / mbPerSecond : 0;
}
