/**
 * Differences between a trace and the lock model that depend on the data, not on the statement:
 * the model predicts what a statement does to the rows it is written for, a trace sees what it
 * did to the rows that happened to be there. Each is documented in docs/trace.md ("Known
 * differences") and reproduced in test/unit/trace/knownDifferences.test.ts.
 */
import { kindOf, type AstNode } from '../parse/ast';

export interface KnownDifference {
  id: string;
  /** One line for the report. */
  reason: string;
  matches(statementKind: string, difference: string): boolean;
}

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'MergeStmt']);

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'planner-scan',
    reason: 'whether INSERT/UPDATE/DELETE/SELECT reads a table in full is the planner\'s choice (table size, statistics); the model assumes a large table',
    matches: (kind, d) => DML.has(kind) && /: (observed a scan, the model did not predict one|the model predicted a scan, none was observed)$/.test(d),
  },
  {
    id: 'no-rows',
    reason: 'foreign-key checks, cascades and sequence draws happen per row: a statement that touches no row takes none of their locks',
    matches: (kind, d) => DML.has(kind) && /: model (RowShareLock|RowExclusiveLock), observed (no lock|AccessShareLock)$/.test(d),
  },
];

/** The known differences that explain every one of `differences`, or undefined when one is unexplained. */
export function explainDifferences(stmt: AstNode, differences: string[]): string[] | undefined {
  const kind = kindOf(stmt);
  const used = new Set<KnownDifference>();
  for (const d of differences) {
    const known = KNOWN_DIFFERENCES.find((k) => k.matches(kind, d));
    if (!known) return undefined;
    used.add(known);
  }
  return [...used].map((k) => k.id);
}
