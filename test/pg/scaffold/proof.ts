/**
 * The live-load proof of one plan: create the "before" schema with ≥100,000 rows, start the v1
 * workload, apply every phase as the runner would while the workloads PLAN.md allows run
 * (v2 from its deploy step on, v1 until it is retired), then roll every phase back under the
 * traffic that ran while it went forward (and re-run the plan's verify after it), and check each
 * rollback restores the schema from before that phase, with every write the workloads made.
 */
import pg from 'pg';
import { DEFAULT_CONFIG, type RunnerId } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { schemaFromDatabase } from '../../../server/src/scaffold/dbSchema';
import { schemaFromSql, type SchemaInfo } from '../../../server/src/scaffold/schema';
import { scaffold, type ScaffoldResult } from '../../../server/src/scaffold/scaffold';
import type { KindArgs } from '../../../server/src/scaffold/kinds/shared';
import type { PgCluster } from '../../support/pgCluster';
import { applyMigration, type ExecStats } from './runnerExec';
import { schemaSnapshot, snapshotDiff, type Snapshot } from './snapshot';
import { LockWaitMonitor, Workload, type LoopSpec, type WorkloadStats } from './workload';

export type Version = 'v1' | 'v2';

/** What the workloads wrote last, per logical row, as each application version would read it back. */
export class Ledger {
  readonly rows = new Map<string, Partial<Record<Version, string>>>();
  private seq = 0;
  /** Rows the workloads deleted (seeded or their own): no shape may show them afterwards. */
  readonly deleted = new Set<string>();
  set(key: string, values: Partial<Record<Version, string>>): void {
    this.rows.set(key, values);
    this.deleted.delete(key);
  }
  delete(key: string): void {
    this.rows.delete(key);
    this.deleted.add(key);
  }
  /** Unique values for workloads to write (so a lost write cannot look like a kept one). */
  next(): number {
    return ++this.seq;
  }
}

export interface Fixture {
  kind: string;
  args: KindArgs;
  runner: RunnerId;
  /** DDL of the "before" schema. */
  schema: string;
  /** Fills it: at least ROWS rows in the main table. */
  seed: string;
  /** Discover dependents from the database instead of replaying `schema` (kind 6 does both). */
  schemaFrom?: 'migrations' | 'database';
  /** Application loops per version, writing through the ledger. Keys they update are their own. */
  apps(ledger: Ledger): Record<Version, LoopSpec[]>;
  /** Every logical row as this version reads it (key → value); throws 42703/42P01 when its shape is gone. */
  read(client: pg.Client, version: Version): Promise<Map<string, string>>;
  /** The value a seeded row has, per version (undefined: that version's shape does not show it). */
  seeded(key: string, version: Version): string | undefined;
  /**
   * The v1 value that rolling back the contract restores from a v2 value (default: the value v1
   * last wrote). Differs only for lossy transforms, e.g. merging first and last names.
   */
  derive?(v2: string): string;
  /** Do these values of one row, read through each shape, describe the same data? (default: equal) */
  agree?(v1: string, v2: string): boolean;
  /** Extra checks after the forward run (e.g. verify NOTICEs). */
  afterForward?(client: pg.Client, result: ScaffoldResult, notices: string[]): Promise<string[]>;
}

export const ROWS = 100_000;
/** Operations each workload must have made by the end of the forward run (the proof asserts more than 50 overall). */
const MIN_OPERATIONS = 60;
/** How long both workloads run between steps: long enough to overlap every phase with traffic. */
const DWELL_MS = 700;

export interface ProofReport {
  kind: string;
  runner: RunnerId;
  files: number;
  migrations: number;
  operations: Record<Version, number>;
  errors: string[];
  mismatches: string[];
  rollbackProblems: string[];
  maxLatencyMs: number;
  slowest: string;
  /** Longest lock wait of a workload query, sampled from pg_stat_activity. */
  maxLockWaitMs: number;
  worstLockWait: string;
  /** What the migrator was running when the slowest query started. */
  slowestDuring: string;
  /** Every migration applied, with when it ran (ms since the start). */
  timeline: Array<{ what: string; start: number; end: number }>;
  lockTimeoutRetries: number;
  notices: string[];
  wallMs: number;
  lintFindings: number;
}

