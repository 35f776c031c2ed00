/**
 * A Map whose `fork()` costs O(∛n) amortised instead of O(n): both sides share a frozen base and each
 * keeps its own small layer of changes. Schema history forks the catalog once per migration file, so
 * a plain copy made a folder of N files cost O(N²) (issue 14's 20,000-file folder).
 *
 * The base has at most two tiers: a plain Map, or a frozen ForkableMap (a middle tier, itself over a
 * plain Map). A layer that outgrows ∛n folds into a new middle tier; a middle tier that outgrows
 * n^⅔ folds into a new plain Map. With one tier (fold straight into a Map past √n) every file of a
 * long set paid O(√n): 19 % of the CPU of an 8,000-file folder was that copy.
 *
 * Iteration order is a Map's: insertion order, a replaced value keeps its place, a key deleted and
 * set again moves to the end.
 */
export class ForkableMap<K, V> implements Iterable<[K, V]> {
  /** Shared with forks: never changed after it becomes a base. A ForkableMap here has a plain Map as its base. */
  private base: Map<K, V> | ForkableMap<K, V>;
  /** New values of base keys, in their base position. */
  private replaced: Map<K, V>;
  /** Base keys deleted here (and perhaps set again, in `added`). */
  private deleted: Set<K>;
  /** Keys set here that are not live in the base, in insertion order. */
  private added: Map<K, V>;
  /**
   * The three layer maps may also belong to a fork (copy-on-write): the first change on either side
   * copies them. A catalog forks nine maps per migration file and most files change two or three.
   */
  private layerShared = false;

  /** `fork`: internal to `fork()`, a new side of that map. */
  constructor(entries?: Iterable<readonly [K, V]>, fork?: ForkableMap<K, V>) {
    if (fork) {
      // Both sides share the base and, until one of them changes, the layer.
      this.base = fork.base;
      this.replaced = fork.replaced;
      this.deleted = fork.deleted;
      this.added = fork.added;
      this.layerShared = fork.layerShared = true;
      return;
    }
    this.base = new Map(entries);
    this.replaced = new Map();
    this.deleted = new Set();
    this.added = new Map();
  }

  get size(): number {
    return this.base.size - this.deleted.size + this.added.size;
  }

  get(key: K): V | undefined {
    if (this.added.has(key)) return this.added.get(key);
    if (this.deleted.has(key)) return undefined;
    return this.replaced.has(key) ? this.replaced.get(key) : this.base.get(key);
  }

  has(key: K): boolean {
    return this.added.has(key) || (!this.deleted.has(key) && this.base.has(key));
  }

  set(key: K, value: V): this {
    if (this.layerShared) this.ownLayer();
    if (!this.added.has(key) && this.base.has(key) && !this.deleted.has(key)) this.replaced.set(key, value);
    else this.added.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (this.layerShared) {
      if (!this.has(key)) return false;
      this.ownLayer();
    }
    if (this.added.delete(key)) return true;
    if (!this.base.has(key) || this.deleted.has(key)) return false;
    this.deleted.add(key);
    this.replaced.delete(key);
    return true;
  }

  /** An independent copy: later changes to either side do not show in the other. */
  fork(): ForkableMap<K, V> {
    // Fold the layer into the base once it outgrows ∛n, so a fork never copies more than that.
    if (this.layerSize() > Math.max(MIN_LAYER, Math.cbrt(this.base.size))) this.compact();
    return new ForkableMap<K, V>(undefined, this);
  }

  /** Layer maps of this side's own, before a change (they may be shared with a fork). */
  private ownLayer(): void {
    this.replaced = new Map(this.replaced);
    this.deleted = new Set(this.deleted);
    this.added = new Map(this.added);
    this.layerShared = false;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (this.deleted.has(key)) continue;
      yield [key, this.replaced.has(key) ? (this.replaced.get(key) as V) : value];
    }
    yield* this.added;
  }

  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** The entries, whatever the layers: equal maps serialize equal (fixes/window.ts compares catalogs so). */
  toJSON(): Array<[K, V]> {
    return [...this.entries()];
  }

  private layerSize(): number {
    return this.replaced.size + this.deleted.size + this.added.size;
  }

  /** Fold the layer into a new base: a middle tier while that stays under n^⅔, else a plain Map. */
  private compact(): void {
    const below = this.base;
    const next = new ForkableMap<K, V>();
    if (below instanceof ForkableMap && below.layerSize() + this.layerSize() <= Math.max(MIN_MIDDLE, Math.cbrt(below.base.size) ** 2)) {
      // A copy of the middle tier's layer over the same plain Map (the tier itself stays frozen).
      next.base = below.base;
      next.replaced = new Map(below.replaced);
      next.deleted = new Set(below.deleted);
      next.added = new Map(below.added);
    } else {
      next.base = below instanceof ForkableMap ? below.flattened() : below;
    }
    // The layer on top: a value replaced keeps its place, a deleted key goes, and an added one
    // (perhaps a deleted key set again) goes to the end, as `entries()` orders them.
    for (const [key, value] of this.replaced) next.set(key, value);
    for (const key of this.deleted) next.delete(key);
    for (const [key, value] of this.added) next.set(key, value);
    this.base = next;
    this.replaced = new Map();
    this.deleted = new Set();
    this.added = new Map();
    this.layerShared = false;
  }

  /** The entries as a plain Map (the base must be one): Map's own copy, then the layer on top. */
  private flattened(): Map<K, V> {
    const map = new Map(this.base as Map<K, V>);
    for (const [key, value] of this.replaced) map.set(key, value);
    for (const key of this.deleted) map.delete(key);
    for (const [key, value] of this.added) map.set(key, value);
    return map;
  }
}

/** Smallest layer worth folding: below it a fork's copy costs less than the fold. */
const MIN_LAYER = 32;
/** Smallest middle tier worth folding into a plain Map. */
const MIN_MIDDLE = 256;
