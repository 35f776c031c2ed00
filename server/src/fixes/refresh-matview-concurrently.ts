/**
 * REFRESH MATERIALIZED VIEW → … CONCURRENTLY. Offered only when Lockstep has seen an index on the
 * view (CONCURRENTLY needs a UNIQUE one); never part of fix-all, since a populated view and a
 * UNIQUE index are preconditions it cannot always check.
 */
import { inner, kindOf } from '../parse/ast';
import { insertAfter, statementWith, withSemicolon } from './sql';
import { findKeyword, tokensOf } from './tokens';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'refresh-matview-concurrently',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'RefreshMatViewStmt') return [];
    const view = inner(stmt.ast).relation?.relname;
    const catalogs = [ctx.schema, ctx.result.document.catalog];
    if (!view || !catalogs.some((c) => c && c.indexesOf(view).length > 0)) return [];
    const at = findKeyword(tokensOf(stmt), 'VIEW');
    if (at < 0) return [];
    const edits = [insertAfter(tokensOf(stmt)[at], ' CONCURRENTLY')];
    return [{ title: 'Refresh it CONCURRENTLY', steps: [{ sql: withSemicolon(statementWith(stmt, edits)), tx: 'same', edits, slug: 'refresh_concurrently' }], safe: false }];
  },
};
