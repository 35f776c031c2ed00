import { as } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction } from './describe';
import { DROP_COLUMN, spanOfNamedClause } from './namedClause';
import { inRollback, preexisting } from './migration';
import { reportedByStillReferenced } from './still-referenced';
import type { Rule, RuleHit } from './types';

/** Dropping a column breaks deployed code that still reads or writes it. */
export const rule: Rule = {
  id: 'drop-column',
  title: 'Dropping a column breaks code that still uses it',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  // Quiet where still-referenced reports the column with the code that uses it.
  usesCode: true,
  reach: {},
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean);',
    flagged: 'ALTER TABLE users DROP COLUMN legacy_flag;',
    clean:
      '-- lockstep-ignore drop-column: no deployed version reads or writes legacy_flag since release 42\n' +
      'ALTER TABLE users DROP COLUMN legacy_flag;',
  },
  check(stmt, ctx) {
    const { doc } = ctx;
    if (inRollback(doc, stmt)) return [];
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_DropColumn')) {
      const column = as(part.node, 'AlterTableCmd')?.name as string;
      const lock = effectOn(part, table);
      if (!lock || reportedByStillReferenced(stmt, ctx, 'drop-column', table, column)) continue;
      hits.push({
        span: spanOfNamedClause(stmt, DROP_COLUMN, column),
        message:
          `Dropping ${table}.${column} breaks every deployed version of the code that still reads or writes it, including SELECT * mapped by an ORM ` +
          `(it also takes ${describeLock(lock)}, briefly; no rewrite). First ship code that no longer uses ${column} (ORMs: mark it ignored), then drop it in a later migration, ` +
          `and say so with -- lockstep-ignore drop-column: reason.`,
      });
    }
    return hits;
  },
};
