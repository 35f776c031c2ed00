import { createdEarlier } from '../document/model';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOf } from './describe';
import type { Rule, RuleHit } from './types';

/** ALTER COLUMN … TYPE that the lock model says rewrites the table (binary-coercible changes don't). */
export const rule: Rule = {
  id: 'type-change-rewrite',
  title: 'Column type changes that rewrite the table',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, amount int, note varchar(100));',
    flagged: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;',
    clean: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);',
  },
  check(stmt, { doc }) {
    const table = alteredTable(stmt);
    if (!table || createdEarlier(doc, table, stmt.index)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AlterColumnType')) {
      const lock = effectOn(part, table);
      if (!lock || lock.rewrite === false) continue;
      const sure = lock.rewrite === true;
      hits.push({
        span: spanOf(stmt, part.node),
        severity: sure ? undefined : 'info',
        message:
          `${part.label}: ${part.reasons.join('; ')}. ${sure ? 'It holds' : 'If it does, it holds'} ${describeLock(lock)} for the whole rewrite. ` +
          `Instead, add a new column, keep it in sync with a trigger, backfill in batches, then swap the columns.`,
      });
    }
    return hits;
  },
};
