import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { describeLock, effectOn } from './describe';
import { inRollback, preexisting } from './migration';
import type { Rule } from './types';

/** UPDATE or DELETE without WHERE touches every row in one transaction. */
export const rule: Rule = {
  id: 'unbounded-dml',
  title: 'UPDATE or DELETE without WHERE changes every row at once',
  category: 'locking',
  defaultSeverity: 'warning',
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
    if (s.whereClause) return [];
    const table = baseName(rangeVarName(s.relation));
    const lock = effectOn(stmt, table);
    if (!lock || !preexisting(doc, stmt, table)) return [];
    const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    return [
      {
        message:
          `${verb} without WHERE ${verb === 'UPDATE' ? 'rewrites' : 'deletes'} every row of ${table} in one transaction: each row stays locked against other writers until COMMIT, ` +
          `and the dead rows bloat the table until VACUUM (it takes ${describeLock(lock)}). ` +
          `${verb === 'DELETE' ? 'If all rows must go, d' : 'D'}o it in batches of a few thousand rows by key range, committing between batches.`,
      },
    ];
  },
};
