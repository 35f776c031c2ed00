/**
 * `lockstep scaffold --format <framework>`: the plan's migrations written as the framework's own
 * migrations (FixIdioms.writeMigrations) instead of SQL files, the commands PLAN.md gives for each
 * phase in that framework's CLI, and the lint pass over the generated host files. A thin output
 * layer: the plan itself is the scaffold's, unchanged.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import type { Plan } from '../scaffold/plan';
import type { GeneratedFile, WrittenMigration } from '../scaffold/runners/writers';
import { layOut, lintHostText } from './lint';
import { naturalCompare } from '../history/naturalCompare';
import { detectFramework, frameworkById, FRAMEWORKS } from './registry';
import type { Finding } from '../findings';
import type { FrameworkExtractor, FrameworkId, MigrationToWrite, WriteStep } from './types';

export interface FrameworkOutputContext {
  migrationsDir: string;
  existing: readonly string[];
  /** An existing migration of the project, for its language and module style. */
  sample?: { name: string; text: string };
  planDir: string;
  now: Date;
}

/** Frameworks that can write whole migrations (the `--format` values). */
export function writableFrameworks(): FrameworkExtractor[] {
  return FRAMEWORKS.filter((f) => !!f.idioms.writeMigrations);
}

/** `lockstep-ignore` lines go in front of the first statement of the direction, inside its SQL string. */
function withIgnores(step: WriteStep, ignores: readonly string[] | undefined): WriteStep {
  if (!ignores?.length) return step;
  const prefix = `${ignores.join('\n')}\n`;
  return step.kind === 'single' ? { kind: 'single', statement: prefix + step.statement } : { kind: 'tx', statements: [prefix + step.statements[0], ...step.statements.slice(1)] };
}

export function writeFrameworkMigrations(
  plan: Plan,
  id: FrameworkId,
  ctx: FrameworkOutputContext,
): { ok: true; files: GeneratedFile[]; migrations: WrittenMigration[] } | { ok: false; reason: string } {
  const framework = frameworkById(id);
  if (!framework?.idioms.writeMigrations) return { ok: false, reason: `${framework?.label ?? id} cannot write scaffold migrations` };
  const all = plan.phases.flatMap((p, phase) => p.migrations.map((migration) => ({ migration, phase })));
  const total = all.length;
  const toWrite: MigrationToWrite[] = all.map(({ migration: m, phase }, i) => ({
    slug: `${plan.slug}_${m.name}`,
    header: [
      `Lockstep plan ${plan.slug}: ${plan.title}`,
      `Phase ${phase + 1} (${plan.phases[phase].title}), migration ${m.name} (${i + 1} of ${total}).`,
      m.summary,
      `See ${ctx.planDir}/PLAN.md before running it.`,
    ],
    up: withIgnores(m.up, m.ignores?.up),
    down: withIgnores(m.down, m.ignores?.down),
  }));
  const written = framework.idioms.writeMigrations(toWrite, { now: ctx.now, siblings: ctx.existing, sample: ctx.sample });
  if (!written.ok) return written;
  const at = (name: string) => (ctx.migrationsDir ? `${ctx.migrationsDir}/${name}` : name);
  const files = written.files.map((f) => ({ path: at(f.name), content: f.text }));
  const migrations = all.map(({ migration, phase }, i) => ({ migration, phase, version: written.files[i].name.replace(/\.[^.]+$/, ''), upPath: files[i].path, downPath: files[i].path }));
  return { ok: true, files, migrations };
}

/** Lint each generated migration's `up` in order, each against the schema the earlier ones leave (pruning unused generated ignores in place). */
export function lintFrameworkMigrations(id: FrameworkId, files: GeneratedFile[], schema: Catalog | undefined, config: LockstepConfig): Array<{ path: string; finding: Finding; excerpt: string }> {
  const framework = frameworkById(id)!;
  const out: Array<{ path: string; finding: Finding; excerpt: string }> = [];
  for (const f of files) {
    let result = lintHostText(f.content, framework, { path: f.path, config, schema });
    // The plan attaches explained ignores for rules that may fire; drop those that silenced nothing (as lintPass does for SQL files).
    const unused = result.findings.filter((x) => x.ruleId === 'unused-ignore' && /^--\s*lockstep-ignore/.test(f.content.slice(x.span.start)));
    if (unused.length) {
      for (const x of [...unused].sort((a, b) => b.span.start - a.span.start)) {
        const end = f.content.indexOf('\n', x.span.start);
        f.content = f.content.slice(0, x.span.start) + f.content.slice(end < 0 ? f.content.length : end + 1);
      }
      result = lintHostText(f.content, framework, { path: f.path, config, schema });
    }
    for (const finding of result.findings) out.push({ path: f.path, finding, excerpt: f.content.slice(finding.span.start, finding.span.end) });
    schema = result.document.catalog;
  }
  return out;
}

