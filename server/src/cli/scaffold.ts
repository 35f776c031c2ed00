/**
 * `lockstep scaffold <kind> …`: write an expand → migrate → contract plan into the workspace, in
 * its runner's format, with PLAN.md. The schema comes from a database (--database-url, read-only)
 * or from replaying the workspace's earlier migrations.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RunnerId } from '../config/types';
import { initEngine } from '../engine';
import { ScaffoldError, type PlanOptions } from '../scaffold/plan';
import { KINDS } from '../scaffold/kinds';
import { scaffold, type ScaffoldRequest } from '../scaffold/scaffold';
import { detectWorkspaceFramework, hostMigrationsSql, writableFrameworks } from '../frameworks/scaffoldOutput';
import { frameworkById, isHostPath } from '../frameworks/registry';
import { blockerText, isBlocker } from '../scaffold/planMd';
import { schemaFromSql, type SchemaInfo } from '../scaffold/schema';
import { schemaFromDatabase } from '../scaffold/dbSchema';
import { findMigrationsDir, loadWorkspace, migrationTexts, replaySchema, type Workspace } from '../scaffold/workspace';
import { schemaFromPglite } from '../scaffold/pgliteSchema';
import type { LockstepConfig } from '../config/types';
import { ConfigResolver } from './configs';
import type { Subcommand } from './commands';
import type { CliIO } from './run';
import { atLeast } from './report';

const RUNNER_IDS: RunnerId[] = ['plain', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'sqitch', 'diesel', 'prisma', 'drizzle'];
/** SQL-file frameworks: `--format prisma` is their runner's layout (migration folders, Drizzle's journal). */
const SQL_FRAMEWORKS: RunnerId[] = ['prisma', 'drizzle'];
const SQL_FRAMEWORK_DIRS: Partial<Record<RunnerId, string>> = { prisma: 'prisma/migrations', drizzle: 'drizzle' };

const COMMON = `Options:
  --runner <id>          ${RUNNER_IDS.join(', ')} (default: the config's, else detected from the existing files)
  --format <f>           how to write the migrations: sql (the runner's files), ${[...writableFrameworks().map((f) => f.id), ...SQL_FRAMEWORKS].join(', ')}
                         (that framework's own migrations), or auto (default: a framework whose migrations are
                         already in the folder, else sql; Prisma and Drizzle folders are found as runners)
  --dir <path>           migrations folder (default: found under the working folder)
  --name <plan>          the plan's name (default from the kind and table, e.g. rename_users_email): names
                         every object and file it creates, so two plans on one table do not collide
  --plan-dir <path>      where PLAN.md and verify.sql go (default: lockstep-plans/<plan>)
  --database-url <url>   read the schema from this database (read-only catalog queries) instead of the migrations
  --batch-size <n>       rows per backfill batch (default 5000)
  --pause-ms <n>         pause between batches (default 50)
  --lock-timeout <dur>   lock_timeout of every DDL transaction (default: the config's, 2s)
  --pg-version <n>       target PostgreSQL major version (default: the config's)
  --config <file>        lockstep.config.json to use
  --dry-run              print what would be written, write nothing
  --stdout               print every file instead of writing
  --list                 list the plan kinds and their options`;

export const HELP = `Usage: lockstep scaffold <kind> [--<param> <value> …] [options]

Writes a zero-downtime plan: ordered migrations in your runner's format (each with a rollback),
backfill procedures, verification queries and PLAN.md.

Kinds:
${KINDS.map((k) => `  ${k.id.padEnd(21)} ${k.title}`).join('\n')}

${COMMON}

Examples:
  lockstep scaffold rename-column --table users --column email --to email_address
  lockstep scaffold split-column --table people --column full_name --into first_name,last_name --preset last-space --min-accuracy 99.9
  lockstep scaffold normalize --table patients --parts "patient_addresses=street,city,zip" --history "patient_contacts=phone,email"
`;

interface Parsed {
  kind?: string;
  values: Record<string, string>;
  flags: Set<string>;
}

const BOOLEAN_FLAGS = new Set(['dry-run', 'stdout', 'list', 'help']);

