/** CREATE INDEX, DROP INDEX and REINDEX, plain and CONCURRENTLY. */
import { AstNode, as, baseName, list, rangeVarName } from '../parse/ast';
import { effect } from './queries';
import type { LockContext, LockEffect, PartEffect } from './types';
import type { StatementFacts } from './statements';

const NON_TRANSACTIONAL = 'cannot run inside a transaction block';

function single(node: AstNode, label: string, effects: LockEffect[], reasons: string[] = []): PartEffect[] {
  return [{ label, node, action: Object.keys(node)[0], effects, reasons }];
}

function indexColumns(s: AstNode): string[] {
  return list(s.indexParams).map((p) => as(p, 'IndexElem')?.name ?? 'expr');
}

export function createIndex(s: AstNode, ctx: LockContext, node: AstNode): StatementFacts {
  const table = baseName(rangeVarName(s.relation));
  const columns = indexColumns(s);
  const index = s.idxname ?? `${table}_${columns.join('_')}_idx`;
  const partitioned = ctx.catalog.relation(table)?.kind === 'partitioned';
  // ON ONLY builds nothing on a partitioned table: an invalid parent index that partitions' indexes attach to.
  const onlyParent = !s.relation?.inh;
  const partitions = partitioned && !onlyParent ? ctx.catalog.partitionsOf(table) : undefined;
  if (s.concurrent) {
    return {
      parts: single(node, 'CREATE INDEX CONCURRENTLY', [effect(table, 'table', 'ShareUpdateExclusiveLock', { scan: true })], [
        'builds the index in two table scans while reads and writes continue; waits for older transactions at each phase',
      ]),
      transactional: false,
      notes: [
        `CREATE INDEX CONCURRENTLY ${NON_TRANSACTIONAL}; if it fails it leaves an INVALID index that must be dropped`,
        ...(ctx.pgVersion === 14 ? ['PostgreSQL 14.0–14.3 can corrupt indexes built CONCURRENTLY: run 14.4 or later'] : []),
        ...(partitioned ? ['CONCURRENTLY is not supported on a partitioned table: build it on each partition, then attach'] : []),
      ],
    };
  }
  const effects: LockEffect[] = [effect(index, 'index', 'AccessExclusiveLock', { created: true })];
  if (onlyParent && partitioned) {
    effects.push(effect(table, 'table', 'ShareLock'));
    return {
      parts: single(node, 'CREATE INDEX ON ONLY', effects, [`creates an invalid index on ${table} only, without scanning; it becomes valid once every partition's index is attached`]),
    };
  }
  if (partitions) {
    // The parent has no storage; each partition is scanned and gets its own index.
    effects.push(effect(table, 'table', 'ShareLock'));
    for (const p of partitions) {
      effects.push(effect(p, 'table', 'ShareLock', { scan: true, implied: true }));
      effects.push(effect(`${p}_${columns.join('_')}_idx`, 'index', 'AccessExclusiveLock', { created: true, implied: true }));
    }
  } else {
    effects.push(effect(table, 'table', 'ShareLock', { scan: true }));
  }
  return { parts: single(node, s.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX', effects, ['the index build reads the whole table while SHARE blocks writes']) };
}

export function dropIndexes(s: AstNode, ctx: LockContext, indexes: string[]): { effects: LockEffect[]; transactional: boolean; notes: string[] } {
  const mode = s.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
  const effects: LockEffect[] = [];
  for (const index of indexes) {
    const table = ctx.catalog.relation(index)?.table;
    effects.push(effect(table ?? `the table of ${index}`, 'table', mode));
    effects.push(effect(index, 'index', mode, { dropped: true }));
  }
  return s.concurrent
    ? { effects, transactional: false, notes: [`DROP INDEX CONCURRENTLY ${NON_TRANSACTIONAL}`] }
    : { effects, transactional: true, notes: [] };
}

export function reindex(s: AstNode, ctx: LockContext, node: AstNode): StatementFacts {
  const concurrent = list(s.params).some((p) => as(p, 'DefElem')?.defname === 'concurrently');
  const target = s.relation ? baseName(rangeVarName(s.relation)) : (s.name ?? '');
  const isIndex = s.kind === 'REINDEX_OBJECT_INDEX';
  // REINDEX SCHEMA/DATABASE/SYSTEM name no table: the model does not enumerate what they lock.
  const table = isIndex ? ctx.catalog.relation(target)?.table : s.kind === 'REINDEX_OBJECT_TABLE' ? target : undefined;
  const indexes = isIndex ? [target] : table ? ctx.catalog.indexesOf(table) : [];
  const effects: LockEffect[] = [];
  if (concurrent) {
    if (table) effects.push(effect(table, 'table', 'ShareUpdateExclusiveLock', { scan: true }));
    for (const i of indexes) {
      effects.push(effect(i, 'index', 'ShareUpdateExclusiveLock', { implied: !isIndex }));
      // The replacement is built beside the old index under a temporary name.
      effects.push(effect(`${i}_ccnew`, 'index', 'ShareUpdateExclusiveLock', { created: true, implied: true }));
    }
    return {
      parts: single(node, 'REINDEX CONCURRENTLY', effects, ['rebuilds each index beside the old one while reads and writes continue']),
      transactional: false,
      notes: [`REINDEX CONCURRENTLY ${NON_TRANSACTIONAL}`, ...(ctx.pgVersion < 12 ? ['REINDEX CONCURRENTLY needs PostgreSQL 12 or later'] : [])],
    };
  }
  if (table) effects.push(effect(table, 'table', 'ShareLock', { scan: true }));
  for (const i of indexes) effects.push(effect(i, 'index', 'AccessExclusiveLock', { implied: !isIndex }));
  return {
    parts: single(node, 'REINDEX', effects, ['rebuilding reads the whole table while SHARE blocks writes, and each index is ACCESS EXCLUSIVE (blocking reads that use it)']),
    transactional: !['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(s.kind),
  };
}
