/** REINDEX → REINDEX … CONCURRENTLY (PostgreSQL 12+), written after the object type keyword. */
import { as, inner, kindOf, list } from '../parse/ast';
import { insertAfter, statementWith, withSemicolon } from './sql';
import { tokensOf } from './tokens';
import type { FixProvider } from './types';

const TARGETS = new Set(['INDEX', 'TABLE', 'SCHEMA', 'DATABASE', 'SYSTEM']);

export const fix: FixProvider = {
  ruleId: 'require-concurrent-reindex',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'ReindexStmt' || ctx.config.pgVersion < 12) return [];
    if (list(inner(stmt.ast).params).some((p) => as(p, 'DefElem')?.defname === 'concurrently')) return [];
    // The first INDEX/TABLE/… outside the `(options)` list.
    const tokens = tokensOf(stmt);
    let depth = 0;
    const at = tokens.findIndex((t) => {
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      return depth === 0 && TARGETS.has(t.keyword);
    });
    if (at < 0) return [];
    const edits = [insertAfter(tokens[at], ' CONCURRENTLY')];
    return [
      {
        title: 'Rebuild it CONCURRENTLY',
        steps: [{ sql: withSemicolon(statementWith(stmt, edits)), tx: 'outside', edits, slug: 'reindex_concurrently' }],
        safe: true,
      },
    ];
  },
};
