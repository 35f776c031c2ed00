import { names } from '../parse/ast';
import { addedConstraint, alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** ADD UNIQUE builds its index under ACCESS EXCLUSIVE; build it CONCURRENTLY first and attach it. */
export const rule: Rule = {
  id: 'unique-constraint-needs-index',
  title: 'Add UNIQUE constraints from an index built CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    flagged: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    clean:
      'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n' +
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddConstraint', 'AT_AddColumn')) {
      const added = addedConstraint(part, 'CONSTR_UNIQUE');
      if (!added || added.con.indexname) continue;
      const { con, column } = added;
      const lock = effectOn(part, table);
      if (!lock) continue;
      const columns = column ? [column.colname] : names(con.keys);
      const name = con.conname ?? `${table}_${columns.join('_')}_key`;
      const first = column ? `add ${column.colname} without UNIQUE, then ` : '';
      hits.push({
        span: spanOf(stmt, part.node),
        message:
          `${column ? `ADD COLUMN ${column.colname} … UNIQUE` : 'ADD UNIQUE'} builds its index over every row while holding ${describeLock(lock)}. ` +
          `Instead, ${first}CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${table} (${columns.join(', ')}) outside a transaction, ` +
          `then ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name} (a brief lock, no scan).`,
      });
    }
    return hits;
  },
};
