/**
 * Turn a Plan into files in the workspace runner's own format, with the transaction handling
 * each runner needs: `tx` steps run in one transaction (the runner's, or an explicit
 * BEGIN/COMMIT where the runner was told not to wrap), `single` steps run alone outside one.
 */
import type { RunnerId } from '../../config/types';
import { RUNNERS } from '../../document/runner';
import type { Migration, Plan, Step } from '../plan';
import { statementsOf } from '../plan';
import { body, explicit, header, ignoreLines, join } from './text';
import { nextVersions, type Existing } from './naming';
import { prismaPhaseCommands, writePrisma } from './prisma';
import { drizzlePhaseCommands, writeDrizzle } from './drizzle';

export interface GeneratedFile {
  /** Relative to the workspace root, with `/`. */
  path: string;
  content: string;
  /** `sqitch.plan` is an existing file the plan appends to; everything else is new. */
  appendsTo?: boolean;
  /** Lint it as this runner's file (a psql script next to Drizzle or Prisma migrations), not by its path. */
  lintAs?: RunnerId;
}

export interface WrittenMigration {
  migration: Migration;
  phase: number;
  /** Runner-level id: Flyway/golang-migrate/goose version, dbmate/Diesel timestamp, Sqitch change name. */
  version: string;
  upPath: string;
  downPath: string;
  /** Drizzle: the release that adds it to the journal (1: already there); undefined for a step run outside the migrator. */
  drizzleRelease?: number;
}

export interface WriteContext {
  runner: RunnerId;
  /** Migrations folder relative to the workspace root (Sqitch: the project folder holding sqitch.plan). */
  migrationsDir: string;
  existing: Existing;
  /** Current sqitch.plan text, if any. */
  sqitchPlan?: string;
  /** Current Drizzle `meta/_journal.json` text, if any. */
  drizzleJournal?: string;
  /** Where PLAN.md, verify.sql (and plain SQL rollback files) go. */
  planDir: string;
  now: Date;
}

export interface WriteResult {
  files: GeneratedFile[];
  migrations: WrittenMigration[];
}

const DIESEL_NO_TRANSACTION = 'metadata.toml sets run_in_transaction = false, so this BEGIN/COMMIT is the only transaction';

/** Lines that silence what is wrong only for how Diesel is told to run it (metadata.toml). */
function dieselIgnores(step: Step, noTransaction: boolean): string {
  if (!noTransaction || step.kind !== 'single' || !/\bCONCURRENTLY\b/i.test(step.statement)) return '';
  return '-- lockstep-ignore concurrent-in-transaction: metadata.toml sets run_in_transaction = false, so Diesel runs this outside a transaction\n';
}

const hasSingle = (m: Migration) => m.up.kind === 'single' || m.down.kind === 'single';

