/**
 * What the estimator learned from the database, as plain JSON-safe data: the server, the
 * relations a migration touches (sizes, rows, indexes, keys, triggers, live locks), and the
 * long-running transactions. gather.ts fills it; estimate.ts reads it.
 */
import type { LockMode } from '../locks/modes';

export interface ServerFacts {
  version: string;
  versionNum: number;
  major: number;
  database: string;
  user: string;
  inRecovery: boolean;
}

/** A backend as pg_stat_activity shows it (queries of other users need pg_read_all_stats). */
export interface SessionFacts {
  /** Null for a prepared transaction, which has no backend. */
  pid: number | null;
  application: string;
  state: string;
  backendType: string;
  user: string;
  /** Seconds since the session's transaction began (null when idle outside a transaction). */
  xactAgeSeconds: number | null;
  queryAgeSeconds: number | null;
  query: string;
  waitEventType: string | null;
}

export interface LiveLock {
  session: SessionFacts;
  mode: LockMode;
  granted: boolean;
  /** For waiters: pids it waits for (pg_blocking_pids). */
  blockedBy: number[];
  /** For waiters, PG 14+: when it started waiting (queue order). */
  waitStart: string | null;
}

export interface IndexFacts {
  name: string;
  /** pg_get_indexdef; empty when its table was locked (printing it would have waited). */
  definition: string;
  /** Key columns (quoted when needed); expressions are left out. */
  columns: string[];
  unique: boolean;
  primary: boolean;
  valid: boolean;
  bytes: number;
}

export interface ForeignKeyFacts {
  name: string;
  /** Referencing table. */
  from: string;
  /** Referenced table. */
  to: string;
  validated: boolean;
  definition: string;
}

export interface TriggerFacts {
  name: string;
  enabled: boolean;
}

export type RelationKindName = 'table' | 'partitioned table' | 'index' | 'materialized view' | 'sequence' | 'view' | 'foreign table';

export interface RelationFacts {
  /** Unqualified, as the lock model names it. */
  name: string;
  schema: string;
  kind: RelationKindName;
  /** reltuples (summed over partitions); null when never vacuumed or analyzed. */
  rows: number | null;
  /** Main fork (heap) bytes; for a partitioned table, summed over its partitions. */
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  totalBytes: number;
  /** `measured`: pg_relation_size & co; `statistics`: relpages × block size (no lock taken). */
  sizeSource: 'measured' | 'statistics';
  /** Why sizes come from statistics, when they do. */
  sizeNote?: string;
  partitions: number;
  /** For an index: the table it belongs to. */
  table?: string;
  indexes: IndexFacts[];
  /** Foreign keys from this table, and into it. */
  foreignKeysOut: ForeignKeyFacts[];
  foreignKeysIn: ForeignKeyFacts[];
  triggers: TriggerFacts[];
  /** Other sessions' locks on it right now, granted first. */
  locks: LiveLock[];
  lastVacuum: string | null;
  lastAnalyze: string | null;
  /** Other schemas holding a relation of the same name (the one on the search_path was used). */
  sameNameElsewhere: string[];
}

export interface DatabaseSnapshot {
  /** `user@host:port/db`. */
  target: string;
  server: ServerFacts;
  takenAt: string;
  /** Wall time of the gathering queries. */
  gatherMs: number;
  relations: Record<string, RelationFacts>;
  /** Names the migration touches that the database does not have (yet). */
  missing: string[];
  /** Transactions open longer than the threshold, oldest first. */
  longTransactions: SessionFacts[];
  longTransactionSeconds: number;
  preparedTransactions: { gid: string; owner: string; database: string; ageSeconds: number }[];
  /** DDL recreating the touched tables, indexes and constraints, for the lock model's catalog. */
  schemaSql: string;
}
