/**
 * A foreign key with no index on its columns → the index, right after the statement: plainly on a
 * table this migration creates (nobody uses it yet), CONCURRENTLY on one that exists. It adds an
 * index, so it is a quick-fix only.
 */
import { as, baseName, inner, kindOf, list, names, rangeVarName, type AstNode } from '../parse/ast';
import { spanOf } from '../rules/describe';
import { generatedName, nameTaken, quoteIdent, unusedName } from './names';
import { withSemicolon } from './sql';
import type { FixProvider, Step } from './types';

export const fix: FixProvider = {
  ruleId: 'foreign-key-needs-index',
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt) return [];
    const s = inner(stmt.ast);
    const kind = kindOf(stmt.ast);
    if (kind !== 'CreateStmt' && kind !== 'AlterTableStmt') return [];
    // The foreign key whose clause the finding underlines, and its columns.
    const candidates: Array<{ node: AstNode; con?: AstNode; column?: string }> = [];
    if (kind === 'CreateStmt') {
      for (const elt of list(s.tableElts)) {
        const col = as(elt, 'ColumnDef');
        for (const c of list(col?.constraints)) candidates.push({ node: elt, con: as(c, 'Constraint'), column: col?.colname });
        candidates.push({ node: elt, con: as(elt, 'Constraint') });
      }
    } else {
      for (const wrapped of list(s.cmds)) {
        const cmd = as(wrapped, 'AlterTableCmd');
        if (cmd?.subtype === 'AT_AddConstraint') candidates.push({ node: wrapped, con: as(cmd.def, 'Constraint') });
        const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
        for (const c of list(col?.constraints)) candidates.push({ node: wrapped, con: as(c, 'Constraint'), column: col?.colname });
      }
    }
    const fk = candidates.find((c) => c.con?.contype === 'CONSTR_FOREIGN' && spanOf(stmt, c.node).start === ctx.finding.span.start);
    if (!fk?.con) return [];
    const columns = names(fk.con.fk_attrs).length ? names(fk.con.fk_attrs) : fk.column ? [fk.column] : [];
    if (columns.length === 0) return [];
    const table = baseName(rangeVarName(s.relation));
    const tableSql = [s.relation?.schemaname, s.relation?.relname].filter(Boolean).map(quoteIdent).join('.');
    const doc = ctx.result.document;
    const name = unusedName(generatedName([table, ...columns], 'idx'), nameTaken(doc, ctx.schema));
    const qName = [s.relation?.schemaname, name].filter(Boolean).map(quoteIdent).join('.');
    const cols = columns.map(quoteIdent).join(', ');
    const isNew = kind === 'CreateStmt' || doc.createdAt.has(table);
    const original: Step = { sql: withSemicolon(stmt.text), tx: 'same', edits: [], slug: `${table}_foreign_key` };
    const index: Step[] = isNew
      ? [{ sql: `CREATE INDEX ${quoteIdent(name)} ON ${tableSql} (${cols});`, tx: 'same', slug: `${name}` }]
      : [
          { sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qName};`, tx: 'outside', slug: `${name}_concurrently` },
          { sql: `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${tableSql} (${cols});`, tx: 'outside', slug: `${name}_concurrently`, undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qName};` },
        ];
    const title = `Index ${table} (${columns.join(', ')})${isNew ? '' : ' CONCURRENTLY'}`;
    return [
      { title, steps: [original, ...index], safe: false },
      ...(isNew ? [] : [{ title, steps: [original, index[1]], safe: false }]),
    ];
  },
};
