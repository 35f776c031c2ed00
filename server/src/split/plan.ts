/**
 * "Split into phases": a migration becomes expand → backfill → contract migrations, with the
 * application deploys that must happen between them. Each flagged statement first becomes its safe
 * steps (the fixes' rewrites); each step is classified; the phases are packed into migration files
 * the runner's way (a fresh file where a step needs a new transaction or none); every transactional
 * file gets the timeout prelude; and every file is linted, in order, against the schema the ones
 * before it leave. The first phase stays in the document's own file.
 */
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig, RunnerId } from '../config/types';
import { isRollbackFile, RUNNERS } from '../document/runner';
import { createdEarlier, type StatementInfo } from '../document/model';
import { lintText, type LintResult } from '../engine';
import { fixableRuleIds, providerFor } from '../fixes';
import type { Finding } from '../findings';
import { FOLDER_PER_MIGRATION, nextMigrationPaths, ONE_STATEMENT_OUTSIDE, ownMigrationPaths, packSteps, preludeFits, renderMigration, type PackedFile } from '../fixes/migrationFiles';
import { fixAll } from '../fixes/fixAll';
import { LOCK_TIMEOUT_RULE } from '../fixes/prelude';
import { applyEdits, insertLinesBefore } from '../fixes/textEdits';
import type { MigrationFolder, NewFile, Phase, Step } from '../fixes/types';
import { parseChunk } from '../parse/pgParser';
import { baseName, inner, kindOf, rangeVarName, type AstNode } from '../parse/ast';
import { classify, laterPhase, PHASE_ORDER, type Classified } from './classify';
import { introducedNames, mentionedNames } from './dependencies';
import { planNote } from './note';
import { lintForSteps, stepsOf } from './steps';

export interface SplitOptions {
  text: string;
  /** The migration's path; its name and folder decide the new files' names. */
  path: string;
  config: LockstepConfig;
  schema?: Catalog;
  folder: MigrationFolder;
}

export interface PlannedStep extends Classified {
  step: Step;
  /** The statement of the original migration it comes from. */
  origin: AstNode;
}

export interface PlannedFile {
  phase: Phase;
  path: string;
  text: string;
  /** Down files, Flyway .conf, Diesel metadata.toml. */
  companions: NewFile[];
  transactional: boolean;
  steps: PlannedStep[];
}

export interface DeployPoint {
  /** The deploy goes right before this phase. */
  before: Phase;
  reasons: string[];
}

export type SplitResult =
  | {
      ok: true;
      runner: RunnerId;
      /** The document's new text: the first phase file. */
      documentText: string;
      /** Files in run order; the first is the document itself. */
      files: PlannedFile[];
      deploys: DeployPoint[];
      note: NewFile;
      /** Findings left in the generated files (none when every rewrite applied). */
      remaining: Array<{ path: string; findings: Finding[] }>;
    }
  | { ok: false; reason: string };

const TIMEOUT_SETTINGS = new Set(['lock_timeout', 'statement_timeout']);

function stepAst(sql: string): AstNode | undefined {
  const parsed = parseChunk({ kind: 'sql', span: { start: 0, end: sql.length }, text: sql });
  return parsed.ok ? (parsed.statements[0]?.ast as AstNode | undefined) : undefined;
}

/**
 * A cheap guess, for offering the action: statements of more than one phase, or a flagged one whose
 * rewrite may need files of its own, in a file whose runner and name let Lockstep name new migrations.
 */
export function worthSplitting(result: LintResult, path: string | undefined): boolean {
  const doc = result.document;
  if (!path || doc.runner === 'sqitch' || isRollbackFile(path) || !ownMigrationPaths(doc.runner, path) || doc.syntaxErrors.length) return false;
  const phases = new Set(doc.statements.filter((s) => s.section !== 'down' && kindOf(s.ast) !== 'TransactionStmt' && kindOf(s.ast) !== 'VariableSetStmt').map((s) => classify(s.ast as AstNode).phase));
  return phases.size > 1 || result.findings.some((f) => !!providerFor(f.ruleId)?.rewrites);
}

