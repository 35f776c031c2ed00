/** What the `lockstep run` suites share: a file loaded as the CLI loads it, and a scaffolded backfill ready to run. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { lintText } from '../../server/src/engine';
import type { RunFile, RunReport } from '../../server/src/run/execute';
import { unitsOf } from '../../server/src/run/units';

export function fileOf(name: string, text: string): RunFile {
  const units = unitsOf(lintText(text, { path: name, config: DEFAULT_CONFIG }).document);
  if (!units.ok) throw new Error(units.problem);
  return { displayPath: name, text, units: units.units };
}

export interface ScaffoldedBackfill {
  /** The backfill phase's file name, in `<dir>/migrations`. */
  backfill: string;
  /** That file, named `migrations/<backfill>` (relative to `dir`). */
  file: RunFile;
}

/**
 * A rename-column plan (people.email → email_address) scaffolded by the built CLI (dist/cli.js)
 * into `<dir>/migrations`: the table is created with `rows` rows and the expand phase applied
 * through `apply`. Every fill of the new column is counted per row in table `fills`, so a batch
 * done twice would count twice.
 */
export async function scaffoldedBackfill(
  dir: string,
  admin: pg.Client,
  apply: (file: RunFile) => Promise<RunReport>,
  plan: { rows: number; batchSize: number; pauseMs: number },
): Promise<ScaffoldedBackfill> {
  const cli = join(__dirname, '../../dist/cli.js');
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  writeFileSync(join(migrations, '0001_people.sql'), 'CREATE TABLE people (id bigserial PRIMARY KEY, email text NOT NULL);\n');
  const args = ['scaffold', 'rename-column', '--table', 'people', '--column', 'email', '--to', 'email_address', '--dir', 'migrations', '--batch-size', String(plan.batchSize), '--pause-ms', String(plan.pauseMs)];
  const scaffold = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(scaffold.status, 0, scaffold.stderr);
  const read = (f: string) => readFileSync(join(migrations, f), 'utf8');
  const phase = (suffix: string) => readdirSync(migrations).find((f) => f.endsWith(suffix))!;
  const created = await apply(fileOf('0001_people.sql', read('0001_people.sql')));
  assert.equal(created.ok, true, created.error);
  await admin.query(`INSERT INTO people (email) SELECT 'p' || g || '@example.com' FROM generate_series(1, ${plan.rows}) g; ANALYZE people`);
  const expanded = await apply(fileOf(phase('_expand.sql'), read(phase('_expand.sql'))));
  assert.equal(expanded.ok, true, expanded.error);
  await admin.query(`
    CREATE TABLE fills (id bigint NOT NULL);
    CREATE FUNCTION count_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO fills VALUES (NEW.id); RETURN NULL; END $$;
    CREATE TRIGGER count_fill AFTER UPDATE ON people FOR EACH ROW WHEN (OLD.email_address IS NULL AND NEW.email_address IS NOT NULL) EXECUTE FUNCTION count_fill();`);
  const backfill = phase('_backfill.sql');
  return { backfill, file: fileOf(join('migrations', backfill), read(backfill)) };
}

/**
 * A trigger on people that holds a batch at a row (every row, or those `when` matches) while the
 * test holds advisory lock 42. It polls a try-lock instead of waiting on the lock: a backfill batch
 * waits for a lock a tenth of deadlock_timeout at most, then lets go of its rows and retries
 * (scaffold/engines/common.ts, batchLoop), and the tests need a batch that stays where it is.
 */
export function batchGateSql(when = ''): string {
  return `CREATE FUNCTION gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WHILE NOT pg_try_advisory_lock_shared(42) LOOP PERFORM pg_sleep(0.01); END LOOP;
  PERFORM pg_advisory_unlock_shared(42);
  RETURN NEW;
END $$;
CREATE TRIGGER gate BEFORE UPDATE ON people FOR EACH ROW${when ? ` WHEN (${when})` : ''} EXECUTE FUNCTION gate();`;
}

/** Whether the session named `applicationName` sits in batchGateSql's gate. */
export const inBatchGate = (c: pg.Client, applicationName: string) => async (): Promise<boolean> =>
  (await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep'", [applicationName])).rows[0].n > 0;
