/**
 * The entries of one statement's slot in the engine's memo (EngineCache), found by a number key: a
 * scan while the list is short, buckets by key once it is long. A statement text repeated 800 times
 * in a file (`SET lock_timeout = '2s';`) shares one parse and so one slot with 800 analyses, one per
 * place; a scan per lookup made a relint quadratic in the copies.
 */

/** Lists longer than this are looked up through buckets. */
const SCAN_UP_TO = 8;

export class KeyedIndex<E> {
  private buckets: Map<number, E[]> | undefined;

  /** `keyOf`: the entry's key (undefined: never found by key). */
  constructor(private readonly keyOf: (entry: E) => number | undefined) {}

  /** The first entry of `list` with `key` that `accepts`. */
  find(list: readonly E[], key: number, accepts: (entry: E) => boolean): E | undefined {
    if (list.length <= SCAN_UP_TO) {
      for (const e of list) if (this.keyOf(e) === key && accepts(e)) return e;
      return undefined;
    }
    if (!this.buckets) {
      this.buckets = new Map();
      for (const e of list) this.add(e);
    }
    const bucket = this.buckets.get(key);
    if (bucket) for (const e of bucket) if (accepts(e)) return e;
    return undefined;
  }

  /** `entry` was pushed onto the list. */
  added(entry: E): void {
    if (this.buckets) this.add(entry);
  }

  /** `entry`'s key is about to change from `oldKey` (call `added` after). */
  removing(entry: E, oldKey: number | undefined): void {
    if (!this.buckets || oldKey === undefined) return;
    const bucket = this.buckets.get(oldKey);
    const at = bucket?.indexOf(entry) ?? -1;
    if (at >= 0) bucket!.splice(at, 1);
  }

  /** The list was replaced (entries dropped). */
  reset(): void {
    this.buckets = undefined;
  }

  private add(entry: E): void {
    const key = this.keyOf(entry);
    if (key === undefined) return;
    const bucket = this.buckets!.get(key);
    if (bucket) bucket.push(entry);
    else this.buckets!.set(key, [entry]);
  }
}

/** One number for two 32-bit ones (a bucket key: a collision only costs a comparison). */
export function pairKey(a: number, b: number): number {
  return (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
}
