/**
 * The estimate report: plain JSON-safe data, produced by estimate.ts, rendered by render/*.ts
 * (CLI text, json and markdown), by the hover, and by the VS Code report webview.
 */
import type { LockMode } from '../locks/modes';
import type { Certainty } from '../locks/types';
import type { SessionFacts } from './snapshot';
import type { Throughput } from './throughput';

export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];

export type WorkKind = 'rewrite' | 'scan' | 'index build';

/** Long work a statement does while holding its lock. */
export interface WorkItem {
  relation: string;
  kind: WorkKind;
  /** Heap (and TOAST, for rewrites) bytes the work goes through, all passes included. */
  bytes: number;
  seconds: number;
  /** False when the lock model says it only *may* happen (e.g. a type change it cannot judge). */
  certain: boolean;
  /** How the figure was reached, e.g. `242 MB ÷ 100 MB/s + 2 index rebuilds`. */
  basis: string;
}

/** A live session in the way: it holds (granted) or already waits for a conflicting lock. */
export interface Blocker extends SessionFacts {
  mode: LockMode;
  granted: boolean;
}

export interface RelationEstimate {
  relation: string;
  kind: string;
  mode: LockMode;
  /** `reads, writes, DDL` — what ordinary traffic waits while the lock is held or awaited. */
  blocks: string;
  blocksTraffic: boolean;
  rewrite: Certainty;
  scan: Certainty;
  /** Created earlier in this migration (or by this statement): nobody else can be using it. */
  created: boolean;
  /** The database has no relation of that name (and the migration did not create it). */
  missing: boolean;
  rows: number | null;
  heapBytes: number | null;
  toastBytes: number | null;
  indexBytes: number | null;
  totalBytes: number | null;
  indexCount: number | null;
  sizeSource?: 'measured' | 'statistics';
  /** Sessions holding a conflicting lock: the statement waits until their transactions end. */
  waitsFor: Blocker[];
  /** Sessions already waiting for a conflicting lock: the statement queues behind them. */
  queuesBehind: Blocker[];
  /** Distinct sessions using the relation right now (any granted lock): their next queries would wait behind it. */
  activeSessions: number;
  /** How long this statement's lock on the relation is held, to the end of its transaction. */
  heldSeconds: number;
}

export interface StatementEstimate {
  index: number;
  /** 1-based line of the statement's first character. */
  line: number;
  summary: string;
  /** The statement's text, shortened for display. */
  sql: string;
  inTransaction: boolean;
  /** Statements with the same id run in one transaction (locks held to its end); -1 for autocommit. */
  transactionId: number;
  relations: RelationEstimate[];
  work: WorkItem[];
  /** Estimated run time of the statement itself (its long work; metadata-only DDL counts as 0). */
  seconds: number;
  /** When it starts, counting the estimated durations of the statements before it. */
  startSeconds: number;
  risk: RiskLevel;
  reasons: string[];
  /** lock_timeout in force when it starts (ms, 0 = none). */
  lockTimeoutMs: number;
  notes: string[];
}

/** One bar of the lock timeline: `relation` held in `mode` from `start` to `end` (seconds). */
export interface TimelineSegment {
  relation: string;
  mode: LockMode;
  start: number;
  end: number;
  /** The statement that took this lock (or strengthened it). */
  statementIndex: number;
  /** Positions in `statements` of the first and last statement it spans (charts scale by statement). */
  firstPosition: number;
  lastPosition: number;
  /** Held past its statement because the transaction is still open. */
  heldByTransaction: boolean;
}

export interface RelationSummary {
  name: string;
  schema: string;
  kind: string;
  rows: number | null;
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  totalBytes: number;
  sizeSource: 'measured' | 'statistics';
  sizeNote?: string;
  partitions: number;
  indexes: { name: string; bytes: number; definition: string; valid: boolean }[];
  foreignKeysOut: { name: string; to: string; validated: boolean }[];
  foreignKeysIn: { name: string; from: string; validated: boolean }[];
  triggers: { name: string; enabled: boolean }[];
  lastVacuum: string | null;
  lastAnalyze: string | null;
}

export interface EstimateReport {
  /** Display path of the migration, when it has one. */
  file?: string;
  /** `user@host:port/db`. */
  target: string;
  server: { version: string; major: number; inRecovery: boolean };
  /** The PostgreSQL version the lock model and rules used: the server's. */
  pgVersion: number;
  /** What the config said before the server's version replaced it. */
  configuredPgVersion: number;
  takenAt: string;
  gatherMs: number;
  throughput: Throughput;
  statements: StatementEstimate[];
  relations: RelationSummary[];
  timeline: TimelineSegment[];
  totalSeconds: number;
  longTransactions: SessionFacts[];
  longTransactionSeconds: number;
  risk: RiskLevel;
  notes: string[];
}
