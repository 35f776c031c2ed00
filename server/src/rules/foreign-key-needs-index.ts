import type { Catalog } from '../catalog/catalog';
import type { StatementInfo } from '../document/model';
import { structureOf } from '../document/columnPatch';
import { as, baseName, inner, kindOf, list, names, rangeVarName, type AstNode } from '../parse/ast';
import { spanOf } from './describe';
import { inRollback } from './migration';
import type { Rule, RuleHit } from './types';

interface ForeignKey {
  table: string;
  columns: string[];
  references: string;
  node: AstNode;
}

/**
 * A foreign key whose columns lead no index: every DELETE (or key UPDATE) on the referenced table
 * reads the whole referencing table to look for rows. Judged against the schema at the end of the
 * migration, since the index is often created a few statements later.
 */
export const rule: Rule = {
  id: 'foreign-key-needs-index',
  title: 'Foreign keys without an index on the referencing columns',
  category: 'locking',
  defaultSeverity: 'info',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  crossStatement: true,
  reach: {},
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
    clean:
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n' +
      'CREATE INDEX orders_user_id_idx ON orders (user_id);',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    const hits: RuleHit[] = [];
    for (const fk of foreignKeys(stmt)) {
      // Only a table whose every index Lockstep has seen can be judged. Relations and indexes only:
      // no replay of the schema after a column-only edit (document/columnPatch.ts).
      const schema = structureOf(doc);
      if (!schema.relation(fk.table) || fk.columns.length === 0 || indexed(schema, fk)) continue;
      const cols = fk.columns.join(', ');
      const created = doc.createdAt.has(fk.table);
      hits.push({
        span: spanOf(stmt, fk.node),
        message:
          `No index on ${fk.table} (${cols}): every DELETE from ${fk.references}, and every UPDATE of its key, makes PostgreSQL look for referencing ${fk.table} rows by reading all of ${fk.table}. ` +
          `Add CREATE INDEX${created ? '' : ' CONCURRENTLY'} ON ${fk.table} (${cols})${created ? ' in this migration' : ''}.`,
      });
    }
    return hits;
  },
};

/**
 * Does an index of the table start with exactly the key's columns (in any order)? A partial index
 * does not count: the lookup for referencing rows has no WHERE to match its predicate.
 */
function indexed(catalog: Catalog, fk: ForeignKey): boolean {
  return catalog.indexesOf(fk.table).some((i) => {
    if (catalog.relation(i)?.partial) return false;
    const leading = catalog.relation(i)?.indexColumns?.slice(0, fk.columns.length) ?? [];
    return leading.length === fk.columns.length && fk.columns.every((c) => leading.includes(c));
  });
}

/** Per AST (the parse cache shares it between lints): the rule runs on every CREATE/ALTER TABLE of every relint. */
const keysByAst = new WeakMap<object, ForeignKey[]>();

function foreignKeys(stmt: StatementInfo): ForeignKey[] {
  let found = keysByAst.get(stmt.ast);
  if (!found) keysByAst.set(stmt.ast, (found = foreignKeysOf(stmt)));
  return found;
}

function foreignKeysOf(stmt: StatementInfo): ForeignKey[] {
  const s = inner(stmt.ast);
  const kind = kindOf(stmt.ast);
  const found: ForeignKey[] = [];
  const add = (table: string, con: AstNode | undefined, column: string | undefined, node: AstNode) => {
    if (con?.contype !== 'CONSTR_FOREIGN') return;
    const columns = names(con.fk_attrs).length ? names(con.fk_attrs) : column ? [column] : [];
    found.push({ table, columns, references: baseName(rangeVarName(con.pktable)), node });
  };
  if (kind === 'CreateStmt') {
    const table = baseName(rangeVarName(s.relation));
    for (const elt of list(s.tableElts)) {
      const col = as(elt, 'ColumnDef');
      for (const c of list(col?.constraints)) add(table, as(c, 'Constraint'), col?.colname, elt);
      add(table, as(elt, 'Constraint'), undefined, elt);
    }
  } else if (kind === 'AlterTableStmt') {
    const table = baseName(rangeVarName(s.relation));
    for (const wrapped of list(s.cmds)) {
      const cmd = as(wrapped, 'AlterTableCmd');
      if (cmd?.subtype === 'AT_AddConstraint') add(table, as(cmd.def, 'Constraint'), undefined, wrapped);
      const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
      for (const c of list(col?.constraints)) add(table, as(c, 'Constraint'), col?.colname, wrapped);
    }
  }
  return found;
}
