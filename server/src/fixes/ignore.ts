/** Ignore comments, offered on every finding: for this statement, or for the whole file. */
import { eolOf, insertLinesBefore } from './textEdits';
import type { Fix, FixContext } from './types';

/** Findings about the file rather than a rule decision: ignoring them would hide broken SQL. */
const NOT_IGNORABLE = new Set(['syntax-error', 'unused-ignore']);

export const IGNORE_REASON = 'TODO say why this is safe';

export function ignoreFixes(ctx: FixContext): Fix[] {
  const id = ctx.finding.ruleId;
  if (NOT_IGNORABLE.has(id)) return [];
  const fixes: Fix[] = [];
  if (ctx.stmt && ctx.finding.statementIndex !== undefined) {
    fixes.push({
      title: `Ignore ${id} for this statement`,
      ruleId: id,
      edits: [insertLinesBefore(ctx.text, ctx.stmt.span.start, [`-- lockstep-ignore ${id}: ${IGNORE_REASON}`])],
      files: [],
      safe: false,
    });
  }
  const bom = ctx.text.charCodeAt(0) === 0xfeff ? 1 : 0;
  fixes.push({
    title: `Ignore ${id} in this file`,
    ruleId: id,
    edits: [{ start: bom, end: bom, newText: `-- lockstep-ignore-file ${id}: ${IGNORE_REASON}${eolOf(ctx.text)}` }],
    files: [],
    safe: false,
  });
  return fixes;
}
