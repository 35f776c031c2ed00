/**
 * Which earlier statement a statement builds on: it mentions a name the earlier one introduced
 * (a table, column, index, constraint, or a rename's new name). Split never moves a statement to a
 * phase before the statements it builds on.
 */
import { walk, type AstNode } from '../parse/ast';

/** Names a statement brings into existence. */
export function introducedNames(ast: AstNode): Set<string> {
  const found = new Set<string>();
  walk(ast, (kind, value) => {
    if (kind === 'RenameStmt' && value.newname) found.add(value.newname);
    if (kind === 'ColumnDef' && value.colname) found.add(value.colname);
    if (kind === 'IndexStmt' && value.idxname) found.add(value.idxname);
    if (kind === 'Constraint' && value.conname) found.add(value.conname);
    if ((kind === 'CreateStmt' || kind === 'CreateSeqStmt') && (value.relation ?? value.sequence)?.relname) found.add((value.relation ?? value.sequence).relname);
    if (kind === 'ViewStmt' && value.view?.relname) found.add(value.view.relname);
    if (kind === 'CreateFunctionStmt') for (const n of value.funcname ?? []) if (n?.String?.sval) found.add(n.String.sval);
  });
  return found;
}

/** Every name a statement mentions (identifiers anywhere in its AST). */
export function mentionedNames(ast: AstNode): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as AstNode)) {
      if (typeof value === 'string' && ['sval', 'relname', 'colname', 'name', 'idxname', 'conname', 'indexname'].includes(key)) found.add(value);
      else visit(value);
    }
  };
  visit(ast);
  return found;
}
