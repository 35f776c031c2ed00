/**
 * ADD COLUMN … DEFAULT <volatile> → add the column without the default (instant), SET DEFAULT
 * (new rows only, instant), backfill existing rows in committed batches, and, when the column was
 * NOT NULL, the scan-free NOT NULL path. serial, identity and generated columns get no rewrite here.
 */
import { as, inner, kindOf, list, type AstNode } from '../parse/ast';
import { backfillSql, singleKeyOf } from './backfill';
import { notNullCheckName, notNullSteps, setNotNullStep } from './notNull';
import { quoteIdent } from './names';
import { docOffset, insertAfter, relationSql, sourceOf, statementWith, withSemicolon } from './sql';
import { clauseEnd, tokenIndexAt, tokensOf } from './tokens';
import type { FixProvider, Step, TextEdit } from './types';

export const fix: FixProvider = {
  ruleId: 'volatile-default',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    // COMMIT inside DO (the batched backfill) needs PostgreSQL 11.
    if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt' || ctx.config.pgVersion < 11) return [];
    const column = stmt.locks.parts
      .filter((p) => p.action === 'AT_AddColumn')
      .map((p) => as(as(p.node, 'AlterTableCmd')?.def, 'ColumnDef'))
      .find((c) => c && docOffset(stmt, c.location) === ctx.finding.span.start);
    if (!column?.colname) return [];
    const constraints = list(column.constraints)
      .map((c) => as(c, 'Constraint'))
      .filter((c): c is AstNode => !!c)
      .sort((a, b) => (a.location ?? 0) - (b.location ?? 0));
    const def = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
    if (!def || constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) return [];
    const notNull = constraints.find((c) => c.contype === 'CONSTR_NOTNULL');

    const tokens = tokensOf(stmt);
    // A constraint's clause runs to the next constraint of the column, or to the `,`/`;` ending the column.
    const range = (c: AstNode): [number, number] | undefined => {
      const from = tokenIndexAt(tokens, docOffset(stmt, c.location) ?? Infinity);
      if (from <= 0 || from >= tokens.length) return undefined;
      const next = constraints[constraints.indexOf(c) + 1];
      const to = next ? tokenIndexAt(tokens, docOffset(stmt, next.location) ?? Infinity) - 1 : clauseEnd(tokens, from);
      return to >= from ? [from, to] : undefined;
    };
    const defRange = range(def);
    const nullRange = notNull ? range(notNull) : undefined;
    if (!defRange || defRange[1] <= defRange[0] || (notNull && !nullRange)) return [];
    const value = sourceOf(stmt, tokens, defRange[0] + 1, defRange[1]);
    const cut = ([from, to]: [number, number]): TextEdit => ({ start: tokens[from - 1].end, end: tokens[to].end, newText: '' });
    const s = inner(stmt.ast);
    const table = relationSql(s.relation);
    const name = column.colname as string;
    // SET DEFAULT joins the same ALTER TABLE (one lock wait): existing rows get NULL, new rows the default.
    const last = tokens[tokens.length - 1]?.text === ';' ? tokens.length - 2 : tokens.length - 1;
    const edits = [
      cut(defRange),
      ...(nullRange ? [cut(nullRange)] : []),
      insertAfter(tokens[last], `, ALTER COLUMN ${quoteIdent(name)} SET DEFAULT ${value}`),
    ];
    const key = singleKeyOf([ctx.result.document.catalog, ctx.schema], s.relation.relname);
    const steps: Step[] = [
      {
        sql: withSemicolon(statementWith(stmt, edits)),
        tx: 'same',
        edits,
        slug: `add_${name}`,
        undo: `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${quoteIdent(name)};`,
      },
      {
        sql: backfillSql({ table, tableName: s.relation.relname, column: name, value, key }),
        tx: 'outside',
        slug: `backfill_${name}`,
        phase: 'backfill',
      },
    ];
    if (notNull) {
      const check = notNullCheckName(ctx.result.document, ctx.schema, s.relation.relname, name);
      steps.push(...notNullSteps(table, name, check, setNotNullStep(table, name)));
    }
    const then = notNull ? ', then SET NOT NULL through a validated CHECK' : '';
    return [{ title: `Add ${name} without the default, SET DEFAULT, backfill in batches${then}`, steps, safe: false }];
  },
};
