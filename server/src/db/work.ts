/**
 * The long work a statement does under its lock, and how long it takes: rewrites, validation
 * scans and index builds, read off the lock model's parts (rewrite/scan flags per relation)
 * and sized with the database's figures. Metadata-only DDL does no long work.
 */
import type { Catalog } from '../catalog/catalog';
import type { StatementInfo } from '../document/model';
import { formatBytes } from './format';
import type { WorkItem, WorkKind } from './report';
import type { RelationFacts } from './snapshot';
import { secondsFor, type Throughput } from './throughput';

const INDEX_BUILDS = new Set(['IndexStmt', 'ReindexStmt', 'AT_AddIndex']);
/** TRUNCATE "rewrites" by swapping in empty files: no time spent per row. */
const NO_ROW_WORK = new Set(['TruncateStmt']);

export interface WorkContext {
  relations: Record<string, RelationFacts>;
  /** The live schema as DDL replay, to find the partitioned parent of a partition. */
  schema: Catalog;
  throughput: Throughput;
  /** Relations this migration created before (or in) the statement: empty, so no work. */
  isNew(relation: string): boolean;
}

export function workOf(stmt: StatementInfo, ctx: WorkContext): WorkItem[] {
  const items: WorkItem[] = [];
  const seen = new Set<string>();
  for (const part of stmt.locks.parts) {
    if (NO_ROW_WORK.has(part.action)) continue;
    const indexBuild = INDEX_BUILDS.has(part.action) || (part.action === 'AT_AddConstraint' && /PRIMARY KEY|UNIQUE|EXCLUDE/.test(part.label));
    const concurrent = /CONCURRENTLY/.test(part.label);
    for (const effect of part.effects) {
      if (effect.created || effect.dropped || effect.kind === 'index' || effect.kind === 'type') continue;
      if (effect.rewrite === false && effect.scan === false) continue;
      // A partition's work is counted once, on its partitioned parent (whose sizes sum the partitions).
      const owner = ctx.relations[effect.object] ? effect.object : partitionRoot(effect.object, ctx);
      if (!owner || ctx.isNew(effect.object)) continue;
      const facts = ctx.relations[owner];
      const kind: WorkKind = effect.rewrite !== false ? 'rewrite' : indexBuild ? 'index build' : 'scan';
      const key = `${owner}|${kind}|${part.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const certain = (kind === 'rewrite' ? effect.rewrite : effect.scan) === true;
      items.push(sized(owner, kind, facts, ctx.throughput, certain, { concurrent, reindexAll: part.action === 'ReindexStmt' && effect.kind === 'table', label: part.label }));
    }
  }
  return items;
}

function sized(
  relation: string,
  kind: WorkKind,
  facts: RelationFacts,
  t: Throughput,
  certain: boolean,
  how: { concurrent: boolean; reindexAll: boolean; label: string },
): WorkItem {
  const heap = facts.heapBytes;
  const mb = (bytes: number) => formatBytes(bytes);
  if (kind === 'rewrite') {
    const copied = heap + facts.toastBytes;
    const indexes = facts.indexes.length;
    // Each index is rebuilt from the new heap: one more pass over it per index.
    const seconds = secondsFor(copied, t.rewriteMBps) + indexes * secondsFor(heap, t.indexBuildMBps);
    const rebuilds = indexes ? ` + ${indexes} index rebuild${indexes === 1 ? '' : 's'} at ${t.indexBuildMBps} MB/s` : '';
    return { relation, kind, bytes: copied + indexes * heap, seconds, certain, basis: `${mb(copied)} at ${t.rewriteMBps} MB/s${rebuilds}` };
  }
  if (kind === 'index build') {
    // REINDEX TABLE rebuilds every index; CONCURRENTLY scans the table twice.
    const count = how.reindexAll ? Math.max(1, facts.indexes.length) : 1;
    const passes = count * (how.concurrent ? 2 : 1);
    const what = how.reindexAll ? `${count} index${count === 1 ? '' : 'es'}` : 'the index';
    return {
      relation, kind, bytes: heap * passes, seconds: passes * secondsFor(heap, t.indexBuildMBps), certain,
      basis: `${what} over ${mb(heap)}${how.concurrent ? ' (two passes, CONCURRENTLY)' : ''} at ${t.indexBuildMBps} MB/s`,
    };
  }
  return { relation, kind, bytes: heap, seconds: secondsFor(heap, t.scanMBps), certain, basis: `${mb(heap)} at ${t.scanMBps} MB/s` };
}

function partitionRoot(name: string, ctx: WorkContext): string | undefined {
  let current = ctx.schema.relation(name)?.partitionOf;
  for (let depth = 0; current && depth < 10; depth++) {
    if (ctx.relations[current]) return current;
    current = ctx.schema.relation(current)?.partitionOf;
  }
  return undefined;
}
