import { as } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction } from './describe';
import { DROP_NOT_NULL, spanOfNamedClause } from './namedClause';
import { inRollback, preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** DROP NOT NULL lets NULLs into a column that deployed code reads as never NULL. */
export const rule: Rule = {
  id: 'drop-not-null',
  title: 'DROP NOT NULL lets NULLs reach code that assumes there are none',
  category: 'breaking-change',
  defaultSeverity: 'info',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);',
    flagged: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    clean:
      '-- lockstep-ignore drop-not-null: every reader of users.email handles NULL since release 42\n' +
      'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_DropNotNull')) {
      const column = as(part.node, 'AlterTableCmd')?.name as string;
      const lock = effectOn(part, table);
      if (!lock) continue;
      hits.push({
        span: spanOfNamedClause(stmt, DROP_NOT_NULL, column),
        message:
          `After DROP NOT NULL, ${table}.${column} can hold NULLs, which deployed code that reads it as never NULL may not handle (it takes ${describeLock(lock)}, briefly). ` +
          `Ship readers that handle NULL first; as a step towards dropping the column, this is expected.`,
      });
    }
    return hits;
  },
};
