import { baseName, inner, kindOf, list, rangeVarName } from '../parse/ast';
import { describeLock } from './describe';
import { inRollback, preexisting } from './migration';
import type { Rule } from './types';

/** TRUNCATE deletes every row (of every referencing table, with CASCADE) under ACCESS EXCLUSIVE. */
export const rule: Rule = {
  id: 'truncate',
  title: 'TRUNCATE deletes every row under ACCESS EXCLUSIVE',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  kinds: ['TruncateStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
    flagged: 'TRUNCATE users CASCADE;',
    clean: "-- delete in batches, so the table stays readable and writable:\nDELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE user_id IS NULL LIMIT 1000);",
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    if (kindOf(stmt.ast) !== 'TruncateStmt') return [];
    const named = list(inner(stmt.ast).relations).map((r) => baseName(rangeVarName(r)));
    const emptied = stmt.locks.effects.filter((e) => e.kind === 'table' && preexisting(doc, stmt, e.object));
    if (emptied.length === 0) return [];
    const cascaded = emptied.filter((e) => !named.includes(e.object)).map((e) => e.object);
    return [
      {
        message:
          `TRUNCATE deletes every row of ${emptied.map((e) => e.object).join(', ')}${cascaded.length ? ` (CASCADE adds ${cascaded.join(', ')}, which reference it)` : ''}, ` +
          `and takes ${describeLock(emptied[0])} until the transaction ends. If the data must go, DELETE in batches instead, so the table stays usable; if it is really a reset, say so with -- lockstep-ignore truncate: reason.`,
      },
    ];
  },
};