/** How to apply and roll back one phase with the framework's CLI (PLAN.md). */
export function frameworkPhaseCommands(id: FrameworkId, mine: readonly WrittenMigration[]): { apply: string[]; rollback: string[] } {
  const names = mine.map((m) => m.upPath.replace(/^.*\//, ''));
  const n = mine.length;
  const reverse = [...names].reverse();
  switch (id) {
    case 'knex':
      return { apply: names.map((f) => `npx knex migrate:up ${f}`), rollback: reverse.map((f) => `npx knex migrate:down ${f}`) };
    case 'typeorm':
      return {
        apply: [`npx typeorm migration:run -d <your data source> -t each   # runs every pending migration: add this phase's files in their own release`],
        rollback: Array.from({ length: n }, () => 'npx typeorm migration:revert -d <your data source>'),
      };
    case 'sequelize':
      return { apply: [`npx sequelize-cli db:migrate --to ${names[n - 1]}`], rollback: reverse.map((f) => `npx sequelize-cli db:migrate:undo --name ${f}`) };
    case 'node-pg-migrate':
      return { apply: [`npx node-pg-migrate up ${n}`], rollback: [`npx node-pg-migrate down ${n}`] };
    case 'rails': {
      const version = (f: string) => f.replace(/_.*$/, '');
      return { apply: names.map((f) => `bin/rails db:migrate:up VERSION=${version(f)}`), rollback: reverse.map((f) => `bin/rails db:migrate:down VERSION=${version(f)}`) };
    }
    case 'ecto':
      return { apply: [`mix ecto.migrate --to ${names[n - 1].replace(/_.*$/, '')}`], rollback: [`mix ecto.rollback --step ${n}`] };
    case 'django': {
      // The app label is the folder that holds migrations/.
      const app = /([^/]+)\/migrations\/[^/]+$/.exec(mine[0]?.upPath ?? '')?.[1] ?? '<app>';
      const stem = (f: string) => f.replace(/\.py$/, '');
      const before = `${String(Number(names[0].slice(0, 4)) - 1).padStart(4, '0')}   # the migration before this phase (zero for none)`;
      return { apply: [`python manage.py migrate ${app} ${stem(names[n - 1])}`], rollback: [`python manage.py migrate ${app} ${before}`] };
    }
    case 'alembic':
      return { apply: [`alembic upgrade ${names[n - 1].replace(/_.*$/, '')}`], rollback: [`alembic downgrade -${n}`] };
    default:
      return { apply: names.map(() => 'npx kysely migrate:up'), rollback: names.map(() => 'npx kysely migrate:down') };
  }
}

/** The framework of the workspace's existing migrations (the most common one), for `--format auto`. */
export function detectWorkspaceFramework(files: ReadonlyArray<{ name: string; text: string }>): { id: FrameworkId; sample: { name: string; text: string } } | undefined {
  const votes = new Map<FrameworkId, { n: number; sample: { name: string; text: string } }>();
  for (const f of files) {
    const fw = FRAMEWORKS.find((x) => x.idioms.writeMigrations && x.extensions.some((e) => f.name.toLowerCase().endsWith(e)) && x.detect(f.name, f.text));
    if (!fw) continue;
    const v = votes.get(fw.id) ?? { n: 0, sample: f };
    v.n++;
    v.sample = f; // the newest (names sort by timestamp)
    votes.set(fw.id, v);
  }
  const best = [...votes].sort((a, b) => b[1].n - a[1].n)[0];
  return best ? { id: best[0], sample: best[1].sample } : undefined;
}

/** The SQL the workspace's framework migrations send, in the order the framework runs them (the scaffold replays it for the schema). */
export function hostMigrationsSql(files: ReadonlyArray<{ name: string; text: string }>): string {
  return [...files]
    .sort((a, b) => naturalCompare(a.name, b.name))
    .map((f) => {
      const fw = detectFramework(f.name, f.text);
      return fw ? layOut(fw.extract(f.text, f.name)).sql : '';
    })
    .filter(Boolean)
    .join('\n;\n');
}
