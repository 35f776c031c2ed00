/**
 * Observes what a statement really does on PostgreSQL, in the shape `predictObservable` predicts:
 * - locks: the strongest mode per relation of the test schema (by relname) and per type created
 *   on its own (`type:<typname>`); catalogs, TOAST and transient rewrite heaps are left out;
 * - rewritten: pre-existing tables and indexes (relkind r/p/m/i) whose relfilenode changed;
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
import type { ObservableEffects } from '../../server/src/locks/oracle';
import {
  LOCKS_SQL,
  PROBE_SCHEMA,
  WAITING_SQL,
  catalogSnapshot,
  observeStatement,
  rewrittenTables,
  scannedTables,
  seqScans,
  strongestLocks,
  type LockRow,
} from '../../server/src/trace/observe';
import type { PgCluster } from '../support/pgCluster';
import { SETUP_SQL, type LockCase } from './lockCases';

/** Database names are unique per oracle so several suites can share one cluster. */
let oracleCounter = 0;
const POLL_MS = 10;
const STALL_TIMEOUT_MS = 15_000;
const STATS_TIMEOUT_MS = 10_000;

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
    return lockCase.outsideTransaction ? this.observeOutsideTransaction(lockCase) : this.observeInTransaction(lockCase.sql, lockCase.session);
  }

  /** Ends the sessions and drops the oracle's databases (the cluster may be shared). */
  async close(): Promise<void> {
    await this.txnClient.end().catch(() => undefined);
    for (const suffix of ['txn', 'template']) {
      await dropDatabase(this.admin, `${this.dbPrefix}_${suffix}`, this.cluster.version).catch(() => undefined);
    }
    await this.admin.end().catch(() => undefined);
  }

  private async observeInTransaction(sql: string, session?: string): Promise<ObservableEffects> {
    try {
      return await observeStatement(this.txnClient, sql, false, session);
    } catch (err) {
      throw new StatementFailed(`statement failed on the oracle schema: ${sql}\n  ${describeError(err)}`);
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
      await dropDatabase(this.admin, db, this.cluster.version).catch(() => undefined);
    }
  }
}

/** `WITH (FORCE)` exists from PostgreSQL 13; on 12 the sessions are ended first. */
async function dropDatabase(admin: pg.Client, db: string, version: number): Promise<void> {
  if (version >= 13) {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    return;
  }
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
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