const missingShape = (err: unknown) => ['42703', '42P01'].includes((err as { code?: string }).code ?? '');

async function tryRead(f: Fixture, client: pg.Client, v: Version): Promise<Map<string, string> | undefined> {
  try {
    return await f.read(client, v);
  } catch (err) {
    if (missingShape(err)) return undefined;
    throw err;
  }
}

/** Under load: both shapes, read in one snapshot, must hold the same rows and values. */
async function checkShapesAgree(f: Fixture, client: pg.Client, where: string): Promise<string[]> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const v1 = await f.read(client, 'v1');
    const v2 = await f.read(client, 'v2');
    const problems: string[] = [];
    if (v1.size !== v2.size) problems.push(`${where}: v1 sees ${v1.size} rows, v2 sees ${v2.size}`);
    let shown = 0;
    const agree = f.agree ?? ((a: string, b: string) => a === b);
    for (const [k, value] of v1) {
      const other = v2.get(k);
      if ((other === undefined || !agree(value, other)) && shown++ < 5) problems.push(`${where}: row ${k} is ${JSON.stringify(value)} for v1 but ${JSON.stringify(other)} for v2`);
    }
    if (shown > 5) problems.push(`${where}: ${shown - 5} more rows differ`);
    return problems;
  } finally {
    await client.query('COMMIT');
  }
}

