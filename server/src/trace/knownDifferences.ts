/**
 * Differences between a trace and the lock model that do not come from the statement itself:
 * most depend on the data (the model predicts what a statement does to the rows it is written
 * for, a trace sees what it did to the rows that happened to be there), one on code the model does
 * not read (PL/pgSQL bodies). Each is documented in docs/trace.md ("Known differences") and
 * reproduced in test/unit/trace/knownDifferences.test.ts.
 */
import { unreadCodeNote } from '../locks/statements';
import { as, baseName, inner, kindOf, list, names, rangeVarName, type AstNode } from '../parse/ast';

export interface KnownDifference {
  id: string;
  /** What the difference depends on, in the words the trace prints after "depends on". */
  dependsOn: typeof ON_DATA | typeof ON_UNREAD_CODE | typeof ON_DATABASE | typeof ON_REPLAY;
  /** One line for the report. */
  reason: string;
  matches(statementKind: string, difference: string, stmt: AstNode, context: DifferenceContext, statementIndex: number): boolean;
}

export interface DifferenceContext {
  /**
   * Whether `object` (a relation, index, sequence or type) was made by code Lockstep does not
   * analyse: a function or DO block that runs DDL ran, the model's schema does not know the
   * object, and no statement of the migration creates it (or it is an index on such a relation).
   */
  unseen(object: string): boolean;
  /**
   * Whether no migration before this statement made `object` (a relation, index or type): neither
   * the earlier migrations of the set nor an earlier statement of this file.
   */
  neverCreated(object: string, statementIndex: number): boolean;
  /** Whether a statement that could not be replayed (an extension PGlite lacks) names `object`: it would have made it. */
  madeByFailed(object: string): boolean;
  /** The lock model's notes on the statement. */
  notes(statementIndex: number): string[];
}

const NO_CONTEXT: DifferenceContext = { unseen: () => false, neverCreated: () => false, madeByFailed: () => false, notes: () => [] };

export const ON_DATA = 'the data';
export const ON_UNREAD_CODE = 'code the model does not read';
export const ON_DATABASE = 'objects outside the migrations';
export const ON_REPLAY = 'a statement the shadow database could not replay';

