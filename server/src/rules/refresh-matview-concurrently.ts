import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { describeLock, effectOn } from './describe';
import { preexisting } from './migration';
import type { Rule } from './types';

/** REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every reader of the view for the whole refresh. */
export const rule: Rule = {
  id: 'refresh-matview-concurrently',
  title: 'Refresh materialized views with REFRESH … CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['RefreshMatViewStmt'],
  examples: {
    setup:
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n' +
      'CREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;\n' +
      'CREATE UNIQUE INDEX order_counts_user_id ON order_counts (user_id);',
    flagged: 'REFRESH MATERIALIZED VIEW order_counts;',
    clean: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_counts;',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'RefreshMatViewStmt') return [];
    const s = inner(stmt.ast);
    if (s.concurrent || s.skipData) return [];
    const view = baseName(rangeVarName(s.relation));
    const lock = effectOn(stmt, view);
    if (!lock || !preexisting(doc, stmt, view)) return [];
    return [
      {
        message:
          `REFRESH MATERIALIZED VIEW recomputes ${view} while holding ${describeLock(lock)}, for as long as its query runs. ` +
          `Use REFRESH MATERIALIZED VIEW CONCURRENTLY: readers continue (it needs a UNIQUE index on the view, and the view must already be populated).`,
      },
    ];
  },
};
