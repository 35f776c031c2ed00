/**
 * DETACH PARTITION → DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), alone in its ALTER TABLE as
 * PostgreSQL requires. Not part of fix-all: it fails while the table has a DEFAULT partition,
 * which Lockstep cannot always see.
 */
import { as, inner, kindOf, list } from '../parse/ast';
import { docOffset, insertAfter, statementWith, withSemicolon } from './sql';
import { clauseEnd, tokenIndexAt, tokensOf } from './tokens';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'require-concurrent-detach',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt' || ctx.config.pgVersion < 14) return [];
    const cmds = list(inner(stmt.ast).cmds).map((c) => as(c, 'AlterTableCmd'));
    if (cmds.length !== 1 || cmds[0]?.subtype !== 'AT_DetachPartition') return [];
    const tokens = tokensOf(stmt);
    const partition = as(cmds[0].def, 'PartitionCmd');
    const start = tokenIndexAt(tokens, docOffset(stmt, partition?.name?.location) ?? Infinity);
    if (start >= tokens.length) return [];
    const edits = [insertAfter(tokens[clauseEnd(tokens, start)], ' CONCURRENTLY')];
    return [
      {
        title: 'Detach it CONCURRENTLY',
        steps: [{ sql: withSemicolon(statementWith(stmt, edits)), tx: 'outside', edits, slug: 'detach_partition_concurrently' }],
        safe: false,
      },
    ];
  },
};
