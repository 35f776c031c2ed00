/**
 * Back-to-back ALTER TABLEs on one table → one ALTER TABLE: this statement's subcommands join the
 * previous statement's, so the lock is queued for (or the table read) once. Same end state.
 */
import { alterSubcommands, sourceOf } from './sql';
import { deleteRange } from './textEdits';
import { tokensOf } from './tokens';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'combine-alters',
  inFixAll: true,
  edits(ctx) {
    const stmt = ctx.stmt;
    const previous = stmt && ctx.result.document.statements[stmt.index - 1];
    if (!stmt || !previous) return [];
    const mine = alterSubcommands(stmt);
    const theirs = alterSubcommands(previous);
    if (!mine?.length || !theirs?.length) return [];
    const tokens = tokensOf(stmt);
    const actions = sourceOf(stmt, tokens, mine[0][0], mine[mine.length - 1][1]);
    const before = tokensOf(previous)[theirs[theirs.length - 1][1]];
    return [
      {
        title: 'Combine with the previous ALTER TABLE',
        ruleId: 'combine-alters',
        edits: [{ start: before.end, end: before.end, newText: `, ${actions}` }, deleteRange(ctx.text, stmt.span.start, stmt.span.end)],
        files: [],
        safe: true,
      },
    ];
  },
};
