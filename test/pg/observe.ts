/**
 * Observes what a statement really does on PostgreSQL, in the shape `predictObservable` predicts:
 * - locks: the strongest mode per relation of the test schema (by relname) and per type created
 *   on its own (`type:<typname>`); catalogs, TOAST and transient rewrite heaps are left out;
 * - rewritten: pre-existing tables (relkind r/p/m) whose relfilenode changed;
 * - scanned: pre-existing tables whose seq_scan count went up.
 *
 * Transactional statements: BEGIN; snapshot; statement; read own pg_locks; snapshot; ROLLBACK —
 * all in one long-lived database, since the rollback undoes everything the statement did.
 *
 * Statements that refuse a transaction block (CONCURRENTLY, VACUUM): a fresh database per
 * statement; a blocker session holds a lock in an open transaction so the statement stalls at a
 * known point (see `OutsideTransaction` in lockCases.ts), and a watcher session records every
 * relation/type lock the statement then holds or awaits. Locks taken only after that point are
 * not seen. Rewrites and scans are measured once it has completed, from relfilenodes and the
 * cumulative statistics.
 */
import pg from 'pg';
import { LOCK_MODES, strongest, type LockMode } from '../../server/src/locks/modes';
import type { ObservableEffects } from '../../server/src/locks/oracle';
import type { PgCluster } from '../support/pgCluster';
import { SETUP_SQL, type LockCase } from './lockCases';

/** Database names are unique per oracle so several suites can share one cluster. */
let oracleCounter = 0;
/** Holds the stats sentinel; never part of an observation. */
const PROBE_SCHEMA = 'lockstep_probe';
const POLL_MS = 10;
const STALL_TIMEOUT_MS = 15_000;
const STATS_TIMEOUT_MS = 10_000;

/** Objects of the test schema: everything outside system schemas and the probe schema. */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '${PROBE_SCHEMA}')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

const RELATIONS_SQL = `
  SELECT c.oid::text AS oid, c.relname AS name, c.relkind AS kind, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}`;

/**
 * Types created on their own (enums, domains, composite types). Implicit row types of relations
 * and array types are left out: they only change together with their relation or element type,
 * whose own lock already says everything.
 */
const TYPES_SQL = `
  SELECT t.oid::text AS oid, t.typname AS name
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ${USER_NAMESPACE}
    AND t.typcategory <> 'A'
    AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c')`;

const LOCKS_SQL = `
  SELECT locktype, relation::text AS relation, objid::text AS objid, mode, granted
  FROM pg_locks
  WHERE pid = $1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND (locktype = 'relation' OR (locktype = 'object' AND classid = 'pg_type'::regclass))`;

const WAITING_SQL = 'SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted';

const scanSql = (view: string) => `
  SELECT s.relid::text AS oid, s.seq_scan::text AS seq_scan
  FROM ${view} s JOIN pg_class c ON c.oid = s.relid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_NAMESPACE}`;

interface Relation {
  name: string;
  kind: string;
  filenode: string;
}

/** One moment of the catalog, keyed by oid so renamed or dropped objects are still found. */
interface CatalogSnapshot {
  relations: Map<string, Relation>;
  types: Map<string, string>;
}

interface LockRow {
  locktype: string;
  relation: string | null;
  objid: string | null;
  mode: string;
  granted: boolean;
}

async function catalogSnapshot(client: pg.Client): Promise<CatalogSnapshot> {
  const relations = new Map<string, Relation>();
  for (const row of (await client.query(RELATIONS_SQL)).rows) relations.set(row.oid, row);
  const types = new Map<string, string>();
  for (const row of (await client.query(TYPES_SQL)).rows) types.set(row.oid, row.name);
  return { relations, types };
}

async function seqScans(client: pg.Client, view: string): Promise<Map<string, bigint>> {
  const result = await client.query(scanSql(view));
  return new Map(result.rows.map((r) => [r.oid as string, BigInt(r.seq_scan)]));
}

function isLockMode(mode: string): mode is LockMode {
  return (LOCK_MODES as readonly string[]).includes(mode);
}

