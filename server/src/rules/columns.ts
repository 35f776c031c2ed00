/** The columns a statement defines (CREATE TABLE, ALTER TABLE … ADD COLUMN), for the column-type rules. */
import type { StatementInfo } from '../document/model';
import { as, baseName, inner, kindOf, list, names, rangeVarName, typeInfo, type AstNode, type TypeInfo } from '../parse/ast';

export interface DefinedColumn {
  table: string;
  name: string;
  type: TypeInfo;
  /** The ColumnDef node (for spanOf). */
  node: AstNode;
  constraints: AstNode[];
  /** Part of the table's primary key (column or table constraint). */
  primaryKey: boolean;
  identity: boolean;
  /** Has a REFERENCES constraint, or is a column of a table FOREIGN KEY: its values come from another table's key. */
  references: boolean;
  /** ALTER TABLE … ADD COLUMN, as opposed to a column of a new table. */
  added: boolean;
}

/** Six column-type rules ask about every CREATE TABLE and ALTER TABLE: computed once per statement's AST. */
const columnsByAst = new WeakMap<object, readonly DefinedColumn[]>();

export function definedColumns(stmt: StatementInfo): readonly DefinedColumn[] {
  const ast = stmt.ast as object;
  let columns = columnsByAst.get(ast);
  if (!columns) columnsByAst.set(ast, (columns = Object.freeze(columnsOf(stmt))));
  return columns;
}

function columnsOf(stmt: StatementInfo): DefinedColumn[] {
  const kind = kindOf(stmt.ast);
  const s = inner(stmt.ast);
  if (kind === 'CreateStmt') {
    const table = baseName(rangeVarName(s.relation));
    const elts = list(s.tableElts);
    const tableConstraints = elts.map((e) => as(e, 'Constraint')).filter((c): c is AstNode => !!c);
    const keys = tableConstraints.flatMap((c) => (c.contype === 'CONSTR_PRIMARY' ? names(c.keys) : []));
    const foreign = tableConstraints.flatMap((c) => (c.contype === 'CONSTR_FOREIGN' ? names(c.fk_attrs) : []));
    return elts.filter((e) => as(e, 'ColumnDef')).map((e) => column(table, e, false, keys, foreign));
  }
  if (kind === 'AlterTableStmt' && s.objtype !== 'OBJECT_INDEX') {
    const table = baseName(rangeVarName(s.relation));
    return list(s.cmds)
      .map((c) => as(c, 'AlterTableCmd'))
      .filter((c) => c?.subtype === 'AT_AddColumn' && as(c.def, 'ColumnDef'))
      .map((c) => column(table, c!.def, true, [], []));
  }
  return [];
}

function column(table: string, node: AstNode, added: boolean, tableKeys: string[], tableForeignKeys: string[]): DefinedColumn {
  const def = as(node, 'ColumnDef') ?? {};
  const constraints = list(def.constraints).map((c) => as(c, 'Constraint') ?? {});
  return {
    table,
    name: def.colname ?? '',
    type: typeInfo(def.typeName),
    node,
    constraints,
    primaryKey: tableKeys.includes(def.colname) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY'),
    identity: constraints.some((c) => c.contype === 'CONSTR_IDENTITY'),
    references: tableForeignKeys.includes(def.colname) || constraints.some((c) => c.contype === 'CONSTR_FOREIGN'),
    added,
  };
}

export interface RetypedColumn {
  table: string;
  name: string;
  type: TypeInfo;
  node: AstNode;
}

/** prefer-jsonb and prefer-timestamptz ask about every ALTER TABLE: computed once per statement's AST. */
const retypedByAst = new WeakMap<object, readonly RetypedColumn[]>();

/** Columns whose type an ALTER COLUMN … TYPE changes to, with the AlterTableCmd node. */
export function retypedColumns(stmt: StatementInfo): readonly RetypedColumn[] {
  if (kindOf(stmt.ast) !== 'AlterTableStmt') return NONE;
  const ast = stmt.ast as object;
  let columns = retypedByAst.get(ast);
  if (!columns) retypedByAst.set(ast, (columns = Object.freeze(retypedOf(stmt))));
  return columns;
}

const NONE: readonly RetypedColumn[] = Object.freeze([]);

function retypedOf(stmt: StatementInfo): RetypedColumn[] {
  const s = inner(stmt.ast);
  const table = baseName(rangeVarName(s.relation));
  const found: RetypedColumn[] = [];
  for (const c of list(s.cmds)) {
    const cmd = as(c, 'AlterTableCmd');
    if (cmd?.subtype === 'AT_AlterColumnType') found.push({ table, name: cmd.name, type: typeInfo(as(cmd.def, 'ColumnDef')?.typeName), node: c });
  }
  return found;
}