export function writeMigrations(plan: Plan, ctx: WriteContext): WriteResult {
  const all = plan.phases.flatMap((p, phase) => p.migrations.map((migration) => ({ migration, phase })));
  const versions = nextVersions(ctx.runner, ctx.existing, all.length, ctx.now);
  if (ctx.runner === 'prisma') return writePrisma(plan, ctx, versions, all);
  if (ctx.runner === 'drizzle') return writeDrizzle(plan, ctx, all);
  const dir = ctx.migrationsDir;
  const files: GeneratedFile[] = [];
  const written: WrittenMigration[] = [];
  const name = (m: Migration) => `${plan.slug}_${m.name}`;

  all.forEach(({ migration: m, phase }, i) => {
    const v = versions[i];
    const w = (upPath: string, downPath: string, version = v): WrittenMigration => ({ migration: m, phase, version, upPath, downPath });
    switch (ctx.runner) {
      case 'plain': {
        // psql runs each statement on its own, so `tx` steps carry their own BEGIN/COMMIT.
        const entry = w(join(dir, `${v}_${name(m)}.sql`), join(ctx.planDir, 'rollback', `${v}_${name(m)}_down.sql`));
        written.push(entry);
        files.push({ path: entry.upPath, content: `${header(plan, entry, all.length, 'up', ctx.planDir)}\n\n${ignoreLines(m, 'up')}${explicit(m.up)}\n` });
        files.push({ path: entry.downPath, content: `${header(plan, entry, all.length, 'down', ctx.planDir)}\n\n${ignoreLines(m, 'down')}${explicit(m.down)}\n` });
        break;
      }
      case 'flyway': {
        const entry = w(join(dir, `V${v}__${name(m)}.sql`), join(dir, `U${v}__${name(m)}.sql`));
        written.push(entry);
        // Flyway wraps every script in a transaction unless its script config says otherwise.
        for (const [path, step, dirn] of [[entry.upPath, m.up, 'up'], [entry.downPath, m.down, 'down']] as const) {
          files.push({ path, content: `${header(plan, entry, all.length, dirn, ctx.planDir)}\n\n${ignoreLines(m, dirn)}${body(statementsOf(step))}\n` });
          if (step.kind === 'single') files.push({ path: `${path}.conf`, content: 'executeInTransaction=false\n' });
        }
        break;
      }
      case 'golang-migrate': {
        // The whole file is sent as one query: several statements form one implicit transaction,
        // and a single statement runs on its own.
        const entry = w(join(dir, `${v}_${name(m)}.up.sql`), join(dir, `${v}_${name(m)}.down.sql`));
        written.push(entry);
        files.push({ path: entry.upPath, content: `${header(plan, entry, all.length, 'up', ctx.planDir)}\n\n${ignoreLines(m, 'up')}${body(statementsOf(m.up))}\n` });
        files.push({ path: entry.downPath, content: `${header(plan, entry, all.length, 'down', ctx.planDir)}\n\n${ignoreLines(m, 'down')}${body(statementsOf(m.down))}\n` });
        break;
      }
      case 'goose': {
        const entry = w(join(dir, `${v}_${name(m)}.sql`), join(dir, `${v}_${name(m)}.sql`));
        written.push(entry);
        const noTx = hasSingle(m);
        const section = (step: Step) => {
          if (noTx && step.kind === 'tx') return `-- +goose StatementBegin\n${explicit(step)}\n-- +goose StatementEnd`;
          return statementsOf(step)
            .map((s) => (s.includes('$') ? `-- +goose StatementBegin\n${s.trim()};\n-- +goose StatementEnd` : `${s.trim()};`))
            .join('\n\n');
        };
        files.push({
          path: entry.upPath,
          content: `${noTx ? '-- +goose NO TRANSACTION\n' : ''}${header(plan, entry, all.length, 'both', ctx.planDir)}\n\n-- +goose Up\n${ignoreLines(m, 'up')}${section(m.up)}\n\n-- +goose Down\n${ignoreLines(m, 'down')}${section(m.down)}\n`,
        });
        break;
      }
      case 'dbmate': {
        const entry = w(join(dir, `${v}_${name(m)}.sql`), join(dir, `${v}_${name(m)}.sql`));
        written.push(entry);
        const marker = (dirn: 'up' | 'down', step: Step) => `-- migrate:${dirn}${step.kind === 'single' ? ' transaction:false' : ''}`;
        files.push({
          path: entry.upPath,
          content: `${header(plan, entry, all.length, 'both', ctx.planDir)}\n\n${marker('up', m.up)}\n${ignoreLines(m, 'up')}${body(statementsOf(m.up))}\n\n${marker('down', m.down)}\n${ignoreLines(m, 'down')}${body(statementsOf(m.down))}\n`,
        });
        break;
      }
      case 'sqitch': {
        const change = name(m);
        const entry = w(join(dir, 'deploy', `${change}.sql`), join(dir, 'revert', `${change}.sql`), change);
        written.push(entry);
        files.push({ path: entry.upPath, content: `${header(plan, entry, all.length, 'up', ctx.planDir)}\n\n${ignoreLines(m, 'up')}${explicit(m.up)}\n` });
        files.push({ path: entry.downPath, content: `${header(plan, entry, all.length, 'down', ctx.planDir)}\n\n${ignoreLines(m, 'down')}${explicit(m.down)}\n` });
        const checks = m.verify.length ? m.verify : ['SELECT 1'];
        files.push({
          path: join(dir, 'verify', `${change}.sql`),
          content: `-- Verify ${change}: fails unless it is deployed.\n\nBEGIN;\n\n${body(checks)}\n\nROLLBACK;\n`,
        });
        break;
      }
      case 'diesel': {
        const folder = join(dir, `${v}_${name(m)}`);
        const entry = w(join(folder, 'up.sql'), join(folder, 'down.sql'));
        written.push(entry);
        const noTx = hasSingle(m);
        const text = (step: Step) => (noTx ? explicit(step, DIESEL_NO_TRANSACTION) : body(statementsOf(step)));
        files.push({ path: entry.upPath, content: `${header(plan, entry, all.length, 'up', ctx.planDir)}\n\n${ignoreLines(m, 'up')}${dieselIgnores(m.up, noTx)}${text(m.up)}\n` });
        files.push({ path: entry.downPath, content: `${header(plan, entry, all.length, 'down', ctx.planDir)}\n\n${ignoreLines(m, 'down')}${dieselIgnores(m.down, noTx)}${text(m.down)}\n` });
        if (noTx) files.push({ path: join(folder, 'metadata.toml'), content: 'run_in_transaction = false\n' });
        break;
      }
    }
  });

  if (ctx.runner === 'sqitch') files.push(sqitchPlanFile(plan, ctx, written));
  return { files, migrations: written };
}

