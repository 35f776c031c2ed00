import { as, baseName, rangeVarName } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOfWords } from './describe';
import { preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/** ATTACH PARTITION reads the whole new partition under its lock unless a valid CHECK already proves the bound. */
export const rule: Rule = {
  id: 'attach-partition-scan',
  title: 'ATTACH PARTITION that scans the partition under its lock',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  examples: {
    setup:
      'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n' +
      'CREATE TABLE events_2025 (id bigint, at date NOT NULL);',
    flagged: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    clean:
      "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (at >= '2025-01-01' AND at < '2026-01-01') NOT VALID;\n" +
      'ALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound;\n' +
      "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n" +
      'ALTER TABLE events_2025 DROP CONSTRAINT events_2025_bound;',
  },
  check(stmt, { doc }) {
    const parent = alteredTable(stmt);
    if (!parent) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AttachPartition')) {
      const partition = baseName(rangeVarName(as(as(part.node, 'AlterTableCmd')?.def, 'PartitionCmd')?.name));
      const scanned = effectOn(part, partition);
      // A partition this migration created holds only what the migration put in it.
      if (!scanned || scanned.scan === false || !preexisting(doc, stmt, partition)) continue;
      const parentLock = effectOn(part, parent);
      hits.push({
        span: spanOfWords(stmt, part.label),
        message:
          `ATTACH PARTITION reads every row of ${partition} to check the partition bound while holding ${describeLock(scanned)}` +
          `${parentLock ? ` and ${describeLock(parentLock)}` : ''}. First add a CHECK constraint matching the bound NOT VALID on ${partition} and VALIDATE it; ` +
          `PostgreSQL then skips the scan (drop the CHECK after attaching).`,
      });
    }
    return hits;
  },
};
