import { durationMs } from '../document/settings';
import { as, inner, kindOf, list } from '../parse/ast';
import { quote } from './migration';
import { settingBefore } from './sessionSetting';
import type { Rule } from './types';

/** What a cancelled CONCURRENTLY statement leaves behind, or undefined when the statement is not one. */
function leftover(ast: unknown): string | undefined {
  const kind = kindOf(ast as never);
  const s = inner(ast as never);
  if (kind === 'IndexStmt' && s.concurrent) return `an INVALID index ${s.idxname ?? ''}`.trimEnd() + ' that queries never use but every write maintains';
  if (kind === 'ReindexStmt' && list(s.params).some((p) => as(p, 'DefElem')?.defname === 'concurrently' && as(as(p, 'DefElem')?.arg, 'Boolean')?.boolval !== false)) {
    return 'an INVALID copy of each index it was rebuilding (named …_ccnew), which every write maintains until dropped';
  }
  if (kind === 'AlterTableStmt' && list(s.cmds).some((c) => as(c, 'AlterTableCmd')?.subtype === 'AT_DetachPartition' && !!as(as(c, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent)) {
    return 'the partition half-detached ("detach pending") until someone runs DETACH PARTITION … FINALIZE';
  }
  return undefined;
}

/**
 * A statement_timeout set earlier in the migration (say by the timeout prelude) still applies to a
 * later CONCURRENTLY build, which may rightly run for hours: a cancel does not roll it back cleanly.
 */
export const rule: Rule = {
  id: 'timeout-cancels-concurrent-build',
  title: 'A statement_timeout in force cancels a long CONCURRENTLY build and leaves an INVALID index',
  category: 'hygiene',
  defaultSeverity: 'warning',
  kinds: ['IndexStmt', 'ReindexStmt', 'AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: "SET statement_timeout = '60s';\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);",
    clean: "SET lock_timeout = '2s';\nSET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);",
  },
  check(stmt, { doc }) {
    const left = leftover(stmt.ast);
    if (!left) return [];
    const timeout = settingBefore(doc, stmt, 'statement_timeout');
    if (!timeout.by || timeout.value === undefined || durationMs(timeout.value) === 0) return [];
    return [
      {
        message:
          `statement_timeout = '${timeout.value}' (from \`${quote(timeout.by, 50)}\`) is still in force here: if this statement runs longer, PostgreSQL cancels it and leaves ${left}. ` +
          `A CONCURRENTLY statement blocks no reads or writes, so let it run: put SET statement_timeout = 0; right before it (lock_timeout still bounds the wait for its lock).`,
      },
    ];
  },
};