export function splitMigration(options: SplitOptions): SplitResult {
  const { text, path, config } = options;
  const result = lintText(text, { path, config, schema: options.schema });
  const doc = result.document;
  if (doc.syntaxErrors.length) return { ok: false, reason: 'the migration has syntax errors; fix them first' };
  if (doc.runner === 'sqitch') return { ok: false, reason: 'Sqitch orders changes in sqitch.plan: add each phase with `sqitch add` (the plan note lists them)' };
  if (doc.runner === 'drizzle') {
    return { ok: false, reason: "Drizzle's migrator runs every pending migration in one transaction, so phases need separate releases and the journal: `lockstep scaffold` writes them (docs/frameworks/drizzle.md)" };
  }
  if (isRollbackFile(path)) return { ok: false, reason: 'it is a down migration: it undoes a rollout rather than making one' };
  const own = ownMigrationPaths(doc.runner, path);
  if (!own) return { ok: false, reason: `the file name does not follow ${RUNNERS[doc.runner].label}'s numbered naming, so the next phases cannot be named` };

  // 1. Each statement of the up migration as its safe steps, classified.
  const planned: PlannedStep[] = [];
  const introducedAt: Array<{ names: Set<string>; phase: Phase }> = [];
  // `DROP … IF EXISTS x` right before creating x clears a failed run's leftover: it moves with the creation.
  const guards: PlannedStep[] = [];
  const statements = doc.statements.filter(
    (stmt) =>
      stmt.section !== 'down' &&
      kindOf(stmt.ast) !== 'TransactionStmt' &&
      !(kindOf(stmt.ast) === 'VariableSetStmt' && TIMEOUT_SETTINGS.has(inner(stmt.ast).name)), // preludes are regenerated
  );
  const stepContext = { path, config, schema: options.schema };
  const forSteps = lintForSteps(text, stepContext);
  statements.forEach((stmt, at) => {
    const mentions = mentionedNames(stmt.ast);
    // Never before what it builds on.
    let floor: Phase = 'expand';
    for (const earlier of introducedAt) if ([...earlier.names].some((n) => mentions.has(n))) floor = laterPhase(floor, earlier.phase);
    let phase = floor;
    // Finishing an object this migration created (its index, its foreign key): nobody uses it yet, so it
    // stays with the creation rather than becoming a contract step on a table that then looks old.
    const target = inner(stmt.ast).relation ? baseName(rangeVarName(inner(stmt.ast).relation)) : undefined;
    const touched = target ? [target] : stmt.locks.effects.filter((e) => !e.implied && !e.created).map((e) => e.object);
    const onNewObjects = touched.length > 0 && touched.every((o) => createdEarlier(doc, o, stmt.index));
    const steps = stepsOf(text, stmt.index, stepContext, 0, forSteps);
    const asts = steps.map((step) => stepAst(step.sql));
    steps.forEach((step, i) => {
      const ast = asts[i];
      const next = i + 1 < asts.length ? asts[i + 1] : (statements[at + 1]?.ast as AstNode | undefined);
      if (isGuard(ast, next)) {
        // A generated guard alone in its own migration (one statement per file outside a transaction) protects nothing.
        if (ONE_STATEMENT_OUTSIDE.has(doc.runner) && kindOf(stmt.ast) !== 'DropStmt') return;
        guards.push({ phase, why: 'drops a leftover of a failed earlier run first', breaksOldCode: false, step, origin: stmt.ast as AstNode });
        return;
      }
      const c = onNewObjects
        ? { phase: floor, why: 'finishes something this migration creates', breaksOldCode: false }
        : ast
          ? classify(ast)
          : { phase: 'expand' as Phase, why: 'unparsed', breaksOldCode: false };
      phase = laterPhase(phase, step.phase ?? c.phase);
      for (const g of guards.splice(0)) planned.push({ ...g, phase });
      planned.push({ ...c, phase, step, origin: stmt.ast as AstNode });
    });
    introducedAt.push({ names: introducedNames(stmt.ast), phase });
  });
  planned.push(...guards);
  if (planned.length === 0) return { ok: false, reason: 'the migration has no statements to split' };
  // 2. Deploys between phases.
  const deploys = deployPoints(planned);
  const byPhase = PHASE_ORDER.map((phase) => ({ phase, steps: planned.filter((p) => p.phase === phase) })).filter((g) => g.steps.length);

  // 3. Files: a runner that wraps files packs each phase by transaction needs; psql runs statement by statement.
  const wraps = RUNNERS[doc.runner].transaction !== 'none' || config.transaction === 'always';
  const packs: Array<{ phase: Phase; file: PackedFile; planned: PlannedStep[] }> = [];
  for (const group of byPhase) {
    const files = wraps
      ? packSteps(doc.runner, group.steps.map((p) => p.step), config.pgVersion)
      : [{ steps: group.steps.map((p) => p.step), transactional: group.steps.every((p) => p.step.tx !== 'outside') }];
    let at = 0;
    for (const file of files) {
      packs.push({ phase: group.phase, file, planned: group.steps.slice(at, at + file.steps.length) });
      at += file.steps.length;
    }
  }
  if (packs.length === 1) {
    const rename = renameScaffold(statements);
    if (rename) return { ok: false, reason: rename };
    return { ok: false, reason: `nothing to split: it is all one ${packs[0].phase} migration (fix-all applies its safe rewrites)` };
  }
  const descOf = (i: number) => {
    const samePhase = packs.filter((p) => p.phase === packs[i].phase);
    const n = samePhase.indexOf(packs[i]);
    return `${ownDesc(doc.runner, path)}_${packs[i].phase}${samePhase.length > 1 && n > 0 ? `_${n + 1}` : ''}`;
  };
  const later = nextMigrationPaths(doc.runner, path, options.folder, packs.slice(1).map((_, i) => descOf(i + 1)));
  if (!later) return { ok: false, reason: `cannot name new ${RUNNERS[doc.runner].label} migrations next to ${basename(path)}` };
  const paths = [{ ...own, down: undefined, conf: own.conf, metadata: own.metadata }, ...later];

  // 4. Render, add preludes, lint in order.
  const files: PlannedFile[] = [];
  const remaining: Array<{ path: string; findings: Finding[] }> = [];
  let schema = options.schema;
  packs.forEach((pack, i) => {
    const rendered = renderMigration(doc.runner, paths[i], pack.file, config);
    const upFile = rendered.files.find((f) => f.path === rendered.upPath)!;
    const lintConfig = rendered.outsideByMetadata ? { ...config, transaction: 'never' as const } : config;
    // The safe fixes (the timeout prelude, IF [NOT] EXISTS, combined ALTERs …), where a SET fits the file.
    // Not in a one-statement file outside a transaction: a second statement would share an implicit one.
    const oneStatement = !pack.file.transactional && ONE_STATEMENT_OUTSIDE.has(doc.runner);
    const safeRules = oneStatement ? [] : fixableRuleIds(true).filter((id) => id !== LOCK_TIMEOUT_RULE || preludeFits(doc.runner, pack.file));
    let withPrelude = fixAll(upFile.text, { path: upFile.path, config: lintConfig, schema, ruleIds: safeRules }).text;
    // After the deploy the plan calls for, no running code uses what these statements remove: say so.
    if (deploys.some((d) => PHASE_ORDER.indexOf(d.before) <= PHASE_ORDER.indexOf(pack.phase))) {
      withPrelude = ignoreAfterDeploy(withPrelude, { path: upFile.path, config: lintConfig, schema }, basename(notePathOf(doc.runner, path)));
    }
    const linted = lintText(withPrelude, { path: upFile.path, config: lintConfig, schema });
    if (linted.findings.length) remaining.push({ path: upFile.path, findings: linted.findings });
    schema = linted.document.catalog;
    files.push({
      phase: pack.phase,
      path: upFile.path,
      text: withPrelude,
      companions: rendered.files.filter((f) => f.path !== rendered.upPath && !(i === 0 && f.path === paths[0].down)),
      transactional: pack.file.transactional,
      steps: pack.planned,
    });
  });
  const note = planNote({ path, runner: doc.runner, files, deploys, remaining, notePath: notePathOf(doc.runner, path) });
  files[0] = { ...files[0], text: headerOf(text, doc.statements[0]?.span.start ?? text.length, note.path) + files[0].text };
  return { ok: true, runner: doc.runner, documentText: files[0].text, files, deploys, note, remaining };
}

