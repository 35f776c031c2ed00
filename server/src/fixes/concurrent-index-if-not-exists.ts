/**
 * CREATE INDEX CONCURRENTLY IF NOT EXISTS → `DROP INDEX CONCURRENTLY IF EXISTS` first and no IF NOT
 * EXISTS: a rerun then removes the INVALID leftover of a failed build and builds the index again.
 * Where the DROP cannot share the file (golang-migrate, dbmate, Diesel send it as one query string),
 * verification turns that form down and only dropping IF NOT EXISTS is left: a rerun then stops loudly.
 */
import { inner, kindOf } from '../parse/ast';
import { quoteIdent } from './names';
import { insertLinesBefore } from './textEdits';
import { findKeyword, tokensOf } from './tokens';
import type { Fix, FixProvider, TextEdit } from './types';

export const fix: FixProvider = {
  ruleId: 'concurrent-index-if-not-exists',
  inFixAll: true,
  edits(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'IndexStmt') return [];
    const s = inner(stmt.ast);
    if (!s.concurrent || !s.if_not_exists || !s.idxname) return [];
    const tokens = tokensOf(stmt);
    const at = findKeyword(tokens, 'IF');
    if (at < 0 || tokens[at + 1]?.keyword !== 'NOT' || tokens[at + 2]?.keyword !== 'EXISTS') return [];
    // Remove `IF NOT EXISTS` and the space after it.
    const end = tokens[at + 3]?.start ?? tokens[at + 2].end;
    const unguard: TextEdit = { start: tokens[at].start, end, newText: '' };
    const name = [s.relation?.schemaname, s.idxname].filter(Boolean).map(quoteIdent).join('.');
    const drop = insertLinesBefore(ctx.text, stmt.span.start, [`DROP INDEX CONCURRENTLY IF EXISTS ${name};`]);
    const make = (title: string, edits: TextEdit[]): Fix => ({ title, ruleId: 'concurrent-index-if-not-exists', edits, files: [], safe: true });
    return [
      make(`Drop a leftover INVALID ${s.idxname} first, without IF NOT EXISTS`, [drop, unguard]),
      make('Remove IF NOT EXISTS (a rerun then stops at a leftover INVALID index)', [unguard]),
    ];
  },
};
