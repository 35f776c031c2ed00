import { ONE_STATEMENT_OUTSIDE } from '../fixes/migrationFiles';
import { inner, kindOf, list, names } from '../parse/ast';
import { RUNNERS } from '../document/runner';
import { spanOfMatch } from './describe';
import { previousIgnoringSets } from './sessionSetting';
import type { Rule } from './types';

/**
 * CREATE INDEX CONCURRENTLY IF NOT EXISTS: a build that failed or was cancelled leaves an INVALID
 * index of that name, which IF NOT EXISTS accepts without a word; the migration "succeeds" and the
 * index is never used (strong_migrations#82). Dropping it first is the form that is safe to rerun.
 */
export const rule: Rule = {
  id: 'concurrent-index-if-not-exists',
  title: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS accepts the INVALID index a failed build left',
  category: 'hygiene',
  defaultSeverity: 'warning',
  kinds: ['IndexStmt'],
  // Reads the statement before it (the DROP that makes IF NOT EXISTS harmless).
  crossStatement: true,
  reach: { previous: 'pastSets' },
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);',
    clean: 'DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'IndexStmt') return [];
    const s = inner(stmt.ast);
    if (!s.concurrent || !s.if_not_exists || !s.idxname) return [];
    const index = s.idxname as string;
    const previous = previousIgnoringSets(doc, stmt);
    const p = previous ? inner(previous.ast) : {};
    const dropped =
      previous && kindOf(previous.ast) === 'DropStmt' && p.removeType === 'OBJECT_INDEX' &&
      list(p.objects).some((o) => names(o.List?.items ?? [o]).pop() === index);
    if (dropped) return [];
    const oneQuery = ONE_STATEMENT_OUTSIDE.has(doc.runner);
    const advice = oneQuery
      ? `${RUNNERS[doc.runner].label} sends a file as one query string, so DROP INDEX CONCURRENTLY IF EXISTS ${index} cannot share this file (CONCURRENTLY fails in the implicit transaction): ` +
        `drop IF NOT EXISTS so a rerun stops at the leftover instead, and drop the INVALID index by hand before rerunning.`
      : `Put DROP INDEX CONCURRENTLY IF EXISTS ${index}; right before it and drop IF NOT EXISTS: a rerun then removes the leftover and builds it again.`;
    return [
      {
        span: spanOfMatch(stmt, /IF\s+NOT\s+EXISTS/i),
        message:
          `A CONCURRENTLY build that fails or is cancelled (deadlock, unique violation, statement_timeout) leaves an INVALID index ${index} behind; ` +
          `on the rerun IF NOT EXISTS skips it, the migration succeeds, and queries never use the index while writes keep maintaining it. ${advice}`,
      },
    ];
  },
};