/** Traffic stopped: every readable shape must hold what the seed and the ledger say. */
async function checkData(f: Fixture, client: pg.Client, ledger: Ledger, seededKeys: string[], where: string, require: Version[]): Promise<string[]> {
  const problems: string[] = [];
  for (const v of ['v1', 'v2'] as Version[]) {
    const actual = await tryRead(f, client, v);
    if (!actual) {
      if (require.includes(v)) problems.push(`${where}: the ${v} shape is gone`);
      continue;
    }
    const expected = new Map<string, string>();
    for (const k of seededKeys) {
      const value = f.seeded(k, v);
      if (value !== undefined) expected.set(k, value);
    }
    for (const [k, values] of ledger.rows) if (values[v] !== undefined) expected.set(k, values[v]!);
    for (const k of ledger.deleted) expected.delete(k);
    if (actual.size !== expected.size) problems.push(`${where}: ${v} sees ${actual.size} rows, expected ${expected.size}`);
    let shown = 0;
    for (const [k, value] of expected) {
      const got = actual.get(k);
      if (got !== value && shown++ < 5) problems.push(`${where}: ${v} row ${k} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
    }
    if (shown > 5) problems.push(`${where}: ${v}: ${shown - 5} more mismatched rows`);
  }
  return problems;
}

/** After the contract's rollback: the old shape of every row is derived from its new shape. */
function deriveOldShape(f: Fixture, ledger: Ledger, seededKeys: string[]): void {
  for (const k of seededKeys) if (!ledger.rows.has(k) && !ledger.deleted.has(k)) ledger.set(k, { v2: f.seeded(k, 'v2') });
  for (const values of ledger.rows.values()) if (values.v2 !== undefined) values.v1 = f.derive!(values.v2);
}

/** `sabotage` changes the generated files before they run (to show the proof catches a broken plan). */
/** Fixtures already proved: their closures hold that run's writes, so a second run would compare against them. */
const proved = new WeakSet<Fixture>();

export async function prove(cluster: PgCluster, f: Fixture, database: string, sabotage?: (result: ScaffoldResult) => void): Promise<ProofReport> {
  if (proved.has(f)) throw new Error(`the ${f.kind} fixture was already proved once: make a fresh one per proof (its workloads' state would leak into this run)`);
  proved.add(f);
  const started = Date.now();
  await initEngine();
  const admin = await cluster.client();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = cluster.connectionString(database);
  const migrator = new pg.Client({ connectionString: url, application_name: 'migrator' });
  await migrator.connect();
  const notices: string[] = [];
  const t0 = performance.now();
  migrator.on('notice', (n) => notices.push(`${(performance.now() - t0).toFixed(0)} ms: ${n.message ?? ''}`));
  const report: ProofReport = {
    kind: f.kind, runner: f.runner, files: 0, migrations: 0, operations: { v1: 0, v2: 0 }, errors: [], mismatches: [], rollbackProblems: [],
    maxLatencyMs: 0, maxLockWaitMs: 0, worstLockWait: '', slowest: '', slowestDuring: '', timeline: [], lockTimeoutRetries: 0, notices, wallMs: 0, lintFindings: 0,
  };
  let slowestAt = 0;
  const during = (at: number) => {
    const last = report.timeline.filter((t) => t.start <= at).pop();
    return !last ? 'before the first migration' : at <= last.end ? `during ${last.what}` : `after ${last.what}`;
  };
  const workloads: Partial<Record<Version, Workload>> = {};
  let monitor: LockWaitMonitor | undefined;
  const collect = (stats: WorkloadStats[], v: Version) => {
    for (const s of stats) {
      report.operations[v] += s.operations;
      // Each error says what the migrator was doing (or had last done) when it happened.
      report.errors.push(...s.errors.map((e, i) => `${s.name}: ${e} (${during(s.errorsAt[i])})`));
      for (const t of s.timings) if (t.ms > report.maxLatencyMs) { report.maxLatencyMs = t.ms; report.slowest = `${s.name}: ${t.sql.slice(0, 120)}`; slowestAt = t.at; }
    }
  };
  try {
    await migrator.query(f.schema);
    await migrator.query(f.seed);
    await migrator.query('ANALYZE');
    const schema: SchemaInfo = f.schemaFrom === 'database' ? await schemaFromDatabase(migrator) : schemaFromSql(f.schema, DEFAULT_CONFIG);
    const result = scaffold({ kind: f.kind, args: f.args, schema, runner: f.runner, migrationsDir: 'migrations', existing: [], options: { pgVersion: cluster.version, batchSize: 5000, pauseMs: 20 } });
    sabotage?.(result);
    report.files = result.files.length;
    report.migrations = result.migrations.length;
    report.lintFindings = result.findings.length;
    const ledger = new Ledger();
    const apps = f.apps(ledger);
    const seededKeys = [...(await f.read(migrator, 'v1')).keys()];
    const exec: ExecStats = { lockTimeoutRetries: 0, notices };
    const start = (v: Version) => (workloads[v] = new Workload(v, url, apps[v], v === 'v1' ? 1 : 1000));
    const stop = async (v: Version) => {
      const w = workloads[v];
      if (!w) return;
      delete workloads[v];
      collect(await w.stop(), v);
    };
    const dwell = () => new Promise((r) => setTimeout(r, DWELL_MS));
    /** Rolling deploy to exactly `versions`: start the missing ones, let both run, then stop the rest. */
    const runOnly = async (versions: Version[]) => {
      const missing = versions.filter((v) => !workloads[v]);
      for (const v of missing) start(v);
      if (missing.length) await dwell();
      for (const v of ['v1', 'v2'] as Version[]) if (!versions.includes(v)) await stop(v);
    };
    /** The versions running while each phase went forward. */
    const active: Version[][] = [];
    const deploy = async (phase: number) => {
      for (const d of result.plan.deploys.filter((x) => x.beforePhase === phase)) {
        if (d.action === 'start-v2') start('v2');
        else await stop('v1');
        await dwell();
      }
    };

    // Forward, under load.
    monitor = new LockWaitMonitor(url);
    start('v1');
    await dwell();
    const before: Snapshot[] = [];
    for (let p = 0; p < result.plan.phases.length; p++) {
      await deploy(p);
      before.push(await schemaSnapshot(migrator));
      active.push(Object.keys(workloads) as Version[]);
      for (const m of result.migrations.filter((x) => x.phase === p)) {
        const start = performance.now();
        await applyMigration(migrator, f.runner, result.files, m, 'up', exec);
        report.timeline.push({ what: `phase ${p + 1} ${m.migration.name}`, start, end: performance.now() });
        await dwell();
      }
      if (result.plan.phases[p].title === 'Backfill') {
        report.mismatches.push(...(await checkShapesAgree(f, migrator, `after phase ${p + 1}, under load`)));
      }
    }
    await deploy(result.plan.phases.length);
    await dwell();
    await dwell();
    // Every version that runs now gets through enough operations to be counted, however slow the machine.
    for (const w of Object.values(workloads)) await w?.reach(MIN_OPERATIONS);
    await stop('v1');
    await stop('v2');
    report.mismatches.push(...(await checkData(f, migrator, ledger, seededKeys, 'after the contract', ['v2'])));
    if (f.afterForward) report.mismatches.push(...(await f.afterForward(migrator, result, notices)));

    // Roll back phase by phase under the same traffic that ran while the phase went forward (the
    // versions that work with the shape before and after it), then stop it to check the data.
    let backfilled = result.plan.phases.findIndex((ph) => ph.title === 'Backfill');
    if (backfilled < 0) backfilled = Infinity;
    for (let p = result.plan.phases.length - 1; p >= 0; p--) {
      // A phase whose PLAN.md says to stop the application first rolls back without traffic.
      await runOnly(result.plan.phases[p].rollbackOffline ? [] : active[p]);
      const where = `rolling back phase ${p + 1} (${result.plan.phases[p].title})`;
      try {
        for (const m of result.migrations.filter((x) => x.phase === p).reverse()) {
          const began = performance.now();
          await applyMigration(migrator, f.runner, result.files, m, 'down', exec);
          report.timeline.push({ what: `rollback phase ${p + 1} ${m.migration.name}`, start: began, end: performance.now() });
          await dwell();
        }
        // The state is the one before this phase again: the plan's own verify must pass under load.
        for (const m of result.migrations.filter((x) => x.phase === p && x.migration.name === 'verify')) await applyMigration(migrator, f.runner, result.files, m, 'up', exec);
      } catch (err) {
        report.rollbackProblems.push(`${where} failed under load: ${(err as Error).message}`);
        break;
      }
      if (p > backfilled) report.rollbackProblems.push(...(await checkShapesAgree(f, migrator, `after ${where}, under load`)));
      await runOnly([]);
      // Rolling back the contract derives the old shape from the new one (lossy transforms): from
      // here on the old shape holds what was derived, until a version writes it again.
      if (p === result.plan.phases.length - 1 && f.derive) deriveOldShape(f, ledger, seededKeys);
      const diff = snapshotDiff(before[p], await schemaSnapshot(migrator));
      if (diff.length) report.rollbackProblems.push(`${where} left the schema different:\n    ${diff.join('\n    ')}`);
      report.rollbackProblems.push(...(await checkData(f, migrator, ledger, seededKeys, `after ${where}`, active[p])));
    }
    report.lockTimeoutRetries = exec.lockTimeoutRetries;
  } finally {
    for (const v of ['v1', 'v2'] as Version[]) await workloads[v]?.stop().then((s) => collect(s, v));
    if (monitor) {
      await monitor.stop();
      report.maxLockWaitMs = monitor.maxWaitMs;
      report.worstLockWait = monitor.worst;
    }
    await migrator.end().catch(() => undefined);
    report.wallMs = Date.now() - started;
    const during = report.timeline.find((t) => slowestAt >= t.start && slowestAt <= t.end);
    report.slowestDuring = during ? `${during.what} (${(during.end - during.start).toFixed(0)} ms)` : 'no migration (between steps)';
  }
  return report;
}
