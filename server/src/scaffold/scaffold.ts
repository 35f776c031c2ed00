/**
 * The entry point (call initEngine() first: the generated files are linted): a kind and its arguments, the known schema and the workspace's runner in;
 * the plan and every file to create out (migrations in the runner's format, PLAN.md, verify.sql).
 */
import { DEFAULT_CONFIG, type LockstepConfig, type RunnerId } from '../config/types';
import { lintGenerated, type FileFinding } from './lintPass';
import { DEFAULT_PLAN_OPTIONS, ScaffoldError, type Plan, type PlanOptions } from './plan';
import { renderPlanMd } from './planMd';
import type { SchemaInfo } from './schema';
import { KINDS } from './kinds';
import type { KindArgs } from './kinds/shared';
import { writeMigrations, type GeneratedFile, type WriteContext, type WrittenMigration } from './runners/writers';
import type { FrameworkId } from '../frameworks/types';
import { frameworkById } from '../frameworks/registry';
import { frameworkPhaseCommands, lintFrameworkMigrations, writeFrameworkMigrations } from '../frameworks/scaffoldOutput';
import { catalogFromSql } from '../engine';
import { schemaSql } from './schemaSql';

export interface ScaffoldRequest {
  kind: string;
  args: KindArgs;
  schema: SchemaInfo;
  runner: RunnerId;
  /** Migrations folder relative to the workspace root, `/`-separated. */
  migrationsDir: string;
  /** Names already in the migrations folder (to continue the sequence). */
  existing: string[];
  sqitchPlan?: string;
  /** Drizzle's current `meta/_journal.json`, which the plan's first migrations are appended to. */
  drizzleJournal?: string;
  /** Defaults to `lockstep-plans/<slug>`. */
  planDir?: string;
  options?: Partial<PlanOptions>;
  now?: Date;
  /** The workspace's lint config (rule settings); the generated files are linted with it. */
  config?: LockstepConfig;
  /**
   * Write the migrations as this framework's own migrations (`--format knex` …) instead of SQL files;
   * `sample` is an existing migration whose language and module style they copy.
   */
  framework?: { id: FrameworkId; sample?: { name: string; text: string } };
}

export interface ScaffoldResult {
  plan: Plan;
  files: GeneratedFile[];
  migrations: WrittenMigration[];
  planDir: string;
  /** What Lockstep's linter still reports on the generated files (empty when all is clean). */
  findings: FileFinding[];
}

export function scaffold(request: ScaffoldRequest): ScaffoldResult {
  const kind = KINDS.find((k) => k.id === request.kind);
  if (!kind) throw new ScaffoldError(`unknown plan kind "${request.kind}"; kinds: ${KINDS.map((k) => k.id).join(', ')}`);
  const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...request.options };
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new ScaffoldError('--batch-size must be a positive integer');
  if (!Number.isInteger(options.pauseMs) || options.pauseMs < 0) throw new ScaffoldError('--pause-ms must be a non-negative integer');
  if (!/^\d+(\.\d+)?(us|ms|s|min|h|d)?$/.test(options.lockTimeout)) throw new ScaffoldError(`--lock-timeout "${options.lockTimeout}" is not a PostgreSQL duration such as 2s`);
  if (options.pgVersion < 11) throw new ScaffoldError('plans need PostgreSQL 11 or later (procedures that commit per batch)');
  for (const [name, message] of Object.entries(kind.retiredParams ?? {})) if (request.args[name] !== undefined) throw new ScaffoldError(message(request.args));
  const plan = kind.build(request.args, request.schema, options);
  const planDir = request.planDir ?? `lockstep-plans/${plan.slug}`;
  const ctx: WriteContext = {
    runner: request.runner,
    migrationsDir: request.migrationsDir.replace(/\\/g, '/').replace(/\/$/, ''),
    existing: { names: request.existing },
    sqitchPlan: request.sqitchPlan,
    drizzleJournal: request.drizzleJournal,
    planDir,
    now: request.now ?? new Date(),
  };
  const config = { ...(request.config ?? DEFAULT_CONFIG), pgVersion: options.pgVersion, runner: 'auto' as const, transaction: 'auto' as const };
  let files: GeneratedFile[];
  let migrations: WrittenMigration[];
  let findings: FileFinding[];
  let output: Parameters<typeof renderPlanMd>[5];
  const fw = request.framework;
  if (fw) {
    // A thin output layer: the same plan, written as the framework's migrations.
    const written = writeFrameworkMigrations(plan, fw.id, { migrationsDir: ctx.migrationsDir, existing: request.existing, sample: fw.sample, planDir, now: ctx.now });
    if (!written.ok) throw new ScaffoldError(written.reason);
    ({ files, migrations } = written);
    findings = lintFrameworkMigrations(fw.id, files, catalogFromSql(schemaSql(request.schema), config), config);
    output = { label: frameworkById(fw.id)?.label ?? fw.id, commands: (mine) => frameworkPhaseCommands(fw.id, mine) };
  } else {
    ({ files, migrations } = writeMigrations(plan, ctx));
    findings = lintGenerated(files, migrations, request.schema, config);
  }
  files.push({ path: `${planDir}/PLAN.md`, content: renderPlanMd(plan, request.runner, ctx, migrations, undefined, output) });
  files.push({ path: `${planDir}/verify.sql`, content: `-- ${plan.title}: run before the contract; every mismatched count must be 0.\n\n${plan.verifySql}` });
  return { plan, files, migrations, planDir, findings };
}