/** Strongest mode per object, named by the newest snapshot that knows the oid. */
function strongestLocks(rows: LockRow[], ...snapshots: CatalogSnapshot[]): Record<string, LockMode> {
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

const TABLE_KINDS = new Set(['r', 'p', 'm']);

function rewrittenTables(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const names: string[] = [];
  for (const [oid, old] of before.relations) {
    const now = after.relations.get(oid);
    if (now && TABLE_KINDS.has(old.kind) && now.filenode !== old.filenode) names.push(now.name);
  }
  return names.sort();
}

/** Only tables that existed before the statement: building a new table's indexes "scans" it too. */
function scannedTables(
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

/** Postgres error text plus the detail and hint, which usually say what actually went wrong. */
function describeError(err: unknown): string {
  const e = err as { message?: string; detail?: string; hint?: string };
  return [e.message ?? String(err), e.detail && `detail: ${e.detail}`, e.hint && `hint: ${e.hint}`].filter(Boolean).join('; ');
}

export class StatementFailed extends Error {}

async function runStatement(client: pg.Client, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    throw new StatementFailed(`statement failed on the oracle schema: ${sql}\n  ${describeError(err)}`);
  }
}

/** A database per oracle cluster: the template, plus a long-lived one for BEGIN … ROLLBACK cases. */
export class LockOracle {
  private caseCounter = 0;

  private constructor(
    readonly cluster: PgCluster,
    private readonly admin: pg.Client,
    private readonly txnClient: pg.Client,
    private readonly dbPrefix: string,
  ) {}

  static async create(cluster: PgCluster): Promise<LockOracle> {
    const dbPrefix = `lockstep_oracle_${process.pid}_${++oracleCounter}`;
    const templateDb = `${dbPrefix}_template`;
    const admin = await cluster.client();
    try {
      await admin.query(`CREATE DATABASE ${templateDb}`);
      const setup = await cluster.client(templateDb);
      try {
        await setup.query(SETUP_SQL);
        // Read at the end of every out-of-transaction case: its scan count shows that the case's
        // statistics have reached the cumulative views.
        await setup.query(`CREATE SCHEMA ${PROBE_SCHEMA}; CREATE TABLE ${PROBE_SCHEMA}.stats_sentinel (x int);`);
      } catch (err) {
        throw new Error(`oracle setup SQL failed on PostgreSQL ${cluster.version}: ${describeError(err)}`);
      } finally {
        await setup.end();
      }
      await admin.query(`CREATE DATABASE ${dbPrefix}_txn TEMPLATE ${templateDb}`);
      const txnClient = await cluster.client(`${dbPrefix}_txn`);
      txnClient.on('error', () => undefined);
      return new LockOracle(cluster, admin, txnClient, dbPrefix);
    } catch (err) {
      await admin.end().catch(() => undefined);
      throw err;
    }
  }

  observe(lockCase: LockCase): Promise<ObservableEffects> {
    return lockCase.outsideTransaction ? this.observeOutsideTransaction(lockCase) : this.observeInTransaction(lockCase.sql);
  }

  /** Ends the sessions and drops the oracle's databases (the cluster may be shared). */
  async close(): Promise<void> {
    await this.txnClient.end().catch(() => undefined);
    for (const suffix of ['txn', 'template']) {
      await this.admin.query(`DROP DATABASE IF EXISTS ${this.dbPrefix}_${suffix} WITH (FORCE)`).catch(() => undefined);
    }
    await this.admin.end().catch(() => undefined);
  }

  private async observeInTransaction(sql: string): Promise<ObservableEffects> {
    const client = this.txnClient;
    await client.query('BEGIN');
    try {
      // A statement that unexpectedly waits would hang the suite: fail fast instead.
      await client.query("SET LOCAL lock_timeout = '5s'");
      const before = await catalogSnapshot(client);
      const scansBefore = await seqScans(client, 'pg_stat_xact_user_tables');
      await runStatement(client, sql);
      const { rows } = await client.query<LockRow>(LOCKS_SQL, [await backendPid(client)]);
      const after = await catalogSnapshot(client);
      const scansAfter = await seqScans(client, 'pg_stat_xact_user_tables');
      return {
        locks: strongestLocks(rows, after, before),
        rewritten: rewrittenTables(before, after),
        scanned: scannedTables(scansBefore, scansAfter, before, after),
      };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }

  private async observeOutsideTransaction(lockCase: LockCase): Promise<ObservableEffects> {
    const { blockerSql } = lockCase.outsideTransaction!;
    const db = `${this.dbPrefix}_case_${++this.caseCounter}`;
    await this.admin.query(`CREATE DATABASE ${db} TEMPLATE ${this.dbPrefix}_template`);
    const sessions: pg.Client[] = [];
    const connect = async () => {
      const client = await this.cluster.client(db);
      client.on('error', () => undefined);
      sessions.push(client);
      return client;
    };
    try {
      const [blocker, runner, watcher] = [await connect(), await connect(), await connect()];
      const before = await catalogSnapshot(watcher);
      const scansBefore = await seqScans(watcher, 'pg_stat_user_tables');
      await blocker.query('BEGIN');
      await blocker.query(blockerSql);
      const runnerPid = await backendPid(runner);
      await runner.query("SET statement_timeout = '60s'");

      const statement = runStatement(runner, lockCase.sql).then(
        () => ({ failure: undefined as unknown }),
        (failure: unknown) => ({ failure }),
      );
      const rows = await waitUntilStalled(watcher, runnerPid, statement, lockCase);
      const stalled = await catalogSnapshot(watcher);
      await blocker.query('ROLLBACK');
      const { failure } = await statement;
      if (failure) throw failure;

      // Backend exit flushes the runner's statistics; the sentinel scan marks the end of them.
      await runner.query(`SELECT count(*) FROM ${PROBE_SCHEMA}.stats_sentinel`);
      await runner.end();
      const scansAfter = await waitForFlushedStats(watcher);
      const after = await catalogSnapshot(watcher);
      return {
        locks: strongestLocks(rows, stalled, after, before),
        rewritten: rewrittenTables(before, after),
        scanned: scannedTables(scansBefore, scansAfter, before, after),
      };
    } finally {
      await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
      await this.admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

async function backendPid(client: pg.Client): Promise<number> {
  return (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
}

/** Polls until the statement's backend waits on a lock, then returns all its locks at that moment. */
async function waitUntilStalled(
  watcher: pg.Client,
  pid: number,
  statement: Promise<{ failure: unknown }>,
  lockCase: LockCase,
): Promise<LockRow[]> {
  let finished = false;
  void statement.then(() => (finished = true));
  const deadline = Date.now() + STALL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const waiting = (await watcher.query(WAITING_SQL, [pid])).rows[0].n > 0;
    if (waiting) return (await watcher.query<LockRow>(LOCKS_SQL, [pid])).rows;
    if (finished) {
      const { failure } = await statement;
      if (failure) throw failure;
      throw new Error(`"${lockCase.sql}" finished without waiting; blocker "${lockCase.outsideTransaction?.blockerSql}" does not stall it`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`"${lockCase.sql}" did not stall on a lock within ${STALL_TIMEOUT_MS} ms`);
}

/** Cumulative statistics arrive asynchronously (PG 14's collector especially): wait for the sentinel. */
async function waitForFlushedStats(watcher: pg.Client): Promise<Map<string, bigint>> {
  const sentinel = `SELECT coalesce(seq_scan, 0)::int AS n FROM pg_stat_user_tables
    WHERE schemaname = '${PROBE_SCHEMA}' AND relname = 'stats_sentinel'`;
  const deadline = Date.now() + STATS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (((await watcher.query(sentinel)).rows[0]?.n ?? 0) > 0) return seqScans(watcher, 'pg_stat_user_tables');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`statistics of the out-of-transaction statement did not arrive within ${STATS_TIMEOUT_MS} ms`);
}

/** One line per object, e.g. `users AccessExclusiveLock, users_pkey AccessExclusiveLock; rewrite users; scan users`. */
export function describeEffects(effects: ObservableEffects): string {
  const locks = Object.entries(effects.locks).map(([name, mode]) => `${name} ${mode}`);
  const parts = [locks.length > 0 ? locks.join(', ') : 'no locks'];
  if (effects.rewritten.length > 0) parts.push(`rewrite ${effects.rewritten.join(', ')}`);
  if (effects.scanned.length > 0) parts.push(`scan ${effects.scanned.join(', ')}`);
  return parts.join('; ');
}
