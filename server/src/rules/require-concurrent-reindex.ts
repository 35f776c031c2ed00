import { as, inner, kindOf, list } from '../parse/ast';
import { describeLock } from './describe';
import { preexisting } from './migration';
import type { Rule } from './types';

/** REINDEX without CONCURRENTLY blocks writes to the table and reads through each index it rebuilds. */
export const rule: Rule = {
  id: 'require-concurrent-reindex',
  title: 'Rebuild indexes with REINDEX CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
    flagged: 'REINDEX INDEX orders_user_id_idx;',
    clean: 'REINDEX INDEX CONCURRENTLY orders_user_id_idx;',
  },
  check(stmt, { doc, config }) {
    if (kindOf(stmt.ast) !== 'ReindexStmt') return [];
    const s = inner(stmt.ast);
    if (list(s.params).some((p) => as(p, 'DefElem')?.defname === 'concurrently')) return [];
    // REINDEX SCHEMA/DATABASE/SYSTEM name no table the model can lock; only TABLE and INDEX are judged.
    const locked = stmt.locks.effects.filter((e) => !e.implied || e.kind === 'index');
    const table = locked.find((e) => e.kind === 'table');
    const target = table ?? locked.find((e) => e.kind === 'index');
    if (!target || !preexisting(doc, stmt, target.object)) return [];
    const indexes = stmt.locks.effects.filter((e) => e.kind === 'index');
    const what = [table && describeLock(table), indexes[0] && `${describeLock(indexes[0])}${indexes.length > 1 ? ` (and on each of its ${indexes.length} indexes)` : ''}`]
      .filter(Boolean)
      .join(', and ');
    const fix =
      config.pgVersion >= 12
        ? 'Use REINDEX … CONCURRENTLY, outside a transaction.'
        : `PostgreSQL ${config.pgVersion} has no REINDEX CONCURRENTLY (it arrived in 12): build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one.`;
    return [{ message: `REINDEX takes ${what} until the rebuild ends: queries that would use the index wait as well as writes. ${fix}` }];
  },
};
