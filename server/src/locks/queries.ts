/**
 * Locks taken by planned queries: DML, SELECT, CREATE TABLE AS, REFRESH, and the internal
 * queries PostgreSQL runs to validate foreign keys. The planner locks every index of a table
 * it scans in the table's own mode, so those index locks are part of the picture.
 */
import { relationsRead, type Catalog, type ConstraintInfo } from '../catalog/catalog';
import { AstNode, as, baseName, list, names, walk } from '../parse/ast';
import type { LockMode } from './modes';
import type { Certainty, LockContext, LockEffect, ObjectKind } from './types';

export function effect(object: string, kind: ObjectKind, mode: LockMode, extra: Partial<LockEffect> = {}): LockEffect {
  return { object: baseName(object), kind, mode, rewrite: false, scan: false, ...extra };
}

/** A table scanned by a planned query: the table and each of its indexes, in `mode`. */
export function plannedScan(table: string, mode: LockMode, ctx: LockContext, scan: Certainty): LockEffect[] {
  return [
    effect(table, 'table', mode, { scan }),
    ...ctx.catalog.indexesOf(table).map((i) => effect(i, 'index', mode, { implied: true })),
  ];
}

/** Every table a query reads, scanned in full (CREATE TABLE AS, materialized views). */
export function queryReads(query: AstNode | undefined, ctx: LockContext, mode: LockMode = 'AccessShareLock', except: string[] = []): LockEffect[] {
  return relationsRead(query, (t) => !!ctx.catalog.relation(t))
    .filter((t) => !except.includes(t) && ctx.catalog.relation(t)?.kind !== 'view')
    .flatMap((t) => plannedScan(t, mode, ctx, true));
}

/**
 * Does a WHERE clause force a sequential scan of `table`? Lockstep's rule of thumb: no when it
 * compares the leading column of one of the table's indexes to a value, yes otherwise.
 */
export function whereScans(where: AstNode | undefined, table: string, catalog: Catalog): Certainty {
  if (!where) return true;
  let indexed = false;
  walk(where, (kind, value) => {
    if (kind !== 'A_Expr' || indexed) return;
    for (const side of [value.lexpr, value.rexpr]) {
      const col = names(as(side, 'ColumnRef')?.fields).pop();
      if (col && catalog.hasIndexLeadingWith(table, col)) indexed = true;
    }
  });
  return !indexed;
}

/**
 * Deleting (or changing the key of) a referenced row makes PostgreSQL look for referencing rows:
 * a `SELECT … FOR KEY SHARE` on each referencing table, which scans it unless its FK columns are
 * indexed. A key declared ON DELETE (ON UPDATE) CASCADE, SET NULL or SET DEFAULT changes those rows
 * instead (ROW EXCLUSIVE on the table and its indexes), and a cascade goes on to the tables
 * referencing them. `changedColumns`: the columns an UPDATE sets; undefined for a DELETE.
 */
export function referentialChecks(table: string, ctx: LockContext, changedColumns?: string[], visited: string[] = [table]): LockEffect[] {
  const deleting = changedColumns === undefined;
  return ctx.catalog
    .referencesTo(table)
    .filter((fk) => deleting || referencedKey(fk, ctx).some((c) => changedColumns.includes(c)))
    .flatMap((fk) => {
      const scan = !ctx.catalog.hasIndexLeadingWith(fk.table, fk.columns?.[0] ?? '');
      const action = (deleting ? fk.onDelete : fk.onUpdate) ?? 'a';
      if (action === 'a' || action === 'r') return plannedScan(fk.table, 'RowShareLock', ctx, scan);
      const changed = plannedScan(fk.table, 'RowExclusiveLock', ctx, scan);
      if (visited.includes(fk.table)) return changed;
      // Deleted rows cascade as a DELETE; changed keys (CASCADE on update, SET NULL, SET DEFAULT) as an UPDATE of the key columns.
      const next = action === 'c' && deleting ? undefined : (fk.columns ?? []);
      return [...changed, ...referentialChecks(fk.table, ctx, next, [...visited, fk.table])];
    });
}

/** The referenced columns of a foreign key: `REFERENCES t` without a list means t's primary key. */
function referencedKey(fk: ConstraintInfo, ctx: LockContext): string[] {
  if (fk.referencedColumns?.length) return fk.referencedColumns;
  const primary = ctx.catalog.constraintsOf(fk.references ?? '').find((c) => c.kind === 'primary');
  return (primary && ctx.catalog.relation(primary.name)?.indexColumns) ?? [];
}

/**
 * Inserting (or changing the key columns of) a referencing row makes PostgreSQL check that the
 * referenced row exists: a `SELECT … FOR KEY SHARE` on the referenced table, through its key index.
 * `columns`: the columns an UPDATE sets or an INSERT names (a NULL key is not checked; undefined: all).
 */
export function foreignKeyChecks(table: string, ctx: LockContext, columns?: string[]): LockEffect[] {
  return ctx.catalog
    .constraintsOf(table)
    .filter((c) => c.kind === 'foreign' && c.references && (!columns || (c.columns ?? []).some((col) => columns.includes(col))))
    .flatMap((c) => plannedScan(c.references!, 'RowShareLock', ctx, false).map((e) => ({ ...e, implied: true })));
}

/**
 * Sequences an INSERT draws from: those owned by a column the INSERT leaves to its default
 * (named in no column list, or every column under DEFAULT VALUES). Without a column list
 * Lockstep assumes every column is given.
 */
export function sequencesDrawn(table: string, stmt: AstNode, ctx: LockContext): LockEffect[] {
  const given = list(stmt.cols).map((c) => as(c, 'ResTarget')?.name);
  // DEFAULT VALUES is an INSERT with no query.
  if (given.length === 0 && stmt.selectStmt) return [];
  // The sequence a column owns keeps its name through renames of the table or column (`a_id_seq` on `b.id`).
  return ctx.catalog
    .sequencesOf(table)
    .filter((seq) => {
      const column = ctx.catalog.relation(seq)?.column;
      return column !== undefined && !given.includes(column) && ctx.catalog.column(table, column) !== undefined;
    })
    .map((seq) => effect(seq, 'sequence', 'RowExclusiveLock', { implied: true }));
}

/** The internal query that validates a foreign key reads both tables in full. */
export function foreignKeyValidation(table: string, referenced: string, ctx: LockContext): LockEffect[] {
  return [...plannedScan(table, 'AccessShareLock', ctx, true), ...plannedScan(referenced, 'AccessShareLock', ctx, true)];
}

/** Columns assigned by an UPDATE's SET list. */
export function updatedColumns(stmt: AstNode): string[] {
  return list(stmt.targetList).map((t) => as(t, 'ResTarget')?.name).filter((n): n is string => !!n);
}
