import { as, baseName, inner, kindOf, list, names, rangeVarName, type AstNode } from '../parse/ast';
import { describeLock, effectOn } from './describe';
import { inRollback, preexisting } from './migration';
import type { Rule } from './types';

/** UPDATE or DELETE without WHERE (or with one that is always true) touches every row in one transaction. */
export const rule: Rule = {
  id: 'unbounded-dml',
  title: 'UPDATE or DELETE without WHERE changes every row at once',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['UpdateStmt', 'DeleteStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, plan text);',
    flagged: "UPDATE users SET plan = 'free';",
    clean: "-- one batch; repeat until it updates no row\nUPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000);",
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    const kind = kindOf(stmt.ast);
    if (kind !== 'UpdateStmt' && kind !== 'DeleteStmt') return [];
    const s = inner(stmt.ast);
    if (s.whereClause && !alwaysTrue(s.whereClause)) return [];
    const table = baseName(rangeVarName(s.relation));
    const lock = effectOn(stmt, table);
    if (!lock || !preexisting(doc, stmt, table)) return [];
    const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    return [
      {
        message:
          `${verb} ${s.whereClause ? 'with a WHERE that is always true' : 'without WHERE'} ${verb === 'UPDATE' ? 'rewrites' : 'deletes'} every row of ${table} in one transaction: each row stays locked against other writers until COMMIT, ` +
          `and the dead rows bloat the table until VACUUM (it takes ${describeLock(lock)}). ` +
          `${verb === 'DELETE' ? 'If all rows must go, d' : 'D'}o it in batches of a few thousand rows by key range, committing between batches.`,
      },
    ];
  },
};

/** Stripped of positions, so two spellings of one constant compare equal. */
function constantKey(node: AstNode | undefined): string | undefined {
  const c = as(node, 'A_Const') ?? as(as(node, 'TypeCast')?.arg, 'A_Const');
  return c ? JSON.stringify({ ...c, location: undefined }) : undefined;
}

function booleanConstant(node: AstNode | undefined): boolean | undefined {
  const c = as(node, 'A_Const') ?? as(as(node, 'TypeCast')?.arg, 'A_Const');
  return c?.boolval ? c.boolval.boolval === true : undefined;
}

/** `true`, `1 = 1`, `'a' = 'a'`, `NOT false`, and OR/AND of those (`1 = 1 OR id = 2`): true for every row. */
export function alwaysTrue(node: AstNode | undefined): boolean {
  if (booleanConstant(node) === true) return true;
  const bool = as(node, 'BoolExpr');
  if (bool) {
    const args = list(bool.args);
    if (bool.boolop === 'OR_EXPR') return args.some(alwaysTrue);
    if (bool.boolop === 'AND_EXPR') return args.every(alwaysTrue);
    if (bool.boolop === 'NOT_EXPR') return booleanConstant(args[0]) === false;
  }
  const op = as(node, 'A_Expr');
  if (op?.kind === 'AEXPR_OP' && ['=', '>=', '<='].includes(names(op.name).join('.'))) {
    const left = constantKey(op.lexpr);
    return left !== undefined && left !== JSON.stringify({ isnull: true }) && left === constantKey(op.rexpr);
  }
  return false;
}
