import type { MigrationDocument, StatementInfo } from '../document/model';
import { as, baseName, inner, kindOf, list, rangeVarName } from '../parse/ast';
import { alteredTable, describeLock, effectOn, partsWithAction, spanOfWords } from './describe';
import { loadedTable, preexisting } from './migration';
import type { Rule, RuleHit } from './types';

/**
 * A table this migration created and filled is "nobody else's" only until it is attached to a live
 * partitioned table. ATTACH then checks every row loaded into it while holding the parent's lock, and
 * scans the parent's DEFAULT partition under ACCESS EXCLUSIVE for rows that belong to the new one.
 */
export const rule: Rule = {
  id: 'attach-new-partition',
  title: 'ATTACH of a partition this migration created and filled scans it (and the DEFAULT partition) under the parent\'s locks',
  category: 'locking',
  defaultSeverity: 'warning',
  kinds: ['AlterTableStmt'],
  // Reads earlier statements the forward state does not capture (INSERT, COPY).
  crossStatement: true,
  reach: { loads: true },
  examples: {
    setup:
      'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n' +
      'CREATE TABLE events_archive (id bigint, at date NOT NULL);',
    flagged:
      'CREATE TABLE events_2024 (LIKE events);\n' +
      "INSERT INTO events_2024 SELECT * FROM events_archive WHERE at >= '2024-01-01' AND at < '2025-01-01';\n" +
      "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    clean:
      "CREATE TABLE events_2024 (LIKE events, CONSTRAINT events_2024_bound CHECK (at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01'));\n" +
      "INSERT INTO events_2024 SELECT * FROM events_archive WHERE at >= '2024-01-01' AND at < '2025-01-01';\n" +
      "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  },
  check(stmt, { doc }) {
    const parent = alteredTable(stmt);
    if (!parent || !preexisting(doc, stmt, parent)) return [];
    const hits: RuleHit[] = [];
    for (const part of partsWithAction(stmt, 'AT_AttachPartition')) {
      const pc = as(as(part.node, 'AlterTableCmd')?.def, 'PartitionCmd');
      const partition = baseName(rangeVarName(pc?.name));
      // attach-partition-scan judges tables that existed before the migration.
      if (preexisting(doc, stmt, partition)) continue;
      const span = spanOfWords(stmt, part.label);
      const parentLock = effectOn(part, parent);
      const scanned = effectOn(part, partition)?.scan !== false;
      const loaded = loadedBy(doc, stmt, partition);
      if (scanned && loaded && parentLock) {
        hits.push({
          span,
          message:
            `ATTACH PARTITION reads every row this migration's ${verbOf(loaded)} loaded into ${partition} to check the partition bound, while holding ${describeLock(parentLock)}: ` +
            `once attached, ${partition} is part of the live table ${parent}, not only this migration's. ` +
            `Give ${partition} a CHECK constraint matching the bound before attaching (it scans ${partition} alone, which nobody else uses yet); ATTACH then skips the scan.`,
        });
      }
      const fallback = defaultPartition(doc, stmt, parent);
      if (fallback && !(pc?.bound?.PartitionBoundSpec ?? pc?.bound)?.is_default) {
        hits.push({
          span,
          message:
            `${parent} has a DEFAULT partition, ${fallback}: ATTACH PARTITION scans all of it for rows that belong to ${partition}, holding an ACCESS EXCLUSIVE lock on ${fallback} that blocks reads and writes of every row stored there. ` +
            `First add a CHECK constraint to ${fallback} that excludes the new bound, NOT VALID, and VALIDATE it in an earlier migration (SHARE UPDATE EXCLUSIVE only); ATTACH then skips that scan.`,
        });
      }
    }
    return hits;
  },
};

/** The earlier statement of this migration that put rows into `table` (INSERT, COPY … FROM, CREATE TABLE … AS). */
function loadedBy(doc: MigrationDocument, stmt: StatementInfo, table: string): StatementInfo | undefined {
  return doc.statements.slice(0, stmt.index).find((s) => s.section === stmt.section && loadedTable(s) === table);
}

/** The parent's DEFAULT partition: from earlier migrations, or created or attached earlier in this one. */
function defaultPartition(doc: MigrationDocument, stmt: StatementInfo, parent: string): string | undefined {
  const known = doc.schemaBefore?.defaultPartitionOf(parent);
  if (known) return known;
  for (const s of doc.statements.slice(0, stmt.index)) {
    const x = inner(s.ast);
    if (kindOf(s.ast) === 'CreateStmt' && x.partbound?.is_default && list(x.inhRelations).some((r) => baseName(rangeVarName(as(r, 'RangeVar') ?? r)) === parent)) {
      return baseName(rangeVarName(x.relation));
    }
    if (kindOf(s.ast) === 'AlterTableStmt' && baseName(rangeVarName(x.relation)) === parent) {
      for (const c of list(x.cmds)) {
        const pc = as(as(c, 'AlterTableCmd')?.def, 'PartitionCmd');
        if (as(c, 'AlterTableCmd')?.subtype === 'AT_AttachPartition' && (pc?.bound?.PartitionBoundSpec ?? pc?.bound)?.is_default) return baseName(rangeVarName(pc?.name));
      }
    }
  }
  return undefined;
}

function verbOf(s: StatementInfo): string {
  return kindOf(s.ast) === 'CopyStmt' ? 'COPY' : kindOf(s.ast) === 'InsertStmt' ? 'INSERT' : 'CREATE TABLE … AS';
}
