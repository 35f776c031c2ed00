import { createdEarlier } from '../document/model';
import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { describeLock, effectOn } from './describe';
import type { Rule } from './types';

/** CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build. */
export const rule: Rule = {
  id: 'require-concurrent-index',
  title: 'Build indexes on existing tables with CREATE INDEX CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['IndexStmt'],
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: 'CREATE INDEX orders_user_id_idx ON orders (user_id);',
    clean: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'IndexStmt') return [];
    const s = inner(stmt.ast);
    const table = baseName(rangeVarName(s.relation));
    if (s.concurrent || createdEarlier(doc, table, stmt.index)) return [];
    const lock = effectOn(stmt, table);
    // ON ONLY on a partitioned table builds nothing (see the lock model): that is the safe pattern.
    if (!lock || (!s.relation?.inh && lock.scan === false)) return [];
    const partitioned = stmt.locks.notes.some((n) => n.includes('partitioned table')) || stmt.locks.effects.some((e) => e.implied && e.kind === 'table');
    const alternative = partitioned
      ? `create it ON ONLY ${table}, build each partition's index CONCURRENTLY and ATTACH them`
      : 'use CREATE INDEX CONCURRENTLY, outside a transaction';
    return [{ message: `CREATE INDEX takes ${describeLock(lock)}, for the whole index build. Instead, ${alternative}.` }];
  },
};
