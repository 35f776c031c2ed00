import { runnerFacts } from '../document/runnerFacts';
import type { Rule } from './types';

/** CONCURRENTLY forms (and a few others) fail at run time inside a transaction block. */
export const rule: Rule = {
  id: 'concurrent-in-transaction',
  title: 'Statements that cannot run inside a transaction',
  category: 'hygiene',
  defaultSeverity: 'error',
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCOMMIT;',
    clean: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
  },
  check(stmt, { doc }) {
    if (stmt.locks.transactional || !stmt.inTransaction) return [];
    const what = stmt.locks.parts[0]?.label ?? 'This statement';
    const runner = runnerFacts(doc);
    const why = stmt.transaction === 'explicit'
      ? 'it is inside BEGIN … COMMIT'
      : stmt.implicitTransaction
        ? `${runner.label} sends this migration to the server as one query string, and PostgreSQL runs its statements as one implicit transaction`
        : `${runner.label} runs this migration in a transaction`;
    const fix = stmt.transaction === 'explicit' ? 'move it out of the BEGIN … COMMIT block' : runner.optOut;
    return [{ message: `${what} cannot run inside a transaction block, and ${why}: it will fail. To fix, ${fix}.` }];
  },
};
