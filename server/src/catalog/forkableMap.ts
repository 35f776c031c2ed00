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
import { hashOf, newOwner, orderOf, putEntry, removeEntry, valueOf, type Branch, type Owner, type TrieKey } from './hashTrie';
import { EMPTY_ORDER, setAt, valuesInOrder, type OrderTrie } from './orderTrie';

export class ForkableMap<K extends TrieKey, V> implements Iterable<[K, V]> {
  /** Key → value and place in order. */
  private index: Branch | undefined = undefined;
  /**
   * Place in order → key; holes where keys were deleted. Keys only: replacing a value (most
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
    return valueOf<V>(this.index, key, hashOf(key));
  }

  has(key: K): boolean {
    return orderOf(this.index, key, hashOf(key)) >= 0;
  }

  set(key: K, value: V): this {
    const hash = hashOf(key);
    const place = orderOf(this.index, key, hash);
    this.index = putEntry(this.index, key, value, hash, place >= 0 ? place : this.nextOrder, this.owner);
    if (place < 0) {
      this.order = setAt(this.order, this.nextOrder++, key, this.owner);
      this.count++;
    }
    return this;
  }

  delete(key: K): boolean {
    const hash = hashOf(key);
    const place = orderOf(this.index, key, hash);
    if (place < 0) return false;
    this.index = removeEntry(this.index!, key, hash, this.owner);
    this.order = setAt(this.order, place, undefined, this.owner);
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
    const index = this.snapshot();
    for (const key of valuesInOrder(this.order)) yield [key, valueOf<V>(index, key, hashOf(key)) as V];
  }

  *keys(): IterableIterator<K> {
    this.snapshot();
    yield* valuesInOrder(this.order);
  }

  *values(): IterableIterator<V> {
    const index = this.snapshot();
    for (const key of valuesInOrder(this.order)) yield valueOf<V>(index, key, hashOf(key)) as V;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** The entries, whatever the structure: equal maps serialize equal (fixes/window.ts compares catalogs so). */
  toJSON(): Array<[K, V]> {
    return [...this.entries()];
  }

  /** The key trie as it is now: changes made while iterating copy their paths instead of changing its nodes. */
  private snapshot(): Branch | undefined {
    this.owner = newOwner();
    return this.index;
  }

  /** The same entries in the same order, numbered 0… again, in new nodes of this side's own. */
  private renumber(): void {
    const entries = [...this.entries()];
    this.owner = newOwner();
    this.index = undefined;
    this.order = EMPTY_ORDER;
    for (const [place, [key, value]] of entries.entries()) {
      this.index = putEntry(this.index, key, value, hashOf(key), place, this.owner);
      this.order = setAt(this.order, place, key, this.owner);
    }
    this.nextOrder = entries.length;
  }
}

/** Holes tolerated in a small map before renumbering: below it a renumber costs more than it saves. */
const MIN_HOLES = 32;
