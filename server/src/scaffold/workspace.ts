/**
 * What the scaffold needs from the workspace on disk: the migrations folder, the runner (from
 * config, else from the existing files' names and markers), the names already there (to continue
 * the sequence), and the schema the earlier migrations build, replayed in the runner's order.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LockstepConfig, RunnerId } from '../config/types';
import { detectRunner } from '../document/runner';
import { splitSql } from '../parse/split';
import { emptySchema, schemaFromSql, type SchemaInfo } from './schema';

/** Where migrations usually live, most specific first. */
const CANDIDATES = ['prisma/migrations', 'drizzle', 'db/migrations', 'db/migration', 'src/main/resources/db/migration', 'database/migrations', 'sql/migrations', 'migrations', 'sqitch', 'sql'];

export interface Workspace {
  root: string;
  /** Relative to root, `/`-separated ('' for the root itself). */
  migrationsDir: string;
  runner: RunnerId;
  /** Why that runner (for messages). */
  runnerReason: string;
  existing: string[];
  sqitchPlan?: string;
  /** Drizzle's `meta/_journal.json` text. */
  drizzleJournal?: string;
  /** Up migrations in the order the runner applies them (paths relative to root). */
  upFiles: string[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The migrations folder: `dir` if given, else the first usual place that has .sql files (or sqitch.plan). */
export function findMigrationsDir(root: string, dir?: string): string {
  if (dir) return relative(root, join(root, dir)).replace(/\\/g, '/');
  if (existsSync(join(root, 'sqitch.plan'))) return '';
  for (const c of CANDIDATES) {
    const full = join(root, c);
    if (!isDir(full)) continue;
    const names = safeList(full);
    if (names.includes('sqitch.plan') || existsSync(join(full, DRIZZLE_JOURNAL)) || names.some((n) => n.endsWith('.sql') || isMigrationFolder(full, n))) return c;
  }
  return 'migrations';
}

const DRIZZLE_JOURNAL = 'meta/_journal.json';
/** Diesel (`up.sql`) and Prisma (`migration.sql`) keep one folder per migration. */
const isMigrationFolder = (dir: string, n: string) => existsSync(join(dir, n, 'up.sql')) || existsSync(join(dir, n, 'migration.sql'));

export function loadWorkspace(root: string, config: Pick<LockstepConfig, 'runner'>, dir?: string): Workspace {
  const migrationsDir = findMigrationsDir(root, dir);
  const full = join(root, migrationsDir);
  const existing = safeList(full);
  const sqitchPlan = existing.includes('sqitch.plan') ? read(join(full, 'sqitch.plan')) : undefined;
  const drizzleJournal = existsSync(join(full, DRIZZLE_JOURNAL)) ? read(join(full, DRIZZLE_JOURNAL)) : undefined;
  const { runner, reason } = pickRunner(full, existing, sqitchPlan !== undefined, config.runner, drizzleJournal !== undefined);
  return { root, migrationsDir, runner, runnerReason: reason, existing, sqitchPlan, drizzleJournal, upFiles: upFiles(root, migrationsDir, runner, existing, sqitchPlan, drizzleJournal) };
}

function pickRunner(dir: string, names: string[], sqitch: boolean, configured: RunnerId | 'auto', drizzle: boolean): { runner: RunnerId; reason: string } {
  if (configured !== 'auto') return { runner: configured, reason: 'set in the configuration' };
  if (sqitch) return { runner: 'sqitch', reason: 'sqitch.plan' };
  if (drizzle) return { runner: 'drizzle', reason: DRIZZLE_JOURNAL };
  if (names.some((n) => existsSync(join(dir, n, 'migration.sql')))) return { runner: 'prisma', reason: 'folders with migration.sql' };
  if (names.some((n) => existsSync(join(dir, n, 'up.sql')))) return { runner: 'diesel', reason: 'folders with up.sql' };
  const votes = new Map<RunnerId, number>();
  for (const n of names.filter((x) => x.endsWith('.sql'))) {
    const text = read(join(dir, n));
    const r = detectRunner(n, splitSql(text.slice(0, 4000)).markers, 'auto');
    votes.set(r, (votes.get(r) ?? 0) + 1);
  }
  const best = [...votes].filter(([r]) => r !== 'plain').sort((a, b) => b[1] - a[1])[0];
  if (best) return { runner: best[0], reason: `${best[1]} existing file${best[1] > 1 ? 's' : ''} look like ${best[0]}` };
  return { runner: 'plain', reason: names.some((n) => n.endsWith('.sql')) ? 'plain numbered SQL files' : 'no existing migrations (plain SQL)' };
}

const num = (s: string) => Number(/^[VU]?(\d+)/i.exec(s)?.[1] ?? NaN);

function upFiles(root: string, dirRel: string, runner: RunnerId, names: string[], sqitchPlan?: string, drizzleJournal?: string): string[] {
  const at = (n: string) => (dirRel ? `${dirRel}/${n}` : n);
  switch (runner) {
    case 'flyway':
      return names.filter((n) => /^V\d/i.test(n) && n.endsWith('.sql')).sort((a, b) => num(a) - num(b) || a.localeCompare(b)).map(at);
    case 'golang-migrate':
      return names.filter((n) => /\.up\.sql$/i.test(n)).sort((a, b) => num(a) - num(b)).map(at);
    case 'goose':
    case 'dbmate':
    case 'plain':
    default:
      return names.filter((n) => /^\d/.test(n) && n.endsWith('.sql')).sort((a, b) => num(a) - num(b) || a.localeCompare(b)).map(at);
    case 'diesel':
      return names.filter((n) => existsSync(join(root, dirRel, n, 'up.sql'))).sort().map((n) => at(`${n}/up.sql`));
    case 'prisma':
      // Prisma applies the folders in name order.
      return names.filter((n) => existsSync(join(root, dirRel, n, 'migration.sql'))).sort().map((n) => at(`${n}/migration.sql`));
    case 'drizzle':
      return drizzleTags(drizzleJournal).map((t) => at(`${t}.sql`)).filter((p) => existsSync(join(root, p)));
    case 'sqitch': {
      const changes = (sqitchPlan ?? '')
        .split('\n')
        .filter((l) => /^[A-Za-z0-9_]/.test(l) && !l.startsWith('%'))
        .map((l) => l.split(/\s/)[0]);
      return changes.map((c) => at(`deploy/${c}.sql`)).filter((p) => existsSync(join(root, p)));
    }
  }
}

/** Journal order is the order Drizzle's migrator applies them in. */
function drizzleTags(journal: string | undefined): string[] {
  try {
    const entries = (JSON.parse(journal ?? '{}') as { entries?: Array<{ tag?: unknown }> }).entries;
    return Array.isArray(entries) ? entries.map((e) => e.tag).filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The earlier migrations' text, in the order the runner applies them. */
export function migrationTexts(ws: Workspace): Array<{ path: string; text: string }> {
  return ws.upFiles.map((f) => ({ path: join(ws.root, f), text: read(join(ws.root, f)) }));
}

/** The schema the workspace's migrations build, replayed with Lockstep's catalog (the parser must be loaded). */
export function replaySchema(ws: Workspace, config: LockstepConfig): SchemaInfo {
  if (!ws.upFiles.length) return emptySchema();
  return schemaFromSql(migrationTexts(ws).map((f) => f.text).join('\n;\n'), config);
}
