/**
 * Table, index and TOAST sizes of one relation. Measured with pg_relation_size & co (ACCESS SHARE
 * for an instant, partition by partition) unless another session holds or awaits ACCESS EXCLUSIVE
 * on it — then, or when lock_timeout fires anyway, from relpages: statistics, no lock.
 */
import { DatabaseError } from './errors';
import { num, str, type Row } from './rows';
import type { ReadOnlySession } from './session';
import type { RelationFacts } from './snapshot';

export interface SizeInputs {
  session: ReadOnlySession;
  /** The relation's catalog row, and its leaf partitions (empty for a plain table). */
  row: Row;
  partitions: Row[];
  /** Its index rows (oid, name), to put measured sizes on `facts.indexes`. */
  indexes: Row[];
  blockSize: number;
  /** May it still be measured (the caller caps how many relations are)? */
  measure: boolean;
}

/** Fills the size fields of `facts`; returns how many size queries it ran. */
export async function fillSizes(facts: RelationFacts, input: SizeInputs): Promise<number> {
  const exclusive = facts.locks.find((l) => l.mode === 'AccessExclusiveLock');
  if (exclusive) {
    fromStatistics(facts, input);
    facts.sizeNote = `pid ${exclusive.session.pid ?? '(prepared)'} ${exclusive.granted ? 'holds' : 'waits for'} ACCESS EXCLUSIVE on it, so sizes come from statistics (no lock taken)`;
    return 0;
  }
  if (!input.measure) {
    fromStatistics(facts, input);
    facts.sizeNote = 'too many relations to measure; sizes come from statistics';
    return 0;
  }
  const targets = input.partitions.length ? input.partitions.map((p) => num(p.oid)) : [num(input.row.oid)];
  try {
    let heap = 0, toast = 0, index = 0, total = 0;
    const indexSizes: Record<string, number> = {};
    for (const target of targets) {
      const [sizes] = await input.session.run('sizes', [target]);
      heap += num(sizes?.heap_bytes);
      toast += num(sizes?.toast_bytes);
      index += num(sizes?.index_bytes);
      total += num(sizes?.total_bytes);
      Object.assign(indexSizes, sizes?.index_sizes ?? {});
    }
    Object.assign(facts, { heapBytes: heap, toastBytes: toast, indexBytes: index, totalBytes: total, sizeSource: 'measured' });
    for (const i of input.indexes) {
      const entry = facts.indexes.find((f) => f.name === str(i.name));
      const bytes = num(indexSizes[str(i.oid)]);
      if (entry && bytes) entry.bytes = bytes;
    }
  } catch (error) {
    if (!(error instanceof DatabaseError) || error.kind === 'cancelled') throw error;
    fromStatistics(facts, input);
    facts.sizeNote = `sizes come from statistics: ${error.message}`;
  }
  return targets.length;
}

function fromStatistics(facts: RelationFacts, input: SizeInputs): void {
  const parts = input.partitions.length ? input.partitions : [input.row];
  facts.heapBytes = parts.reduce((s, p) => s + num(p.relpages) * input.blockSize, 0);
  facts.toastBytes = parts.reduce((s, p) => s + num(p.toast_relpages) * input.blockSize, 0);
  facts.indexBytes = facts.indexes.reduce((s, i) => s + i.bytes, 0);
  facts.totalBytes = facts.heapBytes + facts.toastBytes + facts.indexBytes;
  facts.sizeSource = 'statistics';
}
