import { describeLock } from './describe';
import { lockWindows, quote } from './migration';
import type { Rule } from './types';

/**
 * One transaction taking ACCESS EXCLUSIVE on several pre-existing tables: all of them stay
 * unreadable until COMMIT, and application transactions can deadlock against the migration.
 * Reported once per transaction, where the second table is locked.
 */
export const rule: Rule = {
  id: 'many-tables-locked',
  title: 'One transaction holding ACCESS EXCLUSIVE on several tables',
  category: 'locking',
  defaultSeverity: 'info',
  crossStatement: true,
  reach: { lockIndexes: true },
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);',
    flagged: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
    clean: 'ALTER TABLE users ADD COLUMN plan text;\nALTER TABLE orders ADD COLUMN note text;',
  },
  check(stmt, { doc }) {
    const tables = lockWindows(doc).get(stmt.index)?.tables ?? [];
    // Several tables locked by one statement (DROP TABLE and the tables its foreign keys reference) are that statement's business.
    const second = tables.find((t) => t.by.index !== tables[0].by.index);
    if (!second || second.by.index !== stmt.index) return [];
    const names = tables.map((t) => t.effect.object);
    const listed = names.length > 6 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    return [
      {
        message:
          `This statement takes ${describeLock(second.effect)}, while "${quote(doc.statements[tables[0].by.index])}" earlier in this transaction still holds ${describeLock(tables[0].effect)}; ` +
          `by COMMIT the transaction holds such locks on ${names.length} tables (${listed}). All stay blocked until then, and application transactions that lock them in another order can deadlock with it. ` +
          `Give each table its own transaction (or migration) where you can.`,
      },
    ];
  },
};
