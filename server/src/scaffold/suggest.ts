/**
 * The plan the statement under the cursor asks for: `RENAME COLUMN` → rename-column with its
 * names, `ALTER COLUMN … TYPE` → change-type (change-primary-key for a key going to bigint),
 * `ADD COLUMN … NOT NULL` → add-not-null-column, `ADD FOREIGN KEY` → add-foreign-key,
 * `DROP COLUMN`/`DROP TABLE` → drop-column/drop-table.
 */
import { as, baseName, formatType, inner, kindOf, list, names, rangeVarName, typeInfo, type AstNode } from '../parse/ast';
import type { KindArgs } from './kinds/shared';
import type { SchemaInfo } from './schema';

export interface Suggestion {
  kind: string;
  args: KindArgs;
  /** The statement it came from, for the picker's label. */
  from: string;
}

export function suggestFromStatement(ast: AstNode, text: string, schema: SchemaInfo): Suggestion | undefined {
  const s = inner(ast);
  const from = text.replace(/\s+/g, ' ').slice(0, 80);
  switch (kindOf(ast)) {
    case 'RenameStmt': {
      const table = baseName(rangeVarName(s.relation));
      if (s.renameType === 'OBJECT_COLUMN') return { kind: 'rename-column', args: { table, column: s.subname, to: s.newname }, from };
      if (s.renameType === 'OBJECT_TABLE') return { kind: 'rename-table', args: { table, to: s.newname }, from };
      return undefined;
    }
    case 'DropStmt': {
      if (s.removeType !== 'OBJECT_TABLE') return undefined;
      const first = list(s.objects)[0];
      const parts = first?.List ? names(first.List.items) : names([first]);
      return parts.length ? { kind: 'drop-table', args: { table: parts[parts.length - 1] }, from } : undefined;
    }
    case 'AlterTableStmt': {
      const table = baseName(rangeVarName(s.relation));
      for (const c of list(s.cmds)) {
        const cmd = as(c, 'AlterTableCmd') ?? {};
        switch (cmd.subtype) {
          case 'AT_AlterColumnType': {
            const type = formatType(typeInfo(as(cmd.def, 'ColumnDef')?.typeName));
            const pk = schema.tables.get(table)?.primaryKey;
            if (pk?.columns.length === 1 && pk.columns[0] === cmd.name && type === 'int8') return { kind: 'change-primary-key', args: { table, to: 'bigint' }, from };
            return { kind: 'change-type', args: { table, column: cmd.name, type: type.replace(/^int8$/, 'bigint') }, from };
          }
          case 'AT_AddColumn': {
            const col = as(cmd.def, 'ColumnDef') ?? {};
            const notNull = list(col.constraints).some((x) => as(x, 'Constraint')?.contype === 'CONSTR_NOTNULL');
            if (!notNull) continue;
            return { kind: 'add-not-null-column', args: { table, column: col.colname, type: formatType(typeInfo(col.typeName)) }, from };
          }
          case 'AT_AddConstraint': {
            const con = as(cmd.def, 'Constraint') ?? {};
            if (con.contype !== 'CONSTR_FOREIGN') continue;
            const refColumns = names(con.pk_attrs);
            return {
              kind: 'add-foreign-key',
              args: { table, column: names(con.fk_attrs)[0], references: baseName(rangeVarName(con.pktable)), ...(refColumns.length ? { 'ref-column': refColumns[0] } : {}) },
              from,
            };
          }
          case 'AT_DropColumn':
            return { kind: 'drop-column', args: { table, column: cmd.name }, from };
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
