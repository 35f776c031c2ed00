/**
 * ADD CHECK / FOREIGN KEY → the same constraint NOT VALID (checks new rows only, brief lock), then
 * VALIDATE CONSTRAINT in a later transaction (scans under SHARE UPDATE EXCLUSIVE: traffic continues).
 * An unnamed constraint gets the name PostgreSQL would give it, written out, so VALIDATE can name it.
 */
import { as, inner, kindOf, names } from '../parse/ast';
import { generatedName, nameTaken, quoteIdent, unusedName } from './names';
import { columnsIn, docOffset, insertAfter, relationSql, statementWith, withSemicolon } from './sql';
import { clauseEnd, tokenIndexAt, tokensOf } from './tokens';
import type { FixProvider, TextEdit } from './types';

export const fix: FixProvider = {
  ruleId: 'require-not-valid',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt') return [];
    const s = inner(stmt.ast);
    const doc = ctx.result.document;
    // The flagged constraint: the one whose clause starts where the finding does.
    const con = stmt.locks.parts
      .filter((p) => p.action === 'AT_AddConstraint')
      .map((p) => as(as(p.node, 'AlterTableCmd')?.def, 'Constraint'))
      .find((c) => c && docOffset(stmt, c.location) === ctx.finding.span.start);
    if (!con || con.skip_validation) return [];
    const kind = con.contype === 'CONSTR_CHECK' ? 'check' : con.contype === 'CONSTR_FOREIGN' ? 'fkey' : undefined;
    if (!kind) return [];
    // Before PostgreSQL 18 a partitioned table refuses NOT VALID foreign keys.
    if (kind === 'fkey' && doc.catalog.relation(s.relation.relname)?.kind === 'partitioned' && ctx.config.pgVersion < 18) return [];
    const tokens = tokensOf(stmt);
    const start = tokenIndexAt(tokens, ctx.finding.span.start);
    if (start >= tokens.length) return [];
    const end = clauseEnd(tokens, start);
    const edits: TextEdit[] = [insertAfter(tokens[end], ' NOT VALID')];
    let name = con.conname as string | undefined;
    if (!name) {
      const columns = kind === 'fkey' ? names(con.fk_attrs) : columnsIn(con.raw_expr).slice(0, 1);
      name = unusedName(generatedName([s.relation.relname, ...columns], kind), nameTaken(doc, ctx.schema));
      edits.unshift({ start: tokens[start].start, end: tokens[start].start, newText: `CONSTRAINT ${quoteIdent(name)} ` });
    }
    const table = relationSql(s.relation);
    const what = kind === 'check' ? 'CHECK' : 'FOREIGN KEY';
    return [
      {
        title: `Add the ${what} NOT VALID, then VALIDATE it in a later transaction`,
        steps: [
          {
            sql: withSemicolon(statementWith(stmt, edits)),
            tx: 'same',
            edits,
            slug: `${name}_not_valid`,
            undo: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)};`,
          },
          { sql: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`, tx: 'separate', slug: `validate_${name}` },
        ],
        safe: true,
      },
    ];
  },
};