function isGuard(ast: AstNode | undefined, next: AstNode | undefined): boolean {
  if (!ast || !next || kindOf(ast) !== 'DropStmt' || !inner(ast).missing_ok) return false;
  const created = introducedNames(next);
  return [...mentionedNames(ast)].some((n) => created.has(n));
}

/** Rules about code that still uses what a statement removes or renames: a deploy before it answers them. */
const ANSWERED_BY_DEPLOY = new Set(['drop-column', 'drop-table', 'rename-column', 'rename-table']);

function ignoreAfterDeploy(text: string, options: { path: string; config: LockstepConfig; schema?: Catalog }, note: string): string {
  const result = lintText(text, options);
  // One comment per statement, naming each rule once.
  const byStatement = new Map<number, Set<string>>();
  for (const f of result.findings) {
    if (!ANSWERED_BY_DEPLOY.has(f.ruleId) || f.statementIndex === undefined) continue;
    byStatement.set(f.statementIndex, (byStatement.get(f.statementIndex) ?? new Set()).add(f.ruleId));
  }
  const edits = [...byStatement].map(([index, rules]) =>
    insertLinesBefore(text, result.document.statements[index].span.start, [
      `-- lockstep-ignore ${[...rules].join(', ')}: runs after the deploy that ${note} calls for, when no running code uses it`,
    ]),
  );
  try {
    return applyEdits(text, edits);
  } catch {
    return text;
  }
}