function parse(argv: string[]): Parsed {
  const out: Parsed = { values: {}, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') { out.flags.add('help'); continue; }
    if (!a.startsWith('--')) {
      if (out.kind) throw new ScaffoldError(`unexpected argument "${a}"`);
      out.kind = a;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (BOOLEAN_FLAGS.has(name)) { out.flags.add(name); continue; }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ScaffoldError(`--${name} needs a value`);
    out.values[name] = value;
  }
  return out;
}

const OPTION_NAMES = ['name', 'format', 'runner', 'dir', 'plan-dir', 'database-url', 'batch-size', 'pause-ms', 'lock-timeout', 'pg-version', 'config'];

function listKinds(): string {
  return KINDS.map((k) => `${k.id} — ${k.title}\n  ${k.description}\n${k.params.map((p) => `  --${p.name.padEnd(12)} ${p.required ? '(required) ' : ''}${p.help}${p.choices ? ` [${p.choices.join(', ')}]` : ''}`).join('\n')}`).join('\n\n') + '\n';
}

async function readDatabase(url: string): Promise<SchemaInfo> {
  const { default: pg } = await import('pg');
  // Read-only, and only catalog queries: the scaffold never changes the database.
  const client = new pg.Client({ connectionString: url, options: '-c default_transaction_read_only=on', connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await schemaFromDatabase(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Without a database: a primary-key change needs every dependent, so the earlier migrations are
 * replayed into embedded PostgreSQL (PGlite); other kinds (and a PGlite failure) use the catalog.
 */
async function replay(kind: string, ws: Workspace, config: LockstepConfig, io: CliIO): Promise<SchemaInfo> {
  if (kind !== 'change-primary-key' || !ws.upFiles.length) return replaySchema(ws, config);
  try {
    const { schema, failed } = await schemaFromPglite(migrationTexts(ws), config);
    if (failed) io.writeErr(`lockstep scaffold: ${failed} statement(s) of the earlier migrations failed on embedded PostgreSQL; the schema may be incomplete\n`);
    return schema;
  } catch (err) {
    io.writeErr(`lockstep scaffold: embedded PostgreSQL did not start (${(err as Error).message}); replaying with Lockstep's catalog instead\n`);
    return replaySchema(ws, config);
  }
}

/** `--format`: a framework's migrations, or the runner's SQL files. `auto`: the framework of the migrations already in the folder. */
function pickFormat(format: string | undefined, hosts: Array<{ name: string; text: string }>): ScaffoldRequest['framework'] {
  if (format === 'sql' || SQL_FRAMEWORKS.includes(format as RunnerId)) return undefined;
  const found = detectWorkspaceFramework(hosts);
  if (!format || format === 'auto') return found;
  const fw = writableFrameworks().find((f) => f.id === format);
  if (!fw) throw new ScaffoldError(`--format must be sql, auto or one of ${writableFrameworks().map((f) => f.id).join(', ')}`);
  return { id: fw.id, sample: found?.id === fw.id ? found.sample : undefined };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.writeErr(`lockstep scaffold: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (parsed.flags.has('help') || (!parsed.kind && !parsed.flags.has('list'))) {
    io.writeOut(HELP);
    return parsed.flags.has('help') ? 0 : 2;
  }
  if (parsed.flags.has('list')) {
    io.writeOut(listKinds());
    return 0;
  }
  const kind = KINDS.find((k) => k.id === parsed.kind);
  if (!kind) {
    io.writeErr(`lockstep scaffold: unknown kind "${parsed.kind}"; kinds: ${KINDS.map((k) => k.id).join(', ')}\n`);
    return 2;
  }
  const retired = Object.keys(parsed.values).find((n) => kind.retiredParams?.[n]);
  if (retired) {
    io.writeErr(`lockstep scaffold: ${kind.retiredParams![retired](parsed.values)}\n`);
    return 2;
  }
  const unknown = Object.keys(parsed.values).filter((n) => !OPTION_NAMES.includes(n) && !kind.params.some((p) => p.name === n));
  if (unknown.length) {
    io.writeErr(`lockstep scaffold: ${kind.id} has no option ${unknown.map((u) => `--${u}`).join(', ')}; its options: ${kind.params.map((p) => `--${p.name}`).join(', ')}\n`);
    return 2;
  }
  const v = parsed.values;
  try {
    const resolver = new ConfigResolver(io.cwd, v.config);
    const { config, problems } = resolver.configFor(join(io.cwd, 'lockstep-scaffold.sql'));
    for (const p of problems) io.writeErr(`lockstep: ${p.file}: ${p.message}\n`);
    if (v.runner && !RUNNER_IDS.includes(v.runner as RunnerId)) throw new ScaffoldError(`--runner must be one of ${RUNNER_IDS.join(', ')}`);
    const sqlFramework = SQL_FRAMEWORKS.find((r) => r === v.format);
    if (sqlFramework && v.runner && v.runner !== sqlFramework) throw new ScaffoldError(`--format ${sqlFramework} writes ${sqlFramework} migrations: drop --runner ${v.runner}`);
    // A first Prisma or Drizzle migration goes where the tool keeps them.
    const dir = v.dir ?? (sqlFramework && !existsSync(join(io.cwd, findMigrationsDir(io.cwd))) ? SQL_FRAMEWORK_DIRS[sqlFramework] : undefined);
    const ws = loadWorkspace(io.cwd, { runner: sqlFramework ?? (v.runner as RunnerId | undefined) ?? config.runner }, dir);
    await initEngine();
    const hosts = ws.existing.filter((n) => isHostPath(n)).map((name) => ({ name, text: readText(join(ws.root, ws.migrationsDir, name)) }));
    const framework = pickFormat(v.format, hosts);
    // A framework's migrations are replayed from the SQL Lockstep extracts from them.
    const schema = v['database-url'] ? await readDatabase(v['database-url']) : framework && !ws.upFiles.length ? schemaFromSql(hostMigrationsSql(hosts), config) : await replay(kind.id, ws, config, io);
    const options: Partial<PlanOptions> = {
      lockTimeout: v['lock-timeout'] ?? config.lockTimeout,
      pgVersion: v['pg-version'] ? Number(v['pg-version']) : config.pgVersion,
      ...(v['batch-size'] ? { batchSize: Number(v['batch-size']) } : {}),
      ...(v['pause-ms'] ? { pauseMs: Number(v['pause-ms']) } : {}),
    };
    const args = { ...Object.fromEntries(kind.params.map((p) => [p.name, v[p.name]])), name: v.name };
    const result = scaffold({
      kind: kind.id, args, schema, runner: ws.runner, migrationsDir: ws.migrationsDir, existing: ws.existing, sqitchPlan: ws.sqitchPlan, drizzleJournal: ws.drizzleJournal,
      planDir: v['plan-dir'], options, config, framework,
    });
    const clash = result.files.filter((f) => !f.appendsTo && existsSync(join(io.cwd, f.path)));
    if (clash.length) throw new ScaffoldError(`these files already exist, nothing was written: ${clash.map((f) => f.path).join(', ')}`);
    const replayed = framework && !ws.upFiles.length ? hosts.length : ws.upFiles.length;
    const from = schema.source === 'database' ? 'the database' : `${replayed} earlier migration${replayed === 1 ? '' : 's'}${schema.source === 'pglite' ? ' replayed into embedded PostgreSQL' : ''}`;
    const format = framework ? `${frameworkById(framework.id)!.label} migrations (${v.format && v.format !== 'auto' ? '--format' : `like ${framework.sample?.name}`})` : `${ws.runner} (${ws.runnerReason})`;
    io.writeErr(`lockstep scaffold: ${result.plan.title} — ${format}, schema from ${from}\n`);
    if (parsed.flags.has('stdout')) {
      for (const f of result.files) io.writeOut(`==> ${f.path} <==\n${f.content}\n`);
    } else {
      for (const f of result.files) {
        if (!parsed.flags.has('dry-run')) {
          const path = resolve(io.cwd, f.path);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, f.content);
        }
        io.writeOut(`${parsed.flags.has('dry-run') ? 'would write' : f.appendsTo ? 'appended' : 'wrote'} ${f.path}\n`);
      }
    }
    for (const n of result.plan.notes.filter(isBlocker)) io.writeErr(`lockstep scaffold: warning: ${blockerText(n)}\n`);
    for (const f of result.findings) io.writeErr(`lockstep: ${f.path}: ${f.finding.severity}: ${f.finding.message} [${f.finding.ruleId}]\n`);
    io.writeErr(`${result.plan.phases.length} phases, ${result.migrations.length} migrations; read ${result.planDir}/PLAN.md before applying anything.\n`);
    // The same bar as `lockstep lint` (--fail-on warning): a hint or an info is reported, not a failure.
    return result.findings.some((f) => atLeast(f.finding.severity, 'warning')) ? 1 : 0;
  } catch (err) {
    if (err instanceof ScaffoldError) {
      io.writeErr(`lockstep scaffold: ${err.message}\n`);
      return 2;
    }
    const e = err as Error & { code?: string };
    if (e.code && /^(ECONN|ENOTFOUND|28|3D|08)/.test(e.code)) {
      io.writeErr(`lockstep scaffold: cannot read the database: ${e.message}\n`);
      return 2;
    }
    throw err;
  }
}

export const scaffoldCommand: Subcommand = {
  summary: 'write an expand → migrate → contract plan (lockstep scaffold --list)',
  run,
};
