import { durationMs } from '../document/settings';
import { blockedBy } from '../locks/modes';
import type { MigrationDocument, StatementInfo } from '../document/model';
import { describeLock } from './describe';
import { memoByDocument, preexisting } from './migration';
import { settingBefore } from './sessionSetting';
import type { Rule } from './types';

/**
 * Off by default (on with `"extends": "lockstep:strict"`): lock_timeout bounds the wait for a lock,
 * but only statement_timeout bounds how long a blocking statement then holds it, and only
 * idle_in_transaction_session_timeout frees the locks of a migration client that stalls mid-transaction.
 */
export const rule: Rule = {
  id: 'require-statement-timeout',
  title: 'No statement_timeout or idle_in_transaction_session_timeout bounds how long the migration holds blocking locks',
  category: 'hygiene',
  defaultSeverity: 'warning',
  defaultOff: true,
  crossStatement: true,
  reach: { lockIndexes: true },
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_user_id_check CHECK (user_id > 0);\nCOMMIT;",
    clean:
      "BEGIN;\nSET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '60s';\nSET LOCAL idle_in_transaction_session_timeout = '60s';\n" +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_id_check CHECK (user_id > 0);\nCOMMIT;',
  },
  check(stmt, { doc }) {
    const first = firstUnbounded(doc);
    if (first?.stmt.index !== stmt.index) return [];
    const missing = first.missing.map((m) => (m === 'statement_timeout' ? 'no statement_timeout (a slow statement keeps its lock for as long as it runs)' : 'no idle_in_transaction_session_timeout (a migration client that stalls mid-transaction keeps every lock until someone kills its session)'));
    return [
      {
        message:
          `This is the first statement of the migration that holds ${describeLock(first.lock)}, and ${missing.join(', and ')} is in force. ` +
          `Set ${first.missing.join(' and ')} before it (SET LOCAL inside a transaction), but not before CONCURRENTLY builds, VALIDATE or backfills, which may rightly run long.`,
      },
    ];
  },
};

const firstUnbounded = memoByDocument((doc: MigrationDocument) => {
  for (const stmt of doc.statements) {
    const lock = stmt.locks.effects.find((e) => !e.created && (blockedBy(e.mode).reads || blockedBy(e.mode).writes) && preexisting(doc, stmt, e.object));
    if (!lock) continue;
    const missing = [];
    if (!inForce(doc, stmt, 'statement_timeout')) missing.push('statement_timeout');
    if (stmt.inTransaction && !inForce(doc, stmt, 'idle_in_transaction_session_timeout')) missing.push('idle_in_transaction_session_timeout');
    return missing.length ? { stmt, lock, missing } : undefined;
  }
  return undefined;
});

function inForce(doc: MigrationDocument, stmt: StatementInfo, setting: string): boolean {
  const value = settingBefore(doc, stmt, setting).value;
  return value !== undefined && durationMs(value) > 0;
}
