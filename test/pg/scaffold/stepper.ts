/**
 * Step through one generated plan on real PostgreSQL, migration by migration, with other sessions
 * arranged around a chosen step: the deterministic half of the proof (each known race is staged
 * exactly, instead of hoped for under load).
 */
import pg from 'pg';
import { DEFAULT_CONFIG, type RunnerId } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { scaffold, type ScaffoldResult } from '../../../server/src/scaffold/scaffold';
import { schemaFromDatabase } from '../../../server/src/scaffold/dbSchema';
import type { WrittenMigration } from '../../../server/src/scaffold/runners/writers';
import type { PgCluster } from '../../support/pgCluster';
import { applyMigration, type ExecStats } from './runnerExec';

export class PlanStepper {
  readonly stats: ExecStats = { lockTimeoutRetries: 0, notices: [] };
  /** Migrations applied so far, in order. */
  readonly applied: WrittenMigration[] = [];

  private constructor(
    readonly cluster: PgCluster,
    readonly db: string,
    readonly migrator: pg.Client,
    readonly result: ScaffoldResult,
    readonly runner: RunnerId,
  ) {}

  /** A fresh database with `schema` and `seed`, and the plan scaffolded from its catalog. */
  static async create(cluster: PgCluster, db: string, schema: string, seed: string, kind: string, args: Record<string, string>, runner: RunnerId = 'plain', existing?: pg.Client): Promise<PlanStepper> {
    await initEngine();
    let migrator = existing;
    if (!migrator) {
      const admin = await cluster.client();
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.end();
      migrator = new pg.Client({ connectionString: cluster.connectionString(db), application_name: 'migrator' });
      await migrator.connect();
    }
    if (schema) await migrator.query(schema);
    if (seed) await migrator.query(seed);
    const result = scaffold({ kind, args, schema: await schemaFromDatabase(migrator), runner, migrationsDir: 'm', existing: [], options: { pgVersion: cluster.version, batchSize: 500, pauseMs: 0 }, config: DEFAULT_CONFIG });
    const stepper = new PlanStepper(cluster, db, migrator, result, runner);
    if (!existing) migrator.on('notice', (n) => stepper.stats.notices.push(n.message ?? ''));
    return stepper;
  }

  migration(name: string): WrittenMigration {
    const m = this.result.migrations.find((x) => x.migration.name === name);
    if (!m) throw new Error(`no migration ${name}; the plan has ${this.result.migrations.map((x) => x.migration.name).join(', ')}`);
    return m;
  }

  async up(m: WrittenMigration, client = this.migrator): Promise<void> {
    await applyMigration(client, this.runner, this.result.files, m, 'up', this.stats);
    this.applied.push(m);
  }

  async down(m: WrittenMigration, client = this.migrator): Promise<void> {
    await applyMigration(client, this.runner, this.result.files, m, 'down', this.stats);
    this.applied.splice(this.applied.lastIndexOf(m), 1);
  }

  /** Apply every migration before `name` (or all of them when `name` is undefined). */
  async upTo(name?: string): Promise<void> {
    for (const m of this.result.migrations.slice(this.applied.length)) {
      if (m.migration.name === name) return;
      await this.up(m);
    }
  }

  /** Roll back, last first, every applied migration after `name` (exclusive), or all. */
  async downTo(name?: string): Promise<void> {
    while (this.applied.length && this.applied[this.applied.length - 1].migration.name !== name) await this.down(this.applied[this.applied.length - 1]);
  }

  async session(name: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.cluster.connectionString(this.db), application_name: name });
    await c.connect();
    return c;
  }

  async close(): Promise<void> {
    await this.migrator.end().catch(() => undefined);
  }
}

/**
 * PLAN.md's "If an index build fails" section, as a user runs it: the query that finds an INVALID
 * index of the plan, and the DROP INDEX CONCURRENTLY statements of the recovery (then rerun the build).
 */
export function indexRecovery(result: ScaffoldResult): { detect: string; drops: string[] } {
  const planMd = result.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
  const at = planMd.indexOf('## If an index build fails');
  if (at < 0) throw new Error('PLAN.md has no "If an index build fails" section');
  const [detect, recover] = [...planMd.slice(at).matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
  return { detect, drops: recover.split('\n').filter((l) => l.startsWith('DROP INDEX')).map((l) => l.replace(/;.*$/, '')) };
}

/** The migration that builds an index concurrently (the first one, or the one that builds `name`). */
export function indexBuild(result: ScaffoldResult): WrittenMigration {
  const build = result.migrations.find((m) => m.migration.up.kind === 'single' && /CREATE (UNIQUE )?INDEX CONCURRENTLY/.test(m.migration.up.statement));
  if (!build) throw new Error('the plan builds no index concurrently');
  return build;
}

/** Wait until the session named `app` is blocked on a lock (read from pg_stat_activity). */
export async function blockedOnLock(observer: pg.Client, app: string, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const { rows } = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${app} never waited for a lock`);
}

/** The error code a promise rejects with, or 'ok'. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`;
  }
}
