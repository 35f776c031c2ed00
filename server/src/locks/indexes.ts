/** CREATE INDEX, DROP INDEX and REINDEX, plain and CONCURRENTLY. */
import { defaultIndexName, indexNameColumns } from '../catalog/catalog';
import { AstNode, as, baseName, list, rangeVarName } from '../parse/ast';
import { effect } from './queries';
import { optionEnabled } from './options';
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
  const index = s.idxname ?? defaultIndexName(table, indexNameColumns(s), 'idx');
  const partitioned = ctx.catalog.relation(table)?.kind === 'partitioned';
  // ON ONLY builds nothing on a partitioned table: an invalid parent index that partitions' indexes attach to.
  const onlyParent = !s.relation?.inh;
  const partitions = partitioned && !onlyParent ? ctx.catalog.partitionsOf(table) : undefined;
  // IF NOT EXISTS over an index that is already there builds nothing (it only takes the table lock).
  if (s.if_not_exists && ctx.catalog.relation(index)?.kind === 'index') {
    const mode = s.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock';
    return {
      parts: single(node, 'CREATE INDEX IF NOT EXISTS', [effect(table, 'table', mode)], [`${index} already exists, so nothing is built`]),
      transactional: !s.concurrent,
    };
  }
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
      effects.push(effect(defaultIndexName(p, indexNameColumns(s), 'idx'), 'index', 'AccessExclusiveLock', { created: true, implied: true }));
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

const MULTI_TABLE: Record<string, string> = {
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
};

/** The tables REINDEX SCHEMA/DATABASE goes through (SYSTEM: only catalogs, which Lockstep does not model). */
function reindexedTables(s: AstNode, ctx: LockContext): string[] {
  const storage = (kind: string) => kind === 'table' || kind === 'matview';
  if (s.kind === 'REINDEX_OBJECT_SCHEMA') {
    const schema = String(s.name ?? '');
    // Tables created without a schema name live in public, as far as Lockstep can tell.
    return ctx.catalog.allRelations().filter((r) => storage(r.kind) && (r.schema ?? 'public') === schema).map((r) => r.name);
  }
  if (s.kind === 'REINDEX_OBJECT_DATABASE') return ctx.catalog.allRelations().filter((r) => storage(r.kind)).map((r) => r.name);
  return [];
}

export function reindex(s: AstNode, ctx: LockContext, node: AstNode): StatementFacts {
  // `REINDEX (CONCURRENTLY false)` is a plain REINDEX.
  const concurrent = optionEnabled(s.params, 'concurrently');
  const target = s.relation ? baseName(rangeVarName(s.relation)) : (s.name ?? '');
  const isIndex = s.kind === 'REINDEX_OBJECT_INDEX';
  const multi = MULTI_TABLE[s.kind];
  const tables = multi ? reindexedTables(s, ctx) : [];
  const table = isIndex ? ctx.catalog.relation(target)?.table : s.kind === 'REINDEX_OBJECT_TABLE' ? target : undefined;
  if (table) tables.push(table);
  const effects: LockEffect[] = [];
  const tableMode = concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock';
  // An index whose table Lockstep does not know is still locked (and rebuilt) itself.
  const targets: Array<[string | undefined, string[]]> = isIndex && !table ? [[undefined, [target]]] : tables.map((t) => [t, isIndex ? [target] : ctx.catalog.indexesOf(t)]);
  for (const [t, indexes] of targets) {
    if (t) effects.push(effect(t, ctx.catalog.relation(t)?.kind === 'matview' ? 'matview' : 'table', tableMode, { scan: true, implied: !!multi }));
    for (const i of indexes) {
      if (concurrent) {
        effects.push(effect(i, 'index', 'ShareUpdateExclusiveLock', { implied: !isIndex }));
        // The replacement is built beside the old index under a temporary name, then takes its place.
        effects.push(effect(`${i}_ccnew`, 'index', 'ShareUpdateExclusiveLock', { created: true, implied: true }));
      } else {
        // A plain REINDEX writes each index into a new file.
        effects.push(effect(i, 'index', 'AccessExclusiveLock', { implied: !isIndex, rewrite: true }));
      }
    }
  }
  const inTurn = multi
    ? [
        `REINDEX ${multi} rebuilds ${multi === 'SYSTEM' ? 'every system catalog' : `every table${multi === 'SCHEMA' ? ` of schema ${target}` : ''}`} in turn, one transaction per table: ` +
          (concurrent
            ? 'each table is SHARE UPDATE EXCLUSIVE while its indexes are rebuilt beside the old ones'
            : 'each table is locked SHARE (blocking writes) and its indexes ACCESS EXCLUSIVE (blocking reads that use them) while it is rebuilt'),
      ]
    : [];
  const versionNote = concurrent && ctx.pgVersion < 12 ? ['REINDEX CONCURRENTLY needs PostgreSQL 12 or later'] : [];
  if (concurrent) {
    return {
      parts: single(node, multi ? `REINDEX ${multi} CONCURRENTLY` : 'REINDEX CONCURRENTLY', effects, ['rebuilds each index beside the old one while reads and writes continue']),
      transactional: false,
      notes: [`REINDEX CONCURRENTLY ${NON_TRANSACTIONAL}`, ...inTurn, ...versionNote],
    };
  }
  return {
    parts: single(node, multi ? `REINDEX ${multi}` : 'REINDEX', effects, ['rebuilding reads the whole table while SHARE blocks writes, and each index is ACCESS EXCLUSIVE (blocking reads that use it)']),
    transactional: !multi,
    notes: multi ? [`REINDEX ${multi} ${NON_TRANSACTIONAL}`, ...inTurn] : [],
  };
}
