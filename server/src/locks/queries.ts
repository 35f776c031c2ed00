/**
 * Locks taken by planned queries: DML, SELECT, CREATE TABLE AS, REFRESH, and the internal
 * queries PostgreSQL runs to validate foreign keys. The planner locks every index of a table
 * it scans in the table's own mode, so those index locks are part of the picture.
 */
import { relationsRead, type Catalog } from '../catalog/catalog';
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
 * a `SELECT … FOR KEY SHARE` on each referencing table, which scans it unless its FK columns are indexed.
 */
export function referentialChecks(table: string, ctx: LockContext, changedColumns?: string[]): LockEffect[] {
  return ctx.catalog
    .referencesTo(table)
    .filter((fk) => !changedColumns || (fk.referencedColumns ?? []).some((c) => changedColumns.includes(c)))
    .flatMap((fk) => plannedScan(fk.table, 'RowShareLock', ctx, !ctx.catalog.hasIndexLeadingWith(fk.table, fk.columns?.[0] ?? '')));
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
 * (named in no column list). Without a column list Lockstep assumes every column is given.
 */
export function sequencesDrawn(table: string, stmt: AstNode, ctx: LockContext): LockEffect[] {
  const given = list(stmt.cols).map((c) => as(c, 'ResTarget')?.name);
  if (given.length === 0) return [];
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
