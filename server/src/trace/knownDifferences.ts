/**
 * Differences between a trace and the lock model that depend on the data, not on the statement:
 * the model predicts what a statement does to the rows it is written for, a trace sees what it
 * did to the rows that happened to be there. Each is documented in docs/trace.md ("Known
 * differences") and reproduced in test/unit/trace/knownDifferences.test.ts.
 */
import { as, baseName, inner, kindOf, list, rangeVarName, type AstNode } from '../parse/ast';

export interface KnownDifference {
  id: string;
  /** One line for the report. */
  reason: string;
  matches(statementKind: string, difference: string, stmt: AstNode, context: DifferenceContext): boolean;
}

export interface DifferenceContext {
  /**
   * Whether `object` (a relation, index, sequence or type) was made by code Lockstep does not
   * analyse: a function or DO block that runs DDL ran, the model's schema does not know the
   * object, and the migration's text never names it.
   */
  unseen(object: string): boolean;
}

const NO_CONTEXT: DifferenceContext = { unseen: () => false };

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
  {
    id: 'fk-check-rows',
    reason: 'validating a foreign key reads the referenced table only for referencing rows with a non-null key; with none (an empty table, a column just added) it is never read',
    matches: (kind, d, stmt) => {
      if (kind !== 'AlterTableStmt') return false;
      const m = /^(.+): the model predicted a scan, none was observed$/.exec(d);
      return !!m && referencedByAddedKeys(stmt).includes(m[1]);
    },
  },
  {
    id: 'unseen-objects',
    reason: 'the object was made by a function or DO block running DDL (e.g. a partition named after the day the migration ran): the model does not analyse that code, so it cannot name the object',
    matches: (_kind, d, _stmt, context) => {
      const m = /^(?:the table of |type:)?(.+?): (model no lock, observed \w+|observed a (scan|rewrite), the model did not predict one)$/.exec(d);
      return !!m && context.unseen(m[1]);
    },
  },
];

/** Tables referenced by the foreign keys an ALTER TABLE adds. */
function referencedByAddedKeys(stmt: AstNode): string[] {
  return list(inner(stmt).cmds)
    .map((c) => as(c, 'AlterTableCmd'))
    .filter((c) => c?.subtype === 'AT_AddConstraint')
    .map((c) => as(c!.def, 'Constraint'))
    .filter((con) => con?.contype === 'CONSTR_FOREIGN' && con.pktable)
    .map((con) => baseName(rangeVarName(con!.pktable)));
}

/** The known differences that explain every one of `differences`, or undefined when one is unexplained. */
export function explainDifferences(stmt: AstNode, differences: string[], context: DifferenceContext = NO_CONTEXT): string[] | undefined {
  const kind = kindOf(stmt);
  const used = new Set<KnownDifference>();
  for (const d of differences) {
    const known = KNOWN_DIFFERENCES.find((k) => k.matches(kind, d, stmt, context));
    if (!known) return undefined;
    used.add(known);
  }
  return [...used].map((k) => k.id);
}
