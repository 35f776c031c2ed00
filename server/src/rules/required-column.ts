import { alteredTable, describeLock, effectOn, spanOf } from './describe';
import { definedColumns } from './columns';
import { preexisting, quote } from './migration';
import type { MigrationDocument, StatementInfo } from '../document/model';
import { baseName, inner, rangeVarName } from '../parse/ast';
import type { Rule, RuleHit } from './types';

/** ADD COLUMN … NOT NULL without a DEFAULT fails on a table with rows, and breaks writers that omit it. */
export const rule: Rule = {
  id: 'required-column',
  title: 'NOT NULL columns without a DEFAULT on existing tables',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
    clean: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
  },
  check(stmt, { doc, config }) {
    const table = alteredTable(stmt);
    if (!table) return [];
    const existed = preexisting(doc, stmt, table);
    const filledBy = existed ? undefined : filledEarlier(doc, stmt, table);
    if (!existed && !filledBy) return [];
    const hits: RuleHit[] = [];
    for (const column of definedColumns(stmt)) {
      const kinds = column.constraints.map((c) => c.contype);
      const required = kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_PRIMARY');
      // A default, identity, serial or generated column fills existing rows itself.
      const filled =
        kinds.includes('CONSTR_DEFAULT') || kinds.includes('CONSTR_IDENTITY') || kinds.includes('CONSTR_GENERATED') || column.type.name.startsWith('serial');
      if (!required || filled) continue;
      if (filledBy) {
        hits.push({
          span: spanOf(stmt, column.node),
          message:
            `ADD COLUMN ${column.name} NOT NULL without a DEFAULT fails here: ${table} is created earlier in this migration but already has rows (\`${quote(filledBy)}\`), ` +
            `and PostgreSQL refuses a NOT NULL column it cannot fill ("column contains null values"). Give it a DEFAULT, or add it nullable, fill it, then SET NOT NULL.`,
        });
        continue;
      }
      const part = stmt.locks.parts.find((p) => p.action === 'AT_AddColumn' && p.label === `ADD COLUMN ${column.name}`);
      const lock = part && effectOn(part, table);
      const fix =
        config.pgVersion >= 11
          ? `Give it a constant DEFAULT (PostgreSQL ${config.pgVersion} then adds it without a rewrite), or add it nullable, backfill in batches and SET NOT NULL afterwards`
          : `Add it nullable, backfill in batches and SET NOT NULL afterwards (before PostgreSQL 11 a DEFAULT rewrites the table)`;
      hits.push({
        span: spanOf(stmt, column.node),
        message:
          `ADD COLUMN ${column.name} NOT NULL without a DEFAULT fails as soon as ${table} has a row, and once it exists, INSERTs from running code that does not set ${column.name} fail` +
          `${lock ? ` (it also takes ${describeLock(lock)})` : ''}. ${fix}.`,
      });
    }
    return hits;
  },
};

/**
 * The statement that put rows into a table created earlier in this migration (INSERT, COPY … FROM,
 * CREATE TABLE … AS with data), before `stmt` and in its section: the nearest one.
 */
function filledEarlier(doc: MigrationDocument, stmt: StatementInfo, table: string): StatementInfo | undefined {
  const at = fillsOf(doc).get(table) ?? [];
  for (let i = at.length - 1; i >= 0; i--) {
    const prev = doc.statements[at[i]];
    if (prev.index < stmt.index && prev.section === stmt.section) return prev;
  }
  return undefined;
}

/**
 * Per document, table name → indexes of the statements that fill it, in order: built in one pass,
 * so an ALTER on each of thousands of new tables does not walk back over every earlier statement
 * (that quadratic walk held the language server for seconds on a 20,000-line file).
 */
const fills = new WeakMap<MigrationDocument, Map<string, number[]>>();

function fillsOf(doc: MigrationDocument): Map<string, number[]> {
  let byTable = fills.get(doc);
  if (byTable) return byTable;
  byTable = new Map();
  for (const prev of doc.statements) {
    // The record's kind (its AST's key) first: a patched relint builds this again for each new
    // document, and reading every statement's AST (two for…in walks each) was a tenth of a rename's CPU.
    const kind = prev.kind;
    if (kind !== 'InsertStmt' && kind !== 'CopyStmt' && kind !== 'CreateTableAsStmt') continue;
    const s = inner(prev.ast);
    const target =
      kind === 'InsertStmt' || (kind === 'CopyStmt' && s.is_from)
        ? s.relation
        : kind === 'CreateTableAsStmt' && !(s.into?.IntoClause ?? s.into)?.skipData
          ? (s.into?.IntoClause ?? s.into)?.rel
          : undefined;
    if (!target) continue;
    const name = baseName(rangeVarName(target));
    const at = byTable.get(name);
    if (at) at.push(prev.index);
    else byTable.set(name, [prev.index]);
  }
  // Rules run on a built document (engine.ts lintSteps), so its statements no longer change.
  fills.set(doc, byTable);
  return byTable;
}
