/** Catalog rows (as node-postgres returns them: int8 as strings, nulls) turned into snapshot facts. */
import { LOCK_MODES, type LockMode } from '../locks/modes';
import type { ForeignKeyFacts, IndexFacts, LiveLock, RelationKindName, SessionFacts } from './snapshot';

export type Row = Record<string, unknown>;

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export const KINDS: Record<string, RelationKindName> = {
  r: 'table', p: 'partitioned table', i: 'index', I: 'index', m: 'materialized view', S: 'sequence', v: 'view', f: 'foreign table',
};

/** reltuples (summed over partitions); null when the table was never vacuumed or analysed. */
export function rowsOf(row: Row, partitions: Row[]): number | null {
  const sources = partitions.length ? partitions : [row];
  const known = sources.map((p) => Number(p.reltuples)).filter((n) => n >= 0);
  // PostgreSQL 14+ says -1 for "never vacuumed or analyzed"; older versions say 0 with relpages 0.
  if (known.length === 0) return null;
  if (!partitions.length && Number(row.reltuples) === 0 && num(row.relpages) === 0 && num(row.live_rows) > 0) return num(row.live_rows);
  return Math.round(known.reduce((s, n) => s + n, 0));
}

export function sessionOf(row: Row): SessionFacts {
  return {
    pid: numOrNull(row.pid),
    application: str(row.application_name),
    state: row.pid === null ? 'prepared transaction' : str(row.state) || str(row.backend_type),
    backendType: str(row.backend_type),
    user: str(row.user),
    xactAgeSeconds: numOrNull(row.xact_age_s),
    queryAgeSeconds: numOrNull(row.query_age_s),
    query: str(row.query),
    waitEventType: row.wait_event_type === null || row.wait_event_type === undefined ? null : String(row.wait_event_type),
  };
}

/** `bytes` starts from relpages; measured sizes replace it when the table could be measured. */
export function indexOf(row: Row, blockSize: number): IndexFacts {
  return {
    name: str(row.name),
    definition: str(row.definition),
    columns: Array.isArray(row.columns) ? row.columns.map(String) : [],
    unique: row.is_unique === true,
    primary: row.is_primary === true,
    valid: row.is_valid === true,
    bytes: num(row.relpages) * blockSize,
  };
}

export function foreignKeyOf(row: Row): ForeignKeyFacts {
  return { name: str(row.name), from: str(row.table_name), to: str(row.referenced_name), validated: row.validated === true, definition: str(row.definition) };
}

/**
 * pg_locks rows grouped by relation oid, a partition's locks counted on its partitioned root.
 * Locks repeat per partition: one is kept per session, mode and state.
 */
export function locksByRelation(rows: Row[], rootOf: Map<number, number>): Map<number, LiveLock[]> {
  const byOid = new Map<number, Map<string, LiveLock>>();
  for (const row of rows) {
    const mode = str(row.mode) as LockMode;
    if (!LOCK_MODES.includes(mode)) continue; // predicate (SIRead) locks block nobody
    const oid = rootOf.get(num(row.oid)) ?? num(row.oid);
    const lock: LiveLock = {
      session: sessionOf(row),
      mode,
      granted: row.granted === true,
      blockedBy: Array.isArray(row.blocked_by) ? row.blocked_by.map(Number) : [],
      waitStart: row.wait_start === null || row.wait_start === undefined ? null : String(row.wait_start),
    };
    const seen = byOid.get(oid) ?? new Map<string, LiveLock>();
    const key = `${lock.session.pid ?? 'prepared'}|${lock.granted}|${mode}`;
    if (!seen.has(key)) seen.set(key, lock);
    byOid.set(oid, seen);
  }
  return new Map([...byOid].map(([oid, locks]) => [oid, [...locks.values()]]));
}
