/**
 * Observing what one statement really does on PostgreSQL (a real server or embedded PGlite):
 * the strongest lock per object it holds, which tables it rewrote (relfilenode changed) and
 * which it scanned (seq_scan went up). The real-PostgreSQL lock oracle (test/pg) and
 * `lockstep trace` share this code, so the trace reports exactly what the oracle verifies.
 */
import { LOCK_MODES, strongest, type LockMode } from '../locks/modes';

/** Anything that runs SQL and returns rows: a node-postgres client, or PGlite. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** Schema used by the oracle for its own bookkeeping; never part of an observation. */
export const PROBE_SCHEMA = 'lockstep_probe';

/** Objects of the test schema: everything outside system schemas and the probe schema. */
export const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '${PROBE_SCHEMA}')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

export const RELATIONS_SQL = `
  SELECT c.oid::text AS oid, c.relname AS name, c.relkind AS kind, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}`;

/**
 * Types created on their own (enums, domains, composite types). Implicit row types of relations
 * and array types are left out: they only change together with their relation or element type,
 * whose own lock already says everything.
 */
export const TYPES_SQL = `
  SELECT t.oid::text AS oid, t.typname AS name
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ${USER_NAMESPACE}
    AND t.typcategory <> 'A'
    AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c')`;

export const LOCKS_SQL = `
  SELECT locktype, relation::text AS relation, objid::text AS objid, mode, granted
  FROM pg_locks
  WHERE pid = $1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND (locktype = 'relation' OR (locktype = 'object' AND classid = 'pg_type'::regclass))`;

export const WAITING_SQL = 'SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted';

export const scanSql = (view: string) => `
  SELECT s.relid::text AS oid, s.seq_scan::text AS seq_scan
  FROM ${view} s JOIN pg_class c ON c.oid = s.relid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_NAMESPACE}`;

interface Relation {
  name: string;
  kind: string;
  filenode: string;
}

/** One moment of the catalog, keyed by oid so renamed or dropped objects are still found. */
export interface CatalogSnapshot {
  relations: Map<string, Relation>;
  types: Map<string, string>;
}

export interface LockRow {
  locktype: string;
  relation: string | null;
  objid: string | null;
  mode: string;
  granted: boolean;
}

export async function catalogSnapshot(client: Queryable): Promise<CatalogSnapshot> {
  const relations = new Map<string, Relation>();
  for (const row of (await client.query<Relation & { oid: string }>(RELATIONS_SQL)).rows) relations.set(row.oid, row);
  const types = new Map<string, string>();
  for (const row of (await client.query<{ oid: string; name: string }>(TYPES_SQL)).rows) types.set(row.oid, row.name);
  return { relations, types };
}

export async function seqScans(client: Queryable, view: string): Promise<Map<string, bigint>> {
  const result = await client.query<{ oid: string; seq_scan: string }>(scanSql(view));
  return new Map(result.rows.map((r) => [r.oid as string, BigInt(r.seq_scan)]));
}

function isLockMode(mode: string): mode is LockMode {
  return (LOCK_MODES as readonly string[]).includes(mode);
}

/** Strongest mode per object, named by the newest snapshot that knows the oid. */
export function strongestLocks(rows: LockRow[], ...snapshots: CatalogSnapshot[]): Record<string, LockMode> {
  const locks: Record<string, LockMode> = {};
  for (const row of rows) {
    if (!isLockMode(row.mode)) continue;
    const key =
      row.locktype === 'relation'
        ? firstKnown(snapshots, (s) => s.relations.get(row.relation ?? '')?.name)
        : prefixed('type:', firstKnown(snapshots, (s) => s.types.get(row.objid ?? '')));
    // Objects outside the test schema (catalogs, TOAST, transient rewrite heaps) are not part of the model.
    if (key === undefined) continue;
    locks[key] = locks[key] ? strongest(locks[key], row.mode) : row.mode;
  }
  return sortedRecord(locks);
}

function firstKnown<T>(snapshots: CatalogSnapshot[], pick: (s: CatalogSnapshot) => T | undefined): T | undefined {
  for (const snapshot of snapshots) {
    const value = pick(snapshot);
    if (value !== undefined) return value;
  }
  return undefined;
}

function prefixed(prefix: string, name: string | undefined): string | undefined {
  return name === undefined ? undefined : prefix + name;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Relations with storage whose file can be replaced: tables, materialized views and indexes. */
const REWRITABLE_KINDS = new Set(['r', 'p', 'm', 'i']);

/** Tables, materialized views and indexes that kept their oid but got a new file (relfilenode). */
export function rewrittenTables(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const names: string[] = [];
  for (const [oid, old] of before.relations) {
    const now = after.relations.get(oid);
    if (now && REWRITABLE_KINDS.has(old.kind) && now.filenode !== old.filenode) names.push(now.name);
  }
  return names.sort();
}

/** Only tables that existed before the statement: building a new table's indexes "scans" it too. */
export function scannedTables(
  scansBefore: Map<string, bigint>,
  scansAfter: Map<string, bigint>,
  before: CatalogSnapshot,
  after: CatalogSnapshot,
): string[] {
  const scanned: string[] = [];
  for (const [oid, count] of scansAfter) {
    const name = after.relations.get(oid)?.name;
    if (name !== undefined && before.relations.has(oid) && count > (scansBefore.get(oid) ?? 0n)) scanned.push(name);
  }
  return scanned.sort();
}


export interface StatementEffects {
  locks: Record<string, LockMode>;
  rewritten: string[];
  scanned: string[];
}

/**
 * Run `sql` inside its own transaction and observe it; `keep` commits (a trace applies the
 * migration step by step), otherwise it rolls back (the oracle reuses one database).
 * `prelude` runs first in the same transaction, unobserved.
 */
export async function observeStatement(client: Queryable, sql: string, keep: boolean, prelude = ''): Promise<StatementEffects> {
  await client.query('BEGIN');
  let committed = false;
  try {
    // A statement that unexpectedly waits would hang: fail fast instead.
    await client.query("SET LOCAL lock_timeout = '5s'");
    // Session settings the statement depends on (e.g. SET LOCAL timezone), not part of the observation.
    if (prelude) await client.query(prelude);
    const before = await catalogSnapshot(client);
    const scansBefore = await seqScans(client, 'pg_stat_xact_user_tables');
    await client.query(sql);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const { rows } = await client.query<LockRow>(LOCKS_SQL, [pid]);
    const after = await catalogSnapshot(client);
    const scansAfter = await seqScans(client, 'pg_stat_xact_user_tables');
    const effects = {
      locks: strongestLocks(rows, after, before),
      rewritten: rewrittenTables(before, after),
      scanned: scannedTables(scansBefore, scansAfter, before, after),
    };
    if (keep) {
      await client.query('COMMIT');
      committed = true;
    }
    return effects;
  } finally {
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
  }
}
