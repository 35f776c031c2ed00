import { alteredTable, describeLock, effectOn, spanOf } from './describe';
import { definedColumns } from './columns';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** ADD COLUMN … NOT NULL without a DEFAULT fails on a table with rows, and breaks writers that omit it. */
export const rule: Rule = {
  id: 'required-column',
  title: 'NOT NULL columns without a DEFAULT on existing tables',
  category: 'breaking-change',
  defaultSeverity: 'warning',
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
    clean: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
  },
  check(stmt, { doc, config }) {
    const table = alteredTable(stmt);
    if (!table || !preexisting(doc, stmt, table)) return [];
    const hits: RuleHit[] = [];
    for (const column of definedColumns(stmt)) {
      const kinds = column.constraints.map((c) => c.contype);
      const required = kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_PRIMARY');
      // A default, identity, serial or generated column fills existing rows itself.
      const filled =
        kinds.includes('CONSTR_DEFAULT') || kinds.includes('CONSTR_IDENTITY') || kinds.includes('CONSTR_GENERATED') || column.type.name.startsWith('serial');
      if (!required || filled) continue;
      const part = stmt.locks.parts.find((p) => p.action === 'AT_AddColumn' && p.label === `ADD COLUMN ${column.name}`);
      const lock = part && effectOn(part, table);
      const fix =
        config.pgVersion >= 11
          ? `Give it a constant DEFAULT (PostgreSQL ${config.pgVersion} then adds it without a rewrite), or add it nullable, backfill in batches and SET NOT NULL afterwards`
          : `Add it nullable, backfill in batches and SET NOT NULL afterwards (before PostgreSQL 11 a DEFAULT rewrites the table)`;
      hits.push({
        span: spanOf(stmt, column.node),
        message:
          `ADD COLUMN ${column.name} NOT NULL without a DEFAULT fails as soon as ${table} has a row, and once it exists, INSERTs from running code that does not set ${column.name} fail` +
          `${lock ? ` (it also takes ${describeLock(lock)})` : ''}. ${fix}.`,
      });
    }
    return hits;
  },
};
