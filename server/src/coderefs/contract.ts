/**
 * What a migration statement takes away from the code that runs against the old schema: the names
 * it drops or renames, the columns whose type it changes, and the new constraints (NOT NULL, CHECK,
 * FOREIGN KEY) that old writers could violate. The `still-referenced` rule, PLAN.md and split ask this.
 */
import type { AstNode } from '../parse/ast';

export type ContractKind = 'drop-table' | 'rename-table' | 'drop-column' | 'rename-column' | 'type-change' | 'set-not-null' | 'required-column' | 'check' | 'foreign-key';

export interface Contract {
  kind: ContractKind;
  table: string;
  /** The dropped/renamed/retyped/newly required column. */
  column?: string;
  /** The columns a CHECK or FOREIGN KEY constrains. */
  columns?: string[];
  /** The new name, for renames. */
  newName?: string;
}

/** Breaking for every reader: the old name is gone. The others break only some writers (or some casts). */
export function removesName(kind: ContractKind): boolean {
  return kind === 'drop-table' || kind === 'rename-table' || kind === 'drop-column' || kind === 'rename-column';
}

const str = (n: AstNode | undefined): string | undefined => (n?.String as { sval?: string } | undefined)?.sval;

export function contractsOf(ast: AstNode): Contract[] {
  if ('AlterTableStmt' in ast) return alterTable(ast.AlterTableStmt as AstNode);
  if ('RenameStmt' in ast) {
    const s = ast.RenameStmt as AstNode;
    const table = s.relation?.relname as string | undefined;
    if (!table) return [];
    if (s.renameType === 'OBJECT_COLUMN') return [{ kind: 'rename-column', table, column: s.subname, newName: s.newname }];
    if (s.renameType === 'OBJECT_TABLE') return [{ kind: 'rename-table', table, newName: s.newname }];
    return [];
  }
  if ('DropStmt' in ast) {
    const s = ast.DropStmt as AstNode;
    if (s.removeType !== 'OBJECT_TABLE' && s.removeType !== 'OBJECT_VIEW' && s.removeType !== 'OBJECT_MATVIEW') return [];
    return ((s.objects ?? []) as AstNode[]).flatMap((o) => {
      const items = (o.List?.items ?? []) as AstNode[];
      const table = str(items[items.length - 1]);
      return table ? [{ kind: 'drop-table' as const, table }] : [];
    });
  }
  return [];
}

function alterTable(s: AstNode): Contract[] {
  const table = s.relation?.relname as string | undefined;
  if (!table) return [];
  const out: Contract[] = [];
  for (const c of (s.cmds ?? []) as AstNode[]) {
    const cmd = c.AlterTableCmd as AstNode | undefined;
    if (!cmd) continue;
    switch (cmd.subtype) {
      case 'AT_DropColumn':
        out.push({ kind: 'drop-column', table, column: cmd.name });
        break;
      case 'AT_AlterColumnType':
        out.push({ kind: 'type-change', table, column: cmd.name });
        break;
      case 'AT_SetNotNull':
        out.push({ kind: 'set-not-null', table, column: cmd.name });
        break;
      case 'AT_AddColumn': {
        const def = cmd.def?.ColumnDef as AstNode | undefined;
        const cons = ((def?.constraints ?? []) as AstNode[]).map((x) => x.Constraint as AstNode);
        const has = (t: string) => cons.some((x) => x?.contype === t);
        if (def?.colname && has('CONSTR_NOTNULL') && !has('CONSTR_DEFAULT') && !has('CONSTR_IDENTITY') && !has('CONSTR_GENERATED')) {
          out.push({ kind: 'required-column', table, column: def.colname });
        }
        for (const x of cons) if (x?.contype === 'CONSTR_CHECK') out.push({ kind: 'check', table, columns: [def!.colname] });
        for (const x of cons) if (x?.contype === 'CONSTR_FOREIGN') out.push({ kind: 'foreign-key', table, columns: [def!.colname] });
        break;
      }
      case 'AT_AddConstraint': {
        const con = cmd.def?.Constraint as AstNode | undefined;
        if (con?.contype === 'CONSTR_CHECK') out.push({ kind: 'check', table, columns: columnsIn(con.raw_expr) });
        if (con?.contype === 'CONSTR_FOREIGN') out.push({ kind: 'foreign-key', table, columns: ((con.fk_attrs ?? []) as AstNode[]).map(str).filter((x): x is string => !!x) });
        break;
      }
    }
  }
  return out;
}

function columnsIn(expr: unknown): string[] {
  const out = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const ref = (n as AstNode).ColumnRef as AstNode | undefined;
    if (ref) {
      const fields = (ref.fields ?? []) as AstNode[];
      const last = str(fields[fields.length - 1]);
      if (last) out.add(last);
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(expr);
  return [...out];
}