/** The deploys a phase needs before it: code that no longer reads what contract removes; code that writes what backfill fills. */
function deployPoints(planned: readonly PlannedStep[]): DeployPoint[] {
  const deploys: DeployPoint[] = [];
  const contract = planned.filter((p) => p.phase === 'contract' && p.breaksOldCode).map((p) => p.why);
  // A column added with no default stays NULL for rows the old code inserts after the backfill.
  const noDefault = new Set<string>();
  for (const p of planned.filter((q) => q.phase === 'expand')) {
    const ast = stepAst(p.step.sql);
    for (const cmd of kindOf(ast) === 'AlterTableStmt' ? inner(ast).cmds ?? [] : []) {
      const c = cmd.AlterTableCmd ?? {};
      if (c.subtype === 'AT_AddColumn' && !(c.def?.ColumnDef?.constraints ?? []).some((k: AstNode) => k.Constraint?.contype === 'CONSTR_DEFAULT')) noDefault.add(c.def?.ColumnDef?.colname);
      if (c.subtype === 'AT_ColumnDefault' && c.def) noDefault.delete(c.name);
    }
  }
  // The original UPDATE says which columns it fills, also once it became a batched DO block.
  const filled = planned
    .filter((p) => p.phase === 'backfill' && kindOf(p.origin) === 'UpdateStmt')
    .flatMap((p) => (inner(p.origin).targetList ?? []).map((t: AstNode) => t.ResTarget?.name as string))
    .filter((c: string) => noDefault.has(c));
  if (filled.length) {
    deploys.push({ before: 'backfill', reasons: [`deploy code that writes ${[...new Set(filled)].join(', ')} for new rows, or rows inserted after the backfill stay unfilled`] });
  }
  if (contract.length) deploys.push({ before: 'contract', reasons: [...new Set(contract)] });
  return deploys;
}

/** The description part of the document's name (`add_referrer` in `20240101120000_add_referrer.sql`). */
function ownDesc(runner: RunnerId, path: string): string {
  // Diesel and Prisma name the folder, not the file (`up.sql`, `migration.sql`).
  const name = FOLDER_PER_MIGRATION.has(runner) ? basename(dirname(path)) : basename(path);
  const m = /^(?:V\d+(?:[._]\d+)*__|\d{4}-\d{2}-\d{2}-\d{6}_|\d+_)(.+?)(?:\.(?:up|down))?(?:\.sql)?$/i.exec(name);
  return m ? m[1] : 'migration';
}

function notePathOf(runner: RunnerId, path: string): string {
  if (FOLDER_PER_MIGRATION.has(runner)) return join(dirname(path), 'plan.md');
  return path.replace(/(\.(up|down))?\.sql$/i, '') + '.plan.md';
}

/** The comments that opened the original file, and a line pointing at the plan. */
function headerOf(text: string, firstStatement: number, notePath: string): string {
  const lines = text.slice(0, firstStatement).split(/\r?\n/).filter((l) => /^\s*--/.test(l) && !/^--\s*(\+goose|migrate:)/i.test(l));
  return [...lines, `-- Phase 1 of a split migration: see ${basename(notePath)} for the phases and the deploys between them.`, ''].join('\n');
}

/**
 * A rename cannot be split into phases of the same statement: old code needs the old name until it
 * is gone. The plan that does the job (a new column or a view kept in step, then the switch) is a scaffold.
 */
function renameScaffold(statements: readonly StatementInfo[]): string | undefined {
  for (const stmt of statements) {
    if (kindOf(stmt.ast) !== 'RenameStmt') continue;
    const s = inner(stmt.ast);
    const table = baseName(rangeVarName(s.relation));
    const command =
      s.renameType === 'OBJECT_COLUMN'
        ? `lockstep scaffold rename-column --table ${table} --column ${s.subname} --to ${s.newname}`
        : s.renameType === 'OBJECT_TABLE'
          ? `lockstep scaffold rename-table --table ${table} --to ${s.newname}`
          : undefined;
    if (!command) continue;
    return (
      `a rename is one step that breaks the code still using the old name, so no order of phases makes it safe. ` +
      `Run \`${command}\` (or "Lockstep: Scaffold Migration Plan…") for the expand → migrate → contract plan that does it without downtime`
    );
  }
  return undefined;
}