function sqitchPlanFile(plan: Plan, ctx: WriteContext, written: WrittenMigration[]): GeneratedFile {
  const existing = ctx.sqitchPlan ?? `%syntax-version=1.0.0\n%project=${plan.slug}\n\n`;
  // Keep the planner of the last change, so the plan reads as one history.
  const lastChange = existing
    .split('\n')
    .filter((l) => /^[A-Za-z0-9_]/.test(l) && !l.startsWith('%'))
    .pop();
  const planner = /\s(\S[^<]*<[^>]+>)/.exec(lastChange?.replace(/^\S+\s+(\[[^\]]*\]\s+)?\S+/, '') ?? '')?.[1]?.trim() ?? 'Lockstep <lockstep@localhost>';
  const stamp = ctx.now.toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = written.map((w, i) => {
    const requires = i > 0 ? ` [${written[i - 1].version}]` : '';
    return `${w.version}${requires} ${stamp} ${planner} # ${w.migration.summary.replace(/\s+/g, ' ').slice(0, 120)}`;
  });
  return { path: join(ctx.migrationsDir, 'sqitch.plan'), content: `${existing.replace(/\n*$/, '\n')}${lines.join('\n')}\n`, appendsTo: ctx.sqitchPlan !== undefined };
}

/** How to apply and roll back one phase with this runner (PLAN.md). */
export function phaseCommands(runner: RunnerId, ctx: WriteContext, phaseMigrations: WrittenMigration[], before: WrittenMigration | undefined): { apply: string[]; rollback: string[] } {
  const n = phaseMigrations.length;
  const last = phaseMigrations[n - 1];
  const dir = ctx.migrationsDir;
  switch (runner) {
    // Runners without a scaffold writer of their own (yet) get plain psql commands.
    case 'plain':
    default:
      return {
        apply: phaseMigrations.map((m) => `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${m.upPath}`),
        rollback: [...phaseMigrations].reverse().map((m) => `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${m.downPath}`),
      };
    case 'flyway':
      return {
        apply: [`flyway -locations=filesystem:${dir} migrate -target=${last.version}`],
        rollback: [`flyway -locations=filesystem:${dir} undo -target=${phaseMigrations[0].version}   # Flyway Teams; on Community run the U${phaseMigrations[0].version}… files newest first with psql`],
      };
    case 'golang-migrate':
      return { apply: [`migrate -path ${dir} -database "$DATABASE_URL" up ${n}`], rollback: [`migrate -path ${dir} -database "$DATABASE_URL" down ${n}`] };
    case 'goose':
      return {
        apply: [`goose -dir ${dir} postgres "$DATABASE_URL" up-to ${last.version}`],
        rollback: [`goose -dir ${dir} postgres "$DATABASE_URL" down-to ${before?.version ?? lastExisting(runner, ctx) ?? '0'}`],
      };
    case 'dbmate':
      return {
        apply: [`dbmate --migrations-dir ${dir} up   # applies every pending file: add this phase's files in their own release`],
        rollback: Array.from({ length: n }, () => `dbmate --migrations-dir ${dir} rollback`),
      };
    case 'sqitch':
      return {
        apply: [`sqitch deploy --to ${last.version}`],
        rollback: [`sqitch revert --to ${before?.version ?? lastExisting(runner, ctx) ?? '@ROOT'} -y`],
      };
    case 'prisma':
      return prismaPhaseCommands(ctx, phaseMigrations);
    case 'drizzle':
      return drizzlePhaseCommands(ctx, phaseMigrations);
    case 'diesel':
      return {
        apply: [`diesel migration run --migration-dir ${dir}   # runs every pending migration: add this phase's folders in their own release`],
        rollback: Array.from({ length: n }, () => `diesel migration revert --migration-dir ${dir}`),
      };
  }
}

/** The newest migration that was there before the plan (what rolling back its first phase returns to). */
function lastExisting(runner: RunnerId, ctx: WriteContext): string | undefined {
  if (runner === 'sqitch') {
    return (ctx.sqitchPlan ?? '')
      .split('\n')
      .filter((l) => /^[A-Za-z0-9_]/.test(l) && !l.startsWith('%'))
      .map((l) => l.split(/\s/)[0])
      .pop();
  }
  const versions = ctx.existing.names.map((n) => /^(\d+)_/.exec(n)?.[1]).filter((v): v is string => !!v);
  return versions.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).pop();
}

export function runnerLabel(runner: RunnerId): string {
  return RUNNERS[runner].label;
}
