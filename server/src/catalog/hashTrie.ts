/**
 * A persistent hash array mapped trie (HAMT): the key index of ForkableMap. A change copies only the
 * nodes on its key's path (at most 7, ~3 for 20,000 keys), so two maps may share every other node.
 * Nodes created under the current `owner` token are not shared yet and are changed in place: a run
 * of changes between two forks copies each path once.
 */

/** Keys the trie hashes by value. Equality is Map's (SameValueZero). */
export type TrieKey = string | number;

/**
 * Whatever changes nodes in place: the token of one side of a fork, replaced at each fork. A number,
 * not an object: a catalog clone forks nine maps, and each fork takes two new tokens.
 */
export type Owner = number;

let lastOwner = 0;

/** A token no node has yet. */
export function newOwner(): Owner {
  return ++lastOwner;
}

/** One entry; immutable, so a replaced value is a new leaf. `order` is its place in insertion order. */
export class Leaf<K extends TrieKey, V> {
  constructor(
    readonly key: K,
    readonly value: V,
    readonly hash: number,
    readonly order: number,
  ) {}
}

/** Children by 5 bits of the hash at this depth: `slots` holds only the present ones, in bit order. */
export class Branch<K extends TrieKey, V> {
  constructor(
    public owner: Owner,
    public bitmap: number,
    public slots: Array<Node<K, V>>,
  ) {}
}

/** Keys whose 32-bit hashes are equal. */
class Collision<K extends TrieKey, V> {
  constructor(
    public owner: Owner,
    readonly hash: number,
    public leaves: Array<Leaf<K, V>>,
  ) {}
}

type Node<K extends TrieKey, V> = Leaf<K, V> | Branch<K, V> | Collision<K, V>;

const BITS = 5;
const MASK = 31;

/** A 32-bit hash, signed so that V8 keeps it a small integer (no heap number per leaf). */
export function hashOf(key: TrieKey): number {
  if (typeof key === 'number' && (key | 0) === key) return mix(key);
  const text = typeof key === 'string' ? key : String(key);
  // FNV-1a, then a final mix so that every 5-bit slice of the hash spreads the keys.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** MurmurHash3's finaliser. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** SameValueZero, as Map compares keys. */
function sameKey(a: TrieKey, b: TrieKey): boolean {
  return a === b || (a !== a && b !== b);
}

function popcount(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function findLeaf<K extends TrieKey, V>(root: Branch<K, V> | undefined, key: K, hash: number): Leaf<K, V> | undefined {
  let node: Node<K, V> | undefined = root;
  for (let shift = 0; node; shift += BITS) {
    if (node instanceof Leaf) return node.hash === hash && sameKey(node.key, key) ? node : undefined;
    if (node instanceof Collision) return node.hash === hash ? node.leaves.find((l) => sameKey(l.key, key)) : undefined;
    const bit = 1 << ((hash >>> shift) & MASK);
    if (!(node.bitmap & bit)) return undefined;
    node = node.slots[popcount(node.bitmap & (bit - 1))];
  }
  return undefined;
}

/** `root` with `leaf` in it, replacing the leaf of the same key if any. */
export function putLeaf<K extends TrieKey, V>(root: Branch<K, V> | undefined, leaf: Leaf<K, V>, owner: Owner): Branch<K, V> {
  return putInBranch(root ?? new Branch<K, V>(owner, 0, []), leaf, 0, owner);
}

function putInBranch<K extends TrieKey, V>(node: Branch<K, V>, leaf: Leaf<K, V>, shift: number, owner: Owner): Branch<K, V> {
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  if (!(node.bitmap & bit)) {
    const target = ownBranch(node, owner);
    target.slots.splice(at, 0, leaf);
    target.bitmap |= bit;
    return target;
  }
  const child = node.slots[at];
  let next: Node<K, V>;
  if (child instanceof Branch) next = putInBranch(child, leaf, shift + BITS, owner);
  else if (child.hash !== leaf.hash) next = split(child, leaf, shift + BITS, owner);
  else if (child instanceof Leaf) next = sameKey(child.key, leaf.key) ? leaf : new Collision(owner, leaf.hash, [child, leaf]);
  else next = putInCollision(child, leaf, owner);
  if (next === child) return node;
  const target = ownBranch(node, owner);
  target.slots[at] = next;
  return target;
}

/** A branch holding two nodes of different hashes that agreed on the bits above `shift`. */
function split<K extends TrieKey, V>(a: Leaf<K, V> | Collision<K, V>, b: Leaf<K, V>, shift: number, owner: Owner): Branch<K, V> {
  const ia = (a.hash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return new Branch<K, V>(owner, 1 << ia, [split(a, b, shift + BITS, owner)]);
  return new Branch<K, V>(owner, (1 << ia) | (1 << ib), ia < ib ? [a, b] : [b, a]);
}

function putInCollision<K extends TrieKey, V>(node: Collision<K, V>, leaf: Leaf<K, V>, owner: Owner): Collision<K, V> {
  const target = node.owner === owner ? node : new Collision(owner, node.hash, [...node.leaves]);
  const at = target.leaves.findIndex((l) => sameKey(l.key, leaf.key));
  if (at >= 0) target.leaves[at] = leaf;
  else target.leaves.push(leaf);
  return target;
}

/** `root` without `key`'s leaf, which must be in it; undefined once empty. */
export function removeLeaf<K extends TrieKey, V>(root: Branch<K, V>, key: K, hash: number, owner: Owner): Branch<K, V> | undefined {
  const next = removeFromBranch(root, key, hash, 0, owner);
  if (next === undefined || next instanceof Branch) return next;
  // The root stays a branch even with a single leaf or collision left.
  return new Branch<K, V>(owner, 1 << (next.hash & MASK), [next]);
}

function removeFromBranch<K extends TrieKey, V>(node: Branch<K, V>, key: K, hash: number, shift: number, owner: Owner): Node<K, V> | undefined {
  const bit = 1 << ((hash >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  const child = node.slots[at];
  let next: Node<K, V> | undefined;
  if (child instanceof Branch) next = removeFromBranch(child, key, hash, shift + BITS, owner);
  else if (child instanceof Collision) next = removeFromCollision(child, key, owner);
  else next = undefined;
  if (next === child) return node;
  if (next === undefined && node.slots.length === 1) return undefined;
  // A branch left with one leaf (or collision) gives it to its parent: lookups stay short.
  if (next === undefined && node.slots.length === 2) {
    const other = node.slots[1 - at];
    if (!(other instanceof Branch)) return other;
  }
  if (next !== undefined && node.slots.length === 1 && !(next instanceof Branch)) return next;
  const target = ownBranch(node, owner);
  if (next === undefined) {
    target.slots.splice(at, 1);
    target.bitmap &= ~bit;
  } else {
    target.slots[at] = next;
  }
  return target;
}

function removeFromCollision<K extends TrieKey, V>(node: Collision<K, V>, key: K, owner: Owner): Node<K, V> {
  const leaves = node.leaves.filter((l) => !sameKey(l.key, key));
  if (leaves.length === 1) return leaves[0];
  if (node.owner === owner) {
    node.leaves = leaves;
    return node;
  }
  return new Collision(owner, node.hash, leaves);
}

function ownBranch<K extends TrieKey, V>(node: Branch<K, V>, owner: Owner): Branch<K, V> {
  return node.owner === owner ? node : new Branch(owner, node.bitmap, node.slots.slice());
}
