import { createdEarlier } from '../document/model';
import { createdByUp } from './migration';
import { inner, kindOf, list, names } from '../parse/ast';
import { describeLock, mainEffect } from './describe';
import type { Rule } from './types';

/** DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table (not flagged in a rollback of the index its up migration created). */
export const rule: Rule = {
  id: 'require-concurrent-drop-index',
  title: 'Drop indexes with DROP INDEX CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['DropStmt'],
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint); CREATE INDEX orders_user_id_idx ON orders (user_id);',
    flagged: 'DROP INDEX orders_user_id_idx;',
    clean: 'DROP INDEX CONCURRENTLY orders_user_id_idx;',
  },
  check(stmt, { doc }) {
    if (kindOf(stmt.ast) !== 'DropStmt') return [];
    const s = inner(stmt.ast);
    if (s.removeType !== 'OBJECT_INDEX' || s.concurrent) return [];
    const dropped = list(s.objects).map((o) => names(o.List?.items ?? [o]).pop() ?? '');
    if (dropped.every((name) => createdEarlier(doc, name, stmt.index) || createdByUp(doc, stmt, name))) return [];
    const lock = mainEffect(stmt.locks.effects);
    if (!lock) return [];
    return [
      {
        message: `DROP INDEX takes ${describeLock(lock)}, and queues behind every running query on it. Use DROP INDEX CONCURRENTLY, outside a transaction.`,
      },
    ];
  },
};

