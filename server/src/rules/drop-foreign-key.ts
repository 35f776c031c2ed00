import { as } from '../parse/ast';
import { alteredTable, describeLock, escapeRegExp, partsWithAction, spanOfMatch } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** Dropping a foreign key locks the referenced table ACCESS EXCLUSIVE too, which few expect. */
export const rule: Rule = {
  id: 'drop-foreign-key',
  title: 'Dropping a foreign key locks both tables ACCESS EXCLUSIVE',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup:
      'CREATE TABLE users (id bigint PRIMARY KEY);\n' +
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint CONSTRAINT orders_user_fk REFERENCES users (id));',
    flagged: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk;',
    clean: "SET lock_timeout = '2s';\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;",
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_DropConstraint')) {
      const name = as(part.node, 'AlterTableCmd')?.name as string;
      const locks = part.effects.filter((e) => e.kind === 'table');
      const referenced = locks.find((e) => e.object !== table);
      // Only a constraint the catalog knows as a foreign key locks a second table.
      if (!referenced || !preexisting(doc, stmt, referenced.object)) continue;
      // Under a lock_timeout the wait is bounded, which is the safe way to do it.
      if (stmt.lockTimeoutMs > 0) continue;
      const escaped = escapeRegExp(name);
      hits.push({
        span: spanOfMatch(stmt, new RegExp(`DROP\\s+CONSTRAINT\\s+(?:IF\\s+EXISTS\\s+)?"?${escaped}"?`, 'i')),
        message:
          `Dropping foreign key ${name} takes ${locks.map(describeLock).join(' and ')}: the referenced table waits behind every running query on either table, and everything queues behind it. ` +
          `SET lock_timeout first (and retry on timeout), and drop it in its own short transaction.`,
      });
    }
    return hits;
  },
};
