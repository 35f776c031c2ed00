/**
 * A Map whose `fork()` costs O(1) and whose changes cost O(log n): a persistent hash trie for the
 * keys (hashTrie.ts) and a persistent array for the order (orderTrie.ts), both shared between forks
 * and copied a path at a time. Schema history forks the catalog once per migration file: a plain
 * copy made a folder of N files cost O(N²), and the layered map before this one folded its layers
 * into new plain Maps, O(∛n) per change with a large constant (a 20,000-file folder allocated
 * 510 MB in those folds; issue 14).
 *
 * Iteration order is a Map's: insertion order, a replaced value keeps its place, a key deleted and
 * set again moves to the end. Keys are strings or numbers (hashed by value).
 */
import { findLeaf, hashOf, Leaf, newOwner, putLeaf, removeLeaf, type Branch, type Owner, type TrieKey } from './hashTrie';
import { EMPTY_ORDER, setAt, valuesInOrder, type OrderTrie } from './orderTrie';

export class ForkableMap<K extends TrieKey, V> implements Iterable<[K, V]> {
  /** Key → leaf (value and place in order). */
  private index: Branch<K, V> | undefined = undefined;
  /**
   * Place in order → key; holes where keys were deleted. Keys, not leaves: replacing a value (most
   * changes: the catalog copies a relation to alter it) leaves the order untouched.
   */
  private order: OrderTrie<K> = EMPTY_ORDER;
  /** The place the next new key takes. */
  private nextOrder = 0;
  private count = 0;
  /** Nodes made under this token since the last fork are this side's alone: changed in place. */
  private owner: Owner = newOwner();

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return findLeaf(this.index, key, hashOf(key))?.value;
  }

  has(key: K): boolean {
    return findLeaf(this.index, key, hashOf(key)) !== undefined;
  }

  set(key: K, value: V): this {
    const hash = hashOf(key);
    const old = findLeaf(this.index, key, hash);
    if (old && old.value === value) return this;
    const leaf = new Leaf(key, value, hash, old ? old.order : this.nextOrder++);
    this.index = putLeaf(this.index, leaf, this.owner);
    if (!old) {
      this.order = setAt(this.order, leaf.order, key, this.owner);
      this.count++;
    }
    return this;
  }

  delete(key: K): boolean {
    const hash = hashOf(key);
    const old = this.index && findLeaf(this.index, key, hash);
    if (!old) return false;
    this.index = removeLeaf(this.index!, key, hash, this.owner);
    this.order = setAt(this.order, old.order, undefined, this.owner);
    this.count--;
    // Holes past the live entries: renumber, so iteration and the order trie stay O(size).
    if (this.nextOrder > 2 * this.count + MIN_HOLES) this.renumber();
    return true;
  }

  /** An independent copy: later changes to either side do not show in the other. */
  fork(): ForkableMap<K, V> {
    const copy = new ForkableMap<K, V>();
    copy.index = this.index;
    copy.order = this.order;
    copy.nextOrder = this.nextOrder;
    copy.count = this.count;
    // The nodes are shared now: neither side may change them in place.
    this.owner = newOwner();
    return copy;
  }

  *entries(): IterableIterator<[K, V]> {
    // A snapshot: changes made while iterating copy their paths instead of changing these nodes.
    for (const leaf of this.leaves()) yield [leaf.key, leaf.value];
  }

  *keys(): IterableIterator<K> {
    for (const leaf of this.leaves()) yield leaf.key;
  }

  *values(): IterableIterator<V> {
    for (const leaf of this.leaves()) yield leaf.value;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** The entries, whatever the structure: equal maps serialize equal (fixes/window.ts compares catalogs so). */
  toJSON(): Array<[K, V]> {
    return [...this.entries()];
  }

  /** The leaves in order, from a snapshot of the tries: changes made meanwhile copy their paths. */
  private *leaves(): IterableIterator<Leaf<K, V>> {
    this.owner = newOwner();
    const index = this.index;
    for (const key of valuesInOrder(this.order)) yield findLeaf(index, key, hashOf(key))!;
  }

  /** The same entries in the same order, numbered 0… again, in new nodes of this side's own. */
  private renumber(): void {
    const leaves = [...this.leaves()];
    this.owner = newOwner();
    this.index = undefined;
    this.order = EMPTY_ORDER;
    for (const [place, old] of leaves.entries()) {
      const leaf = new Leaf(old.key, old.value, old.hash, place);
      this.index = putLeaf(this.index, leaf, this.owner);
      this.order = setAt(this.order, place, leaf.key, this.owner);
    }
    this.nextOrder = leaves.length;
  }
}

/** Holes tolerated in a small map before renumbering: below it a renumber costs more than it saves. */
const MIN_HOLES = 32;
