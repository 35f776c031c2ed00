/**
 * ADD UNIQUE / PRIMARY KEY → CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction, traffic
 * continues), then ADD CONSTRAINT … USING INDEX (a brief lock, no build). A primary key's columns
 * must already be NOT NULL for the attach to skip its scan, so unless Lockstep knows they are, the
 * scan-free NOT NULL path runs first (PostgreSQL 12+).
 */
import { as, inner, kindOf, names, type AstNode } from '../parse/ast';
import { generatedName, quoteIdent } from './names';
import { notNullCheckName, notNullSteps, setNotNullStep } from './notNull';
import { alterSubcommands, columnConstraintRanges, cutTokens, docOffset, relationSql, removeSubcommand, statementWith, withSemicolon } from './sql';
import type { FixContext, FixProvider, Step, TextEdit } from './types';

function usingIndexFix(ruleId: string, contype: 'CONSTR_UNIQUE' | 'CONSTR_PRIMARY'): FixProvider {
  return { ruleId, inFixAll: true, rewrites: (ctx) => rewrite(ctx, contype) };
}

export const uniqueConstraintNeedsIndex = usingIndexFix('unique-constraint-needs-index', 'CONSTR_UNIQUE');
export const primaryKeyNeedsIndex = usingIndexFix('primary-key-needs-index', 'CONSTR_PRIMARY');

function rewrite(ctx: FixContext, contype: string) {
  const stmt = ctx.stmt;
  if (!stmt || kindOf(stmt.ast) !== 'AlterTableStmt') return [];
  const s = inner(stmt.ast);
  const tableName = s.relation.relname as string;
  const table = relationSql(s.relation);
  const cmds: AstNode[] = (s.cmds ?? []).map((c: AstNode) => as(c, 'AlterTableCmd') ?? {});
  // The flagged subcommand: a table constraint, or a column's constraint, starting where the finding does.
  let cmdIndex = -1;
  let con: AstNode | undefined;
  let column: AstNode | undefined;
  cmds.forEach((cmd, i) => {
    const def = as(cmd.def, 'Constraint');
    const col = as(cmd.def, 'ColumnDef');
    const at = docOffset(stmt, (def ?? col)?.location);
    if (at !== ctx.finding.span.start) return;
    const found = def ?? (col?.constraints ?? []).map((c: AstNode) => as(c, 'Constraint')).find((c: AstNode | undefined) => c?.contype === contype);
    if (found?.contype === contype && !found.indexname) {
      cmdIndex = i;
      con = found;
      column = col;
    }
  });
  // Storage options and tablespaces have no place in the rewrite: leave those to the user.
  if (!con || con.options || con.indexspace || (contype === 'CONSTR_PRIMARY' && ctx.config.pgVersion < 12)) return [];
  const keys: string[] = column ? [column.colname] : names(con.keys);
  // A new column is all NULL: it cannot become a primary key before it is filled.
  if (keys.length === 0 || (column && contype === 'CONSTR_PRIMARY')) return [];
  const index = con.conname ?? (contype === 'CONSTR_PRIMARY' ? `${tableName}_pkey` : generatedName([tableName, ...keys], 'key'));
  const qIndex = [s.relation.schemaname, index].filter(Boolean).map(quoteIdent).join('.');

  // What stays of the original statement: nothing, the other subcommands, or the column without its constraint.
  const steps: Step[] = [];
  let edits: TextEdit[] | undefined;
  if (column) {
    const range = columnConstraintRanges(stmt, column).find((r) => r.constraint === con);
    if (!range) return [];
    edits = [cutTokens(stmt, range.from, range.to)];
  } else if (cmds.length > 1) {
    const segments = alterSubcommands(stmt);
    if (!segments) return [];
    edits = [removeSubcommand(stmt, segments, cmdIndex)];
  }
  if (edits) steps.push({ sql: withSemicolon(statementWith(stmt, edits)), tx: 'same', edits, slug: `alter_${tableName}` });

  const include = names(con.including).length ? ` INCLUDE (${names(con.including).map(quoteIdent).join(', ')})` : '';
  const nulls = con.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '';
  steps.push(
    { sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qIndex};`, tx: 'outside', slug: `${index}_concurrently` },
    {
      sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(index)} ON ${table} (${keys.map(quoteIdent).join(', ')})${include}${nulls};`,
      tx: 'outside',
      slug: `${index}_concurrently`,
      undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qIndex};`,
    },
  );
  const kind = contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
  if (contype === 'CONSTR_PRIMARY') {
    // PRIMARY KEY USING INDEX sets NOT NULL, scanning under ACCESS EXCLUSIVE unless the columns already are.
    for (const key of keys) {
      // The schema before the file (the catalog after it already has this primary key's NOT NULL).
      const known = ctx.schema?.column(tableName, key)?.notNull;
      if (column || known) continue;
      steps.push(...notNullSteps(table, key, notNullCheckName(ctx.result.document, ctx.schema, tableName, key), setNotNullStep(table, key)));
    }
  }
  const deferrable = `${con.deferrable ? ' DEFERRABLE' : ''}${con.initdeferred ? ' INITIALLY DEFERRED' : ''}`;
  steps.push({
    sql: `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(index)} ${kind} USING INDEX ${quoteIdent(index)}${deferrable};`,
    tx: 'same',
    slug: `${index}_using_index`,
    undo: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${quoteIdent(index)};`,
  });
  return [{ title: `Build the ${kind} index CONCURRENTLY, then ADD CONSTRAINT … USING INDEX`, steps, safe: true }];
}
