import { inner, kindOf, type AstNode } from '../parse/ast';
import type { StatementInfo } from '../document/model';
import { describeLock, lockOnEachTable, optionOn } from './describe';
import { preexisting } from './migration';
import type { Rule } from './types';

/** REINDEX without CONCURRENTLY blocks writes to the table and reads through each index it rebuilds. */
export const rule: Rule = {
  id: 'require-concurrent-reindex',
  title: 'Rebuild indexes with REINDEX CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['ReindexStmt'],
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
    flagged: 'REINDEX INDEX orders_user_id_idx;',
    clean: 'REINDEX INDEX CONCURRENTLY orders_user_id_idx;',
  },
  check(stmt, { doc, config }) {
    if (kindOf(stmt.ast) !== 'ReindexStmt') return [];
    const s = inner(stmt.ast);
    const concurrent = optionOn(s.params, 'concurrently');
    if (WHOLE[s.kind]) return wholeSchemaOrDatabase(stmt, s, concurrent, config.pgVersion);
    if (concurrent) return [];
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

/** REINDEX forms that work through many tables, and what they cover in words. */
const WHOLE: Record<string, (name: string | undefined) => string> = {
  REINDEX_OBJECT_SCHEMA: (name) => `every table in schema ${name}`,
  REINDEX_OBJECT_DATABASE: () => 'every table of the database',
  REINDEX_OBJECT_SYSTEM: () => 'every system catalog of the database',
};

/** REINDEX SCHEMA|DATABASE|SYSTEM locks each table in turn, as REINDEX TABLE would (the model says how). */
function wholeSchemaOrDatabase(stmt: StatementInfo, s: AstNode, concurrent: boolean, pgVersion: number) {
  const system = s.kind === 'REINDEX_OBJECT_SYSTEM';
  // In a transaction PostgreSQL refuses it outright (concurrent-in-transaction reports that).
  if ((concurrent && !system) || stmt.inTransaction) return [];
  const lock = lockOnEachTable(stmt, pgVersion);
  if (!lock) return [];
  const reasons = stmt.locks.parts.flatMap((p) => p.reasons);
  const fix = system
    ? 'REINDEX SYSTEM has no CONCURRENTLY form, and every query needs the catalogs it locks: run it in a maintenance window, not in a migration.'
    : pgVersion >= 12
      ? `Use REINDEX ${s.kind === 'REINDEX_OBJECT_SCHEMA' ? 'SCHEMA' : 'DATABASE'} CONCURRENTLY, outside a transaction, or reindex only the indexes that need it with REINDEX INDEX CONCURRENTLY.`
      : `PostgreSQL ${pgVersion} has no REINDEX CONCURRENTLY (it arrived in 12): rebuild only the indexes that need it, with CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and a rename.`;
  return [
    {
      message:
        `REINDEX rebuilds the indexes of ${WHOLE[s.kind](s.name)}, one table after another, taking ${describeLock(lock)}, for each table's rebuild` +
        `${reasons.length ? `: ${reasons[0]}` : ''}. ${fix}`,
    },
  ];
}
