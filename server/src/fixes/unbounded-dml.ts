/**
 * UPDATE or DELETE without WHERE → the same statement run in committed batches from a DO block,
 * by primary key when Lockstep knows a single-column one, else by block ranges (ctid).
 * It must run outside a transaction (the DO block COMMITs), and changes the statement's atomicity,
 * so it is a quick-fix only.
 */
import { inner, kindOf } from '../parse/ast';
import { batchedSql, singleKeyOf } from './backfill';
import { relationSql } from './sql';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'unbounded-dml',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || ctx.config.pgVersion < 11) return [];
    const kind = kindOf(stmt.ast);
    const s = inner(stmt.ast);
    if ((kind !== 'UpdateStmt' && kind !== 'DeleteStmt') || s.whereClause || s.fromClause || s.usingClause || s.returningList || s.withClause) return [];
    const table = relationSql(s.relation);
    const action = stmt.text.replace(/;\s*$/, '').trim();
    const key = singleKeyOf([ctx.schema, ctx.result.document.catalog], s.relation.relname);
    const verb = kind === 'UpdateStmt' ? 'update' : 'delete';
    return [
      {
        title: `Run the ${verb.toUpperCase()} in committed batches${key ? ` by ${key}` : ''}`,
        steps: [{ sql: batchedSql({ table, action, key }), tx: 'outside', slug: `${verb}_${s.relation.relname}_in_batches`, phase: 'backfill' }],
        safe: false,
      },
    ];
  },
};
