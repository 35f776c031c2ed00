/**
 * A statement as the safe steps it should become: the rule fixes' rewrites, applied in place
 * (in an autocommit reading of the file, where every rewrite fits) and repeated on the edited
 * statement until no rule that has a rewrite flags it. Placement is split's job, so only the
 * rewrites are taken here, never the transaction moves or the timeout prelude.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { lintText, type LintResult } from '../engine';
import { providerFor } from '../fixes';
import { slugify } from '../fixes/names';
import { withSemicolon } from '../fixes/sql';
import type { Step, StepTransaction } from '../fixes/types';

/** Rules whose fix is about placement, which split does itself. */
const PLACEMENT_RULES = new Set(['concurrent-in-transaction', 'require-lock-timeout', 'unused-ignore']);
const MAX_DEPTH = 8;

export interface StepContext {
  path?: string;
  config: LockstepConfig;
  schema?: Catalog;
}

const STRICTNESS: readonly StepTransaction[] = ['same', 'separate', 'outside'];
function stricter(a: StepTransaction, b: StepTransaction): StepTransaction {
  return STRICTNESS.indexOf(a) >= STRICTNESS.indexOf(b) ? a : b;
}

/** `text` linted as split reads it: autocommit, where every rewrite fits in place. */
export function lintForSteps(text: string, ctx: StepContext): LintResult {
  return lintText(text, { path: ctx.path, config: { ...ctx.config, transaction: 'never' }, schema: ctx.schema });
}

/**
 * The steps statement `index` of `text` becomes. `linted` is `lintForSteps(text)` when the caller
 * has it: one lint of the file then serves every statement, and only flagged ones are linted again.
 */
export function stepsOf(text: string, index: number, ctx: StepContext, depth = 0, linted?: LintResult, handled: ReadonlySet<string> = new Set()): Step[] {
  const config = { ...ctx.config, transaction: 'never' as const };
  const result = linted ?? lintForSteps(text, ctx);
  const stmt = result.document.statements[index];
  if (!stmt) return [];
  // Already non-transactional (the user wrote CONCURRENTLY): it keeps needing no transaction around it.
  // A VALIDATE gains nothing in the transaction of its NOT VALID add: it needs a later one.
  const validates = stmt.locks.parts.length > 0 && stmt.locks.parts.every((p) => p.action === 'AT_ValidateConstraint');
  const own: Step = {
    sql: withSemicolon(stmt.text),
    tx: !stmt.locks.transactional ? 'outside' : validates ? 'separate' : 'same',
    slug: slugify(stmt.locks.parts[0]?.label ?? stmt.kind),
  };
  if (depth >= MAX_DEPTH) return [own];
  // A finding is known by its rule and where it sits in the statement (a rewrite that keeps the statement
  // unchanged, like set-not-null's, leaves its other findings where they were).
  const keyOf = (f: { ruleId: string; span: { start: number } }) => `${f.ruleId}@${f.span.start - stmt.span.start}`;
  for (const finding of result.findings) {
    if (finding.statementIndex !== index || PLACEMENT_RULES.has(finding.ruleId) || handled.has(keyOf(finding))) continue;
    const provider = providerFor(finding.ruleId);
    let rewrite;
    try {
      rewrite = provider?.rewrites?.({ text, result, finding, stmt, config, path: ctx.path, schema: ctx.schema })[0];
    } catch {
      rewrite = undefined;
    }
    if (!rewrite || rewrite.steps.length === 0) continue;
    const out: Step[] = [];
    for (const step of rewrite.steps) {
      const { edits, ...plain } = step;
      if (!edits) {
        out.push(plain);
        continue;
      }
      // The statement itself, edited or not: it may still be flagged for another reason (a second constraint).
      const edited = text.slice(0, stmt.span.start) + step.sql + text.slice(stmt.span.end);
      const again = stepsOf(edited, index, ctx, depth + 1, undefined, edits.length === 0 ? new Set([...handled, keyOf(finding)]) : new Set());
      if (again.length === 1) out.push({ ...again[0], tx: stricter(step.tx, again[0].tx), slug: step.slug, undo: step.undo ?? again[0].undo, phase: step.phase ?? again[0].phase });
      else out.push(...again.map((s, i) => (i === 0 ? { ...s, tx: stricter(step.tx, s.tx) } : s)));
    }
    return out;
  }
  return [own];
}
