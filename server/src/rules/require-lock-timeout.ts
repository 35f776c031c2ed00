import type { StatementInfo } from '../document/model';
import { durationMs } from '../document/settings';
import { describeLock } from './describe';
import { quote, timeoutGaps, type TimeoutGap } from './migration';
import type { Rule, RuleContext } from './types';

/**
 * A lock request that has to queue (behind a long query or an idle transaction) makes every later
 * query that conflicts with it queue too. `SET lock_timeout` first bounds that queue; the migration
 * can then be retried. One finding per transaction (or autocommit run): one prelude fixes it all.
 */
export const rule: Rule = {
  id: 'require-lock-timeout',
  title: 'Set lock_timeout before statements that take blocking locks',
  category: 'locking',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN nickname text;',
    clean: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
  },
  // The verdict depends on the whole transaction: which locks it already holds, where it starts.
  crossStatement: true,
  reach: { lockIndexes: true },
  check(stmt, ctx) {
    const gap = timeoutGaps(ctx.doc, ceilingMs(ctx.config.lockTimeout)).get(stmt.index);
    return gap ? [{ message: message(gap, stmt, ctx) }] : [];
  },
};

/** The configured lock_timeout in ms; asked for every statement of every lint, so the last answer is kept (a regex otherwise). */
function ceilingMs(setting: string): number {
  if (setting !== lastCeiling.setting) lastCeiling = { setting, ms: durationMs(setting) };
  return lastCeiling.ms;
}

let lastCeiling = { setting: '', ms: durationMs('') };

function message(gap: TimeoutGap, anchor: StatementInfo, { config }: RuleContext): string {
  const locks = gap.waits.map((w) => describeLock(w.effect) + (w.stmt === anchor ? '' : ` (\`${quote(w.stmt)}\`)`));
  const subject =
    gap.waits.length === 1
      ? `This statement requests ${locks[0]}`
      : `${anchor.inTransaction ? 'This transaction' : 'These statements'} request${anchor.inTransaction ? 's' : ''} ${locks.join('; ')}`;
  const tables = gap.waits.length === 1 ? gap.waits[0].effect.object : 'that table';
  if (anchor.lockTimeoutMs > 0) {
    return (
      `${subject}, and the lock_timeout in force (${anchor.lockTimeoutMs} ms) is longer than the configured ${config.lockTimeout}: ` +
      `while a request queues behind a long query, every later query on ${tables} queues behind it for that long. ` +
      `Lower it to '${config.lockTimeout}' or less.`
    );
  }
  const where = anchor.inTransaction
    ? `Run SET LOCAL lock_timeout = '${config.lockTimeout}' at the start of ${anchor.transaction === 'runner' ? 'the migration (its runner wraps it in a transaction)' : 'the transaction'}`
    : `Run SET lock_timeout = '${config.lockTimeout}' before ${gap.waits.length === 1 ? 'it (and RESET it after it' : 'the first (and RESET it after the last'}, so it does not outlive the migration)`;
  const local = gap.localOutside.length
    ? ` The earlier \`${quote(gap.localOutside[0], 50)}\` does not count: it runs outside a transaction block, where a local setting lasts only until the end of its own statement (PostgreSQL ignores it with a warning).`
    : '';
  return (
    `${subject}, with no lock_timeout in force: if a request has to queue behind a long query or an idle transaction, ` +
    `every later query on ${tables} queues behind it.${local} ${where}, and retry on timeout.`
  );
}
