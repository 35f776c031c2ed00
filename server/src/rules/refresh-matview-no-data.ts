import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { inRollback, preexisting } from './migration';
import type { Rule } from './types';

/** REFRESH … WITH NO DATA empties a view that running code reads: every query on it then fails. */
export const rule: Rule = {
  id: 'refresh-matview-no-data',
  title: 'REFRESH MATERIALIZED VIEW … WITH NO DATA makes the view unreadable',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['RefreshMatViewStmt'],
  examples: {
    setup:
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n' +
      'CREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;',
    flagged: 'REFRESH MATERIALIZED VIEW order_counts WITH NO DATA;',
    clean: 'CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id WITH NO DATA;',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'RefreshMatViewStmt' || !inner(stmt.ast).skipData || inRollback(doc, stmt)) return [];
    const view = baseName(rangeVarName(inner(stmt.ast).relation));
    if (!preexisting(doc, stmt, view)) return [];
    return [
      {
        message:
          `REFRESH MATERIALIZED VIEW ${view} WITH NO DATA discards its rows and marks it unpopulated: until the next plain REFRESH, ` +
          `every query on ${view} fails with "materialized view has not been populated" (and REFRESH … CONCURRENTLY refuses it too). ` +
          `Refresh it with data instead, or drop it once no deployed code reads it.`,
      },
    ];
  },
};
