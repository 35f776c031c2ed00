import { kindOf } from '../parse/ast';
import { describeLock, lockOnEachTable, mainEffect, spanOfWords } from './describe';
import type { StatementInfo } from '../document/model';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** Statements whose whole job is to rewrite a table (other rules cover rewrites as side effects). */
const REWRITING_ACTIONS = new Set(['VacuumStmt', 'ClusterStmt', 'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetAccessMethod', 'AT_SetExpression']);

/** VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET ACCESS METHOD: a full copy of the table under ACCESS EXCLUSIVE. */
export const rule: Rule = {
  id: 'table-rewrite',
  title: 'Statements that copy the whole table under ACCESS EXCLUSIVE',
  category: 'locking',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);',
    flagged: 'VACUUM FULL orders;',
    clean: '-- reclaim space online instead, e.g. with pg_repack run outside the migration:\n-- pg_repack --table=orders\nVACUUM orders;',
  },
  check(stmt, { doc, config }) {
    const hits: RuleHit[] = [];
    for (const part of stmt.locks.parts) {
      if (!REWRITING_ACTIONS.has(part.action)) continue;
      const tables = part.effects.filter((e) => e.kind === 'table' || e.kind === 'matview');
      if (tables.length === 0 && (part.action === 'VacuumStmt' || part.action === 'ClusterStmt')) {
        hits.push(...everyTable(stmt, part.label, config.pgVersion));
        continue;
      }
      const lock = mainEffect(tables);
      if (!lock || lock.rewrite === false || !preexisting(doc, stmt, lock.object)) continue;
      const fix =
        part.action === 'VacuumStmt' || part.action === 'ClusterStmt'
          ? 'Reclaim space or re-order rows online with pg_repack or pg_squeeze, outside the migration'
          : part.action === 'AT_SetExpression'
            ? 'Add a new generated column and switch to it, or accept the rewrite when the table is small'
            : 'There is no online form: run it when the table is small or traffic is low, with a short lock_timeout';
      hits.push({
        span: kindOf(stmt.ast) === 'AlterTableStmt' ? spanOfWords(stmt, part.label) : stmt.span,
        message: `${part.label} copies ${lock.object} and rebuilds its indexes while holding ${describeLock(lock)}, for the whole copy. ${fix}.`,
      });
    }
    return hits;
  },
};

/**
 * `CLUSTER;` and `VACUUM FULL;` name no table: they work through every table (CLUSTER: every one
 * clustered before) one after another. Inside a transaction PostgreSQL refuses them
 * (concurrent-in-transaction says so); outside, each table is copied under the lock the model gives.
 */
function everyTable(stmt: StatementInfo, label: string, pgVersion: number): RuleHit[] {
  if (stmt.inTransaction) return [];
  const lock = lockOnEachTable(stmt, pgVersion);
  if (!lock || lock.rewrite === false) return [];
  const which = kindOf(stmt.ast) === 'ClusterStmt' ? 'every table of the database that was clustered before' : 'every table of the database';
  return [
    {
      message:
        `${label} without a table copies ${which}, one after another, rebuilding its indexes while holding ${describeLock(lock)}, for each copy. ` +
        'Name the tables it must process, or reclaim space online with pg_repack or pg_squeeze, outside the migration.',
    },
  ];
}
