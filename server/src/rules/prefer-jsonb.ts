import { spanOf } from './describe';
import { definedColumns, retypedColumns } from './columns';
import { inRollback } from './migration';
import type { Rule } from './types';

/** json keeps the text as written: no equality operator, no GIN index, re-parsed on every access. */
export const rule: Rule = {
  id: 'prefer-jsonb',
  title: 'Store JSON as jsonb, not json',
  category: 'style',
  defaultSeverity: 'info',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  examples: {
    flagged: 'CREATE TABLE events (id bigint PRIMARY KEY, payload json);',
    clean: 'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    const columns = [...definedColumns(stmt), ...retypedColumns(stmt)];
    return columns
      .filter((c) => c.type.name === 'json')
      .map((c) => ({
        span: spanOf(stmt, c.node),
        message:
          `${c.table}.${c.name} is json, which stores the text as written: it has no equality operator (DISTINCT, GROUP BY, UNION and = fail on it), no GIN index, and is re-parsed on every access. ` +
          `Use jsonb; switching later is a type change that rewrites the table.`,
      }));
  },
};
