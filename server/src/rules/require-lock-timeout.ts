import { createdEarlier } from '../document/model';
import { blockedBy } from '../locks/modes';
import { durationMs } from '../document/settings';
import { describeLock } from './describe';
import type { Rule } from './types';

/**
 * A statement that waits for a lock which blocks reads or writes makes everything behind it wait too.
 * `SET lock_timeout` first bounds that queue; the migration can then be retried.
 */
export const rule: Rule = {
  id: 'require-lock-timeout',
  title: 'Set lock_timeout before statements that take blocking locks',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN nickname text;',
    clean: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
  },
  check(stmt, { doc, config }) {
    const ceiling = durationMs(config.lockTimeout);
    if (stmt.lockTimeoutMs > 0 && (ceiling === 0 || stmt.lockTimeoutMs <= ceiling)) return [];
    const blocking = stmt.locks.effects.find(
      (e) =>
        !e.created &&
        !e.implied &&
        e.kind !== 'index' &&
        blockedBy(e.mode, e.kind).writes &&
        !createdEarlier(doc, e.object, stmt.index),
    );
    if (!blocking) return [];
    if (stmt.lockTimeoutMs > 0) {
      return [
        {
          message:
            `The lock_timeout in force (${stmt.lockTimeoutMs} ms) is longer than the configured ${config.lockTimeout}: while this statement waits for ${describeLock(blocking)}, ` +
            `every later query on ${blocking.object} queues behind it for that long. Lower it to '${config.lockTimeout}' or less.`,
        },
      ];
    }
    return [
      {
        message:
          `This statement waits for ${describeLock(blocking)}; while it waits, every later query on ${blocking.object} queues behind it. ` +
          `Run SET lock_timeout = '${config.lockTimeout}' before it (and retry on timeout).`,
      },
    ];
  },
};
