/**
 * ADD COLUMN … NOT NULL without a DEFAULT → add it nullable now; make it NOT NULL in a later
 * migration, once code that writes it is deployed and existing rows are backfilled (only the user
 * knows their values, so Lockstep writes no backfill here). On PostgreSQL 12+ the later migration
 * takes the scan-free path through a validated CHECK.
 */
import { as, inner, kindOf } from '../parse/ast';
import { notNullCheckName, notNullSteps, setNotNullStep } from './notNull';
import { columnConstraintRanges, cutTokens, docOffset, relationSql, statementWith, withSemicolon } from './sql';
import type { FixProvider, Step } from './types';

export const fix: FixProvider = {
  ruleId: 'required-column',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt') return [];
    const column = stmt.locks.parts
      .filter((p) => p.action === 'AT_AddColumn')
      .map((p) => as(as(p.node, 'AlterTableCmd')?.def, 'ColumnDef'))
      .find((c) => c && docOffset(stmt, c.location) === ctx.finding.span.start);
    if (!column?.colname) return [];
    const notNull = columnConstraintRanges(stmt, column).find((r) => r.constraint.contype === 'CONSTR_NOTNULL');
    if (!notNull) return [];
    const s = inner(stmt.ast);
    const table = relationSql(s.relation);
    const name = column.colname as string;
    const edits = [cutTokens(stmt, notNull.from, notNull.to)];
    const later: Step[] =
      ctx.config.pgVersion >= 12
        ? notNullSteps(table, name, notNullCheckName(ctx.result.document, ctx.schema, s.relation.relname, name), setNotNullStep(table, name))
        : [setNotNullStep(table, name)];
    later[0] = { ...later[0], deferred: `code that writes ${name} is deployed, and existing rows of ${s.relation.relname} are backfilled`, phase: 'contract' };
    return [
      {
        title: `Add ${name} nullable now, SET NOT NULL in a later migration once it is filled`,
        steps: [{ sql: withSemicolon(statementWith(stmt, edits)), tx: 'same', edits, slug: `add_${name}` }, ...later],
        safe: false,
      },
    ];
  },
};
