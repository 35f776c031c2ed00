import { alteredTable, describeLock, effectOn, partsWithAction, spanOfWords } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** DETACH PARTITION without CONCURRENTLY locks the whole partitioned table ACCESS EXCLUSIVE. */
export const rule: Rule = {
  id: 'require-concurrent-detach',
  title: 'Detach partitions with DETACH PARTITION … CONCURRENTLY',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup:
      'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n' +
      "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    flagged: 'ALTER TABLE events DETACH PARTITION events_2024;',
    clean: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;',
  },
  check(stmt, { doc, config }) {
    const parent = alteredTable(stmt);
    if (!parent || !preexisting(doc, stmt, parent)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_DetachPartition')) {
      if (/CONCURRENTLY$/.test(part.label)) continue;
      const lock = effectOn(part, parent);
      if (!lock) continue;
      const modern = config.pgVersion >= 14;
      hits.push({
        span: spanOfWords(stmt, part.label),
        severity: modern ? undefined : 'info',
        message: modern
          ? `${part.label} takes ${describeLock(lock)}: every query on the partitioned table waits. Use DETACH PARTITION … CONCURRENTLY (outside a transaction; not possible while a DEFAULT partition exists), which only takes SHARE UPDATE EXCLUSIVE on ${parent}.`
          : `${part.label} takes ${describeLock(lock)}: every query on the partitioned table waits. PostgreSQL ${config.pgVersion} has no DETACH … CONCURRENTLY (it arrived in 14): keep a short lock_timeout and detach when traffic is low.`,
      });
    }
    return hits;
  },
};
