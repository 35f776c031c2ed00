/**
 * Which schema-changing statements' effects looked a relation up (lazyCatalog.ts ApplyReads), by
 * relation: the column patch (columnPatch.ts) asks for the last one before a checkpoint, once per
 * statement it analyses again, in a 20,000-line file where a walk over the statements in between
 * cost more than the rest of the patch's decision.
 */
import { Catalog } from '../catalog/catalog';
import type { ApplyReads } from './lazyCatalog';
import type { BuildTrace, StatementInfo } from './model';

interface ApplyIndex {
  /** Relation → the ordinals (lazyCount) of the statements whose effect looked it up, ascending. */
  byRelation: Map<string, number[]>;
  /** The ordinals whose effect walked every relation, or is not known, ascending. */
  unknown: number[];
  /** Ordinal → statement index. */
  indexOf: number[];
}

/** Built once per whole build's array (column patches and ordinary ones keep it, and the statements' kinds). */
const indexes = new WeakMap<object, ApplyIndex>();

function indexOf(trace: BuildTrace, statements: readonly StatementInfo[]): ApplyIndex | undefined {
  const reads = trace.applyReads;
  if (!reads) return undefined;
  let index = indexes.get(reads);
  if (index) return index;
  index = { byRelation: new Map(), unknown: [], indexOf: [] };
  for (let k = 0; k < statements.length; k++) {
    const ordinal = trace.lazyCount[k];
    if (ordinal < 0 || !Catalog.changedBy(statements[k].kind)) continue;
    index.indexOf[ordinal] = k;
    const read = reads[ordinal];
    if (read === undefined || read === 'all') {
      index.unknown.push(ordinal);
      continue;
    }
    for (const name of read) {
      let list = index.byRelation.get(name);
      if (!list) index.byRelation.set(name, (list = []));
      list.push(ordinal);
    }
  }
  indexes.set(reads, index);
  return index;
}

/** The greatest value below `to` in the ascending `list`, or -1. */
function lastBelow(list: readonly number[] | undefined, to: number): number {
  if (!list) return -1;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid] < to) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? list[low - 1] : -1;
}

/**
 * The index of the last statement with an ordinal in [from, to) whose effect may have looked
 * `relation` up (it did, walked every relation, or is not known); -1 when none did; undefined when
 * the document has no record of what its effects looked up.
 */
export function lastTouching(trace: BuildTrace, statements: readonly StatementInfo[], relation: string, from: number, to: number): number | undefined {
  const index = indexOf(trace, statements);
  if (!index) return undefined;
  const last = Math.max(lastBelow(index.byRelation.get(relation), to), lastBelow(index.unknown, to));
  return last >= from ? index.indexOf[last] : -1;
}