const IF_EXISTS_KINDS = new Set(['DropStmt', 'RenameStmt', 'AlterTableStmt']);

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'MergeStmt']);
/** Statements that run a query whose plan decides what is read: DML, and CREATE TABLE AS / MATERIALIZED VIEW, REFRESH. */
const QUERIES = new Set([...DML, 'CreateTableAsStmt', 'RefreshMatViewStmt']);

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'planner-scan',
    dependsOn: ON_DATA,
    reason: 'whether a query (INSERT/UPDATE/DELETE/SELECT, CREATE MATERIALIZED VIEW/TABLE AS) reads a table in full is the planner\'s choice (table size, statistics, a join side that finds nothing); the model assumes a large table',
    matches: (kind, d) => QUERIES.has(kind) && /: (observed a scan, the model did not predict one|the model predicted a scan, none was observed)$/.test(d),
  },
  {
    id: 'no-rows',
    dependsOn: ON_DATA,
    reason: 'foreign-key checks, cascades and sequence draws happen per row: a statement that touches no row takes none of their locks',
    matches: (kind, d) => DML.has(kind) && /: model (RowShareLock|RowExclusiveLock), observed (no lock|AccessShareLock)$/.test(d),
  },
  {
    id: 'fk-check-rows',
    dependsOn: ON_DATA,
    reason: 'validating a foreign key reads the referenced table only for referencing rows with a non-null key; with none (an empty table, a column just added) it is never read',
    matches: (kind, d, stmt) => {
      if (kind !== 'AlterTableStmt') return false;
      const m = /^(.+): the model predicted a scan, none was observed$/.exec(d);
      return !!m && referencedByAddedKeys(stmt).includes(m[1]);
    },
  },
  {
    id: 'unseen-objects',
    dependsOn: ON_UNREAD_CODE,
    reason: 'the object was made by a function or DO block running DDL (e.g. a partition named after the day the migration ran): the model does not analyse that code, so it cannot name the object',
    matches: (_kind, d, _stmt, context) => {
      const m = /^(?:the table of |type:)?(.+?): (model no lock, observed \w+|observed a (scan|rewrite), the model did not predict one)$/.exec(d);
      return !!m && context.unseen(m[1]);
    },
  },
  {
    id: 'unread-code-objects',
    dependsOn: ON_UNREAD_CODE,
    reason: 'DROP TRIGGER (POLICY, RULE) IF EXISTS … ON t after code the model does not read ran since t was created: it may have made the trigger, so the model keeps the ACCESS EXCLUSIVE lock on t; it had not, so nothing was locked',
    matches: (kind, d, stmt, context, index) => {
      const m = /^(.+?): model AccessExclusiveLock, observed no lock$/.exec(d);
      const object = names(list(inner(stmt).objects)[0]?.List?.items).pop();
      return kind === 'DropStmt' && !!m && !!object && context.notes(index).includes(unreadCodeNote(object, m[1]));
    },
  },
  {
    id: 'not-replayed',
    dependsOn: ON_REPLAY,
    reason: 'the object is made by an earlier statement the shadow database could not replay (an extension PGlite lacks): the model knows it, the shadow database does not have it',
    matches: (_kind, d, _stmt, context) => {
      const m = /^(?:the table of |type:)?(.+?): (model \w+, observed no lock|the model predicted a (scan|rewrite), none was observed)$/.exec(d);
      return !!m && context.madeByFailed(m[1]);
    },
  },
  {
    id: 'absent-if-exists',
    dependsOn: ON_DATABASE,
    reason: 'DROP … IF EXISTS (ALTER … IF EXISTS) of an object no earlier migration made: the shadow database does not have it, so nothing is locked; a database that has it (made by hand or by another tool) is locked as the model says',
    matches: (kind, d, stmt, context, index) => {
      const s = inner(stmt);
      if (!IF_EXISTS_KINDS.has(kind) || !s.missing_ok) return false;
      const m = /^(?:the table of |type:)?(.+?): model \w+, observed no lock$/.exec(d);
      // A rename is observed under the new name; the object it looks for has the old one.
      const object = kind === 'RenameStmt' && m && m[1] === s.newname ? baseName(rangeVarName(s.relation)) : m?.[1];
      return !!object && context.neverCreated(object, index);
    },
  },
];

/** Tables referenced by the foreign keys an ALTER TABLE adds. */
function referencedByAddedKeys(stmt: AstNode): string[] {
  // ADD CONSTRAINT … FOREIGN KEY, and ADD COLUMN … REFERENCES (checked when the column has a default).
  return list(inner(stmt).cmds)
    .map((c) => as(c, 'AlterTableCmd'))
    .flatMap((c) => (c?.subtype === 'AT_AddConstraint' ? [as(c.def, 'Constraint')] : c?.subtype === 'AT_AddColumn' ? list(as(c.def, 'ColumnDef')?.constraints).map((k) => as(k, 'Constraint')) : []))
    .filter((con) => con?.contype === 'CONSTR_FOREIGN' && con.pktable)
    .map((con) => baseName(rangeVarName(con!.pktable)));
}

/** What the known differences `ids` depend on, in words for the report ("the data", "code the model does not read", …). */
export function dependsOn(ids: string[]): string {
  const on = [ON_DATA, ON_UNREAD_CODE, ON_DATABASE, ON_REPLAY].filter((d) => KNOWN_DIFFERENCES.some((k) => ids.includes(k.id) && k.dependsOn === d));
  return on.join(' and ');
}

/** The known differences that explain every one of `differences`, or undefined when one is unexplained. */
export function explainDifferences(stmt: AstNode, differences: string[], context: DifferenceContext = NO_CONTEXT, statementIndex = 0): string[] | undefined {
  const kind = kindOf(stmt);
  const used = new Set<KnownDifference>();
  for (const d of differences) {
    const known = KNOWN_DIFFERENCES.find((k) => k.matches(kind, d, stmt, context, statementIndex));
    if (!known) return undefined;
    used.add(known);
  }
  return [...used].map((k) => k.id);
}
