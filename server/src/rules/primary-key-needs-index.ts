import { names } from '../parse/ast';
import { addedConstraint, alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/**
 * ADD PRIMARY KEY builds its index under ACCESS EXCLUSIVE, and PRIMARY KEY USING INDEX still
 * scans when its columns are not already NOT NULL.
 */
export const rule: Rule = {
  id: 'primary-key-needs-index',
  title: 'Add primary keys from an index built CONCURRENTLY, on columns already NOT NULL',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE events (id bigint NOT NULL, payload text);',
    flagged: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);',
    clean:
      'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\n' +
      'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;',
  },
  check(stmt, { doc, config }) {
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddConstraint', 'AT_AddColumn')) {
      const added = addedConstraint(part, 'CONSTR_PRIMARY');
      if (!added) continue;
      const { con, column } = added;
      const lock = effectOn(part, table);
      if (!lock) continue;
      const span = spanOf(stmt, part.node);
      if (con.indexname) {
        // The index exists; what is left is proving its columns NOT NULL, which scans under this lock.
        if (lock.scan === false) continue;
        const proof =
          config.pgVersion >= 12
            ? 'first add CHECK (column IS NOT NULL) NOT VALID, VALIDATE it in a later transaction and SET NOT NULL (PostgreSQL 12+ then skips the scan)'
            : `on PostgreSQL ${config.pgVersion} SET NOT NULL always scans: do it when the table is quiet`;
        hits.push({
          span,
          severity: lock.scan === true ? undefined : 'info',
          message: `${part.reasons.join('; ')} (it holds ${describeLock(lock)}). To make the attach instant, ${proof}.`,
        });
        continue;
      }
      const columns = column ? [column.colname] : names(con.keys);
      const index = con.conname ?? `${table}_pkey`;
      const first = column ? `add ${column.colname} without PRIMARY KEY and fill it, then ` : '';
      hits.push({
        span,
        message:
          `${column ? `ADD COLUMN ${column.colname} … PRIMARY KEY` : 'ADD PRIMARY KEY'} builds its index over every row while holding ${describeLock(lock)}. ` +
          `Instead, ${first}CREATE UNIQUE INDEX CONCURRENTLY ${index} ON ${table} (${columns.join(', ')}) outside a transaction, ` +
          `make sure ${columns.join(', ')} ${columns.length > 1 ? 'are' : 'is'} already NOT NULL, then ALTER TABLE ${table} ADD CONSTRAINT ${index} PRIMARY KEY USING INDEX ${index}.`,
      });
    }
    return hits;
  },
};
