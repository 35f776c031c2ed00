import { kindOf } from '../parse/ast';
import { describeLock, mainEffect, spanOfWords } from './describe';
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
  check(stmt, { doc }) {
    const hits: RuleHit[] = [];
    for (const part of stmt.locks.parts) {
      if (!REWRITING_ACTIONS.has(part.action)) continue;
      const lock = mainEffect(part.effects.filter((e) => e.kind === 'table' || e.kind === 'matview'));
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
