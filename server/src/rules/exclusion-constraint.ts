import { as } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** ADD EXCLUDE builds its index under ACCESS EXCLUSIVE, and PostgreSQL has no concurrent way to do it. */
export const rule: Rule = {
  id: 'exclusion-constraint',
  title: 'Exclusion constraints on existing tables are built under ACCESS EXCLUSIVE',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange);',
    flagged: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);',
    clean:
      'CREATE TABLE bookings_v2 (\n  id bigint PRIMARY KEY,\n  during tstzrange,\n' +
      '  CONSTRAINT bookings_v2_no_overlap EXCLUDE USING gist (during WITH &&)\n);',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddConstraint')) {
      const con = as(as(part.node, 'AlterTableCmd')?.def, 'Constraint');
      if (con?.contype !== 'CONSTR_EXCLUSION') continue;
      const lock = effectOn(part, table);
      if (!lock) continue;
      hits.push({
        span: spanOf(stmt, part.node),
        message:
          `ADD EXCLUDE builds its index over every row while holding ${describeLock(lock)}, and PostgreSQL has no CONCURRENTLY form for it. ` +
          `Run it with a short lock_timeout when the table is small or quiet, or declare the constraint when the table is created.`,
      });
    }
    return hits;
  },
};
