/**
 * `SET statement_timeout = 0;` right before the CONCURRENTLY statement. Outside a transaction, so a
 * plain SET: it lasts for the rest of the session, which is what later long statements want too.
 * Where the runner sends the file as one query string (golang-migrate), verification turns it down.
 */
import { inner, kindOf } from '../parse/ast';
import { previousIgnoringSets } from '../rules/sessionSetting';
import { insertLinesBefore } from './textEdits';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'timeout-cancels-concurrent-build',
  inFixAll: true,
  edits(ctx) {
    if (!ctx.stmt) return [];
    // Before the guard that drops a leftover of the same build, so the two stay together.
    const previous = previousIgnoringSets(ctx.result.document, ctx.stmt);
    const guarded = previous && previous.index === ctx.stmt.index - 1 && kindOf(previous.ast) === 'DropStmt' && inner(previous.ast).removeType === 'OBJECT_INDEX' && inner(previous.ast).missing_ok;
    const at = guarded ? previous.span.start : ctx.stmt.span.start;
    const edits = [insertLinesBefore(ctx.text, at, ['SET statement_timeout = 0;'])];
    return [{ title: 'Turn statement_timeout off before it (SET statement_timeout = 0)', ruleId: 'timeout-cancels-concurrent-build', edits, files: [], safe: true }];
  },
};
