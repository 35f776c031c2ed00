import { createdEarlier } from '../document/model';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import type { Rule, RuleHit } from './types';

/**
 * ADD COLUMN that fills existing rows with per-row values rewrites the table: a volatile DEFAULT
 * (any DEFAULT before PG 11), serial (an implicit nextval() default), identity, or a STORED generated column.
 */
export const rule: Rule = {
  id: 'volatile-default',
  title: 'Adding a column with a volatile default rewrites the table',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
    flagged: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    clean:
      'ALTER TABLE users ADD COLUMN token uuid;\n' +
      'ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n' +
      '-- then backfill existing rows in batches',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || createdEarlier(doc, table, stmt.index)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AddColumn')) {
      const lock = effectOn(part, table);
      if (!lock || lock.rewrite === false) continue;
      const certainty = lock.rewrite === true ? 'rewrites' : 'may rewrite';
      hits.push({
        span: spanOf(stmt, part.node),
        severity: lock.rewrite === true ? undefined : 'info',
        message:
          `${part.label} ${certainty} ${table} and all its indexes while holding ${describeLock(lock)}: ${part.reasons.join('; ')}. ` +
          `Add a plain nullable column, then SET DEFAULT in a separate statement (it applies to new rows only) and backfill existing rows in batches.`,
      });
    }
    return hits;
  },
};
