import { describeLock } from './describe';
import { lockWindows, quote } from './migration';
import type { Rule } from './types';

/**
 * Slow work (a full scan or rewrite) after an earlier statement of the same transaction took
 * ACCESS EXCLUSIVE on a table: that lock is held until COMMIT, so the table is unreadable for as
 * long as the work takes. Reported once per transaction, at the first such statement.
 */
export const rule: Rule = {
  id: 'long-lock-window',
  title: 'Slow statements while the transaction holds ACCESS EXCLUSIVE',
  category: 'locking',
  defaultSeverity: 'warning',
  crossStatement: true,
  reach: { lockIndexes: true },
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric);',
    flagged: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE orders SET total = 0;\nCOMMIT;',
    clean: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nUPDATE orders SET total = 0;',
  },
  check(stmt, { doc }) {
    const window = lockWindows(doc).get(stmt.index);
    const first = window?.slow[0];
    if (!first || first.stmt.index !== stmt.index) return [];
    const held = first.held[0];
    const more = window!.slow.length - 1;
    const work = first.work.rewrite === true ? 'rewrites' : 'reads every row of';
    return [
      {
        message:
          `This statement ${work} ${first.work.object} while the transaction still holds ${describeLock(held.effect)}, taken by "${quote(doc.statements[held.by.index])}"` +
          `${first.held.length > 1 ? ` (and on ${first.held.length - 1} more table${first.held.length > 2 ? 's' : ''})` : ''}` +
          `${more ? `; ${more} more slow statement${more > 1 ? 's' : ''} follow${more > 1 ? '' : 's'} in this transaction` : ''}: ` +
          `${held.effect.object} stays blocked until COMMIT, for as long as this work takes. Commit before it, or move it to its own migration.`,
      },
    ];
  },
};
