/**
 * "Split into phases" for a framework migration: the SQL the framework sends (its extraction) is
 * split exactly as a SQL migration is (split/plan.ts, packed the way a runner that wraps each file
 * in a transaction needs), and each phase file is written back in the framework's own form
 * (FixIdioms.writeMigrations): the first phase replaces the document under its own name, the later
 * ones are new migrations the framework runs after it.
 */
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { lintText } from '../engine';
import { kindOf } from '../parse/ast';
import { splitMigration, type DeployPoint } from '../split/plan';
import { lintHostText, type HostLintResult } from './lint';
import type { FrameworkExtractor, MigrationToWrite } from './types';

export interface HostSplitOptions {
  text: string;
  path: string;
  framework: FrameworkExtractor;
  config: LockstepConfig;
  schema?: Catalog;
  /** Names in the document's folder. */
  siblings: readonly string[];
  now: Date;
}

export type HostSplitResult =
  | { ok: true; files: Array<{ path: string; text: string; phase: string; transactional: boolean }>; deploys: DeployPoint[]; note: { path: string; text: string } }
  | { ok: false; reason: string };

/** The description in the document's name (`add_referrer` in `20240101120000_add_referrer.js`). */
function descOf(path: string): string {
  const stem = basename(path).replace(/\.[^.]+$/, '');
  const desc = stem.replace(/^(?:Migration)?\d+[-_]?/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
  return desc.replace(/^_+|_+$/g, '') || 'migration';
}

export function splitHostMigration(options: HostSplitOptions): HostSplitResult {
  const { framework, config } = options;
  const write = framework.idioms.writeMigrations;
  if (!write) return { ok: false, reason: `Lockstep cannot write ${framework.label} migrations yet` };
  const linted = lintHostText(options.text, framework, { path: options.path, config, schema: options.schema });
  const skipped = linted.host.extraction.notAnalysed.filter((n) => n.section === 'up');
  if (skipped.length) return { ok: false, reason: `part of its up migration is not analysed (${[...new Set(skipped.map((n) => n.reason))].join('; ')}), so its phases cannot be written` };
  if (!linted.host.extraction.transaction.wrapped) {
    return { ok: false, reason: `it already runs outside ${framework.label}'s transaction; split it by hand or run \`lockstep scaffold\`` };
  }
  const desc = descOf(options.path);
  // Split the SQL as a Flyway script: one transaction per file, outside-transaction steps in files of their own.
  const sqlPath = join(dirname(options.path), `V1__${desc}.sql`);
  const split = splitMigration({
    text: linted.host.sql,
    path: sqlPath,
    config: { ...config, runner: 'flyway' },
    schema: options.schema,
    folder: { siblings: [`V1__${desc}.sql`], now: options.now },
  });
  if (!split.ok) return split;
  const parts: Array<{ phase: string; step: MigrationToWrite['up'] }> = [];
  for (const file of split.files) {
    const statements = lintText(file.text, { path: sqlPath, config: { ...config, runner: 'flyway' } })
      .document.statements.filter((s) => kindOf(s.ast) !== 'TransactionStmt')
      .map((s) => file.text.slice(s.span.start, s.span.end).replace(/;\s*$/, ''));
    // Outside a transaction each statement runs alone: one migration each.
    if (file.transactional) parts.push({ phase: file.phase, step: { kind: 'tx', statements } });
    else for (const statement of statements) parts.push({ phase: file.phase, step: { kind: 'single', statement } });
  }
  const seen = new Map<string, number>();
  const migrations: MigrationToWrite[] = parts.map((p, i) => {
    const n = (seen.get(p.phase) ?? 0) + 1;
    seen.set(p.phase, n);
    return {
      slug: `${desc}_${p.phase}${n > 1 ? `_${n}` : ''}`,
      header: [`Phase ${i + 1} of ${parts.length} (${p.phase}) of ${basename(options.path)}, split by Lockstep: see ${basename(notePath(options.path))}.`],
      up: p.step,
      down: { kind: 'tx', statements: [] },
    };
  });
  const phases = parts.map((p) => ({ phase: p.phase, transactional: p.step.kind === 'tx' }));
  const siblings = options.siblings.filter((s) => s !== basename(options.path));
  const written = write(migrations, { now: options.now, siblings, sample: { name: basename(options.path), text: options.text } });
  if (!written.ok) return written;
  const folder = dirname(options.path);
  const files = written.files.map((f, i) => ({ path: i === 0 ? options.path : join(folder, f.name), text: f.text, ...phases[i] }));
  const note = {
    path: notePath(options.path),
    text: [
      `# Split of ${basename(options.path)}`,
      '',
      `Lockstep split this ${framework.label} migration into phases that run in this order, with the deploys between them:`,
      '',
      ...files.flatMap((f, i) => [
        ...split.deploys.filter((d) => d.before === f.phase && files.findIndex((g) => g.phase === f.phase) === i).map((d) => `- **Deploy first:** ${d.reasons.join('; ')}`),
        `- \`${basename(f.path)}\`: ${f.phase}, ${f.transactional ? `in ${framework.label}'s transaction` : 'outside a transaction'}`,
      ]),
      '',
    ].join('\n'),
  };
  return { ok: true, files, deploys: split.deploys, note };
}

/** A cheap guess, for offering the action: a framework that writes migrations, a wrapped up migration of several statements, all analysed. */
export function worthSplittingHost(result: HostLintResult): boolean {
  const { extraction, framework } = result.host;
  const up = extraction.statements.filter((s) => s.section === 'up');
  return !!framework.idioms.writeMigrations && extraction.transaction.wrapped && up.length > 1 && !extraction.notAnalysed.some((n) => n.section === 'up') && !result.document.syntaxErrors.length;
}

function notePath(path: string): string {
  return path.replace(/\.[^.]+$/, '') + '.plan.md';
}
