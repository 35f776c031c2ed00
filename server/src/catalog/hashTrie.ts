/**
 * A persistent hash array mapped trie (HAMT): the key index of ForkableMap. A change copies only the
 * nodes on its key's path (at most 7, ~3 for 20,000 keys), so two maps may share every other node.
 * Nodes created under the current `owner` token are not shared yet and are changed in place: a run
 * of changes between two forks copies each path once.
 *
 * Entries sit inline in their node's array as (key, value, order) triples, not as objects of their
 * own: a catalog holds ~250,000 entries over its maps, and an object each made every full GC mark
 * them all (the live heap was 14 MB larger than with plain Maps).
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

/** In a key's place in a triple: the next slot holds a sub-node (a Branch or a Collision). */
const NODE = Symbol('node');

/** Per bit of `bitmap` set, in bit order, three slots: key, value, order, or NODE, sub-node, 0. */
export class Branch {
  constructor(
    public owner: Owner,
    public bitmap: number,
    public slots: unknown[],
  ) {}
}

/** Keys whose 32-bit hashes are equal: (key, value, order) triples. */
class Collision {
  constructor(
    public owner: Owner,
    readonly hash: number,
    public slots: unknown[],
  ) {}
}

const BITS = 5;
const MASK = 31;

/** A 32-bit hash, signed so that V8 keeps it a small integer. */
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
function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

function popcount(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The slots `locate` found the key in (valid until the next call). */
let foundIn: unknown[] = [];

/** Where `key`'s triple starts in `foundIn`, or -1. */
function locate(root: Branch | undefined, key: TrieKey, hash: number): number {
  let node: Branch | Collision | undefined = root;
  for (let shift = 0; node; shift += BITS) {
    const slots: unknown[] = node.slots;
    if (node instanceof Collision) {
      if (node.hash !== hash) return -1;
      for (let i = 0; i < slots.length; i += 3) {
        if (sameKey(slots[i], key)) {
          foundIn = slots;
          return i;
        }
      }
      return -1;
    }
    const bit = 1 << ((hash >>> shift) & MASK);
    if (!(node.bitmap & bit)) return -1;
    const at = 3 * popcount(node.bitmap & (bit - 1));
    const slotKey = slots[at];
    if (slotKey === NODE) {
      node = slots[at + 1] as Branch | Collision;
      continue;
    }
    if (!sameKey(slotKey, key)) return -1;
    foundIn = slots;
    return at;
  }
  return -1;
}

export function valueOf<V>(root: Branch | undefined, key: TrieKey, hash: number): V | undefined {
  const at = locate(root, key, hash);
  return at < 0 ? undefined : (foundIn[at + 1] as V);
}

/** The key's place in insertion order, or -1 when absent. */
export function orderOf(root: Branch | undefined, key: TrieKey, hash: number): number {
  const at = locate(root, key, hash);
  return at < 0 ? -1 : (foundIn[at + 2] as number);
}

/** `root` with `key` → `value` (at `order`: the key's own when present), replacing the key's entry if any. */
export function putEntry(root: Branch | undefined, key: TrieKey, value: unknown, hash: number, order: number, owner: Owner): Branch {
  return putInBranch(root ?? new Branch(owner, 0, []), key, value, hash, order, 0, owner);
}

function putInBranch(node: Branch, key: TrieKey, value: unknown, hash: number, order: number, shift: number, owner: Owner): Branch {
  const bit = 1 << ((hash >>> shift) & MASK);
  const at = 3 * popcount(node.bitmap & (bit - 1));
  if (!(node.bitmap & bit)) {
    const target = ownBranch(node, owner);
    target.slots.splice(at, 0, key, value, order);
    target.bitmap |= bit;
    return target;
  }
  const slotKey = node.slots[at];
  if (slotKey === NODE) {
    const child = node.slots[at + 1] as Branch | Collision;
    const next = child instanceof Branch
      ? putInBranch(child, key, value, hash, order, shift + BITS, owner)
      : putInCollision(child, key, value, hash, order, shift + BITS, owner);
    if (next === child) return node;
    const target = ownBranch(node, owner);
    target.slots[at + 1] = next;
    return target;
  }
  if (sameKey(slotKey, key)) {
    if (node.slots[at + 1] === value) return node;
    const target = ownBranch(node, owner);
    target.slots[at + 1] = value;
    return target;
  }
  // Another key in this slot: both go one level down.
  const other = slotKey as TrieKey;
  const sub = pair(other, node.slots[at + 1], node.slots[at + 2] as number, hashOf(other), key, value, order, hash, shift + BITS, owner);
  const target = ownBranch(node, owner);
  target.slots[at] = NODE;
  target.slots[at + 1] = sub;
  target.slots[at + 2] = 0;
  return target;
}

/** A node at `shift` holding two entries that agreed on the hash bits above it. */
function pair(k1: TrieKey, v1: unknown, o1: number, h1: number, k2: TrieKey, v2: unknown, o2: number, h2: number, shift: number, owner: Owner): Branch | Collision {
  if (h1 === h2) return new Collision(owner, h1, [k1, v1, o1, k2, v2, o2]);
  const i1 = (h1 >>> shift) & MASK;
  const i2 = (h2 >>> shift) & MASK;
  if (i1 === i2) return new Branch(owner, 1 << i1, [NODE, pair(k1, v1, o1, h1, k2, v2, o2, h2, shift + BITS, owner), 0]);
  return new Branch(owner, (1 << i1) | (1 << i2), i1 < i2 ? [k1, v1, o1, k2, v2, o2] : [k2, v2, o2, k1, v1, o1]);
}

/** `node` (at `shift`) with the entry: among its keys when the hash is theirs, else beside it in a new branch. */
function putInCollision(node: Collision, key: TrieKey, value: unknown, hash: number, order: number, shift: number, owner: Owner): Branch | Collision {
  if (node.hash !== hash) return beside(node, key, value, hash, order, shift, owner);
  const target = node.owner === owner ? node : new Collision(owner, node.hash, node.slots.slice());
  for (let i = 0; i < target.slots.length; i += 3) {
    if (sameKey(target.slots[i], key)) {
      target.slots[i + 1] = value;
      return target;
    }
  }
  target.slots.push(key, value, order);
  return target;
}

function beside(node: Collision, key: TrieKey, value: unknown, hash: number, order: number, shift: number, owner: Owner): Branch {
  const ic = (node.hash >>> shift) & MASK;
  const ik = (hash >>> shift) & MASK;
  if (ic === ik) return new Branch(owner, 1 << ic, [NODE, beside(node, key, value, hash, order, shift + BITS, owner), 0]);
  return new Branch(owner, (1 << ic) | (1 << ik), ic < ik ? [NODE, node, 0, key, value, order] : [key, value, order, NODE, node, 0]);
}

/**
 * `root` without `key`'s entry, which must be in it; undefined once empty. A branch emptied goes;
 * one left with a single entry stays (lookups stay right, one level longer).
 */
export function removeEntry(root: Branch, key: TrieKey, hash: number, owner: Owner): Branch | undefined {
  return removeFromBranch(root, key, hash, 0, owner);
}

function removeFromBranch(node: Branch, key: TrieKey, hash: number, shift: number, owner: Owner): Branch | undefined {
  const bit = 1 << ((hash >>> shift) & MASK);
  const at = 3 * popcount(node.bitmap & (bit - 1));
  if (node.slots[at] === NODE) {
    const child = node.slots[at + 1] as Branch | Collision;
    const next = child instanceof Branch ? removeFromBranch(child, key, hash, shift + BITS, owner) : removeFromCollision(child, key, owner);
    if (next === child) return node;
    if (next !== undefined) {
      const target = ownBranch(node, owner);
      target.slots[at + 1] = next;
      return target;
    }
  }
  // The entry itself goes, or the sub-node it emptied.
  if (node.bitmap === bit) return undefined;
  const target = ownBranch(node, owner);
  target.slots.splice(at, 3);
  target.bitmap &= ~bit;
  return target;
}

function removeFromCollision(node: Collision, key: TrieKey, owner: Owner): Collision | undefined {
  const at = node.slots.findIndex((slot, i) => i % 3 === 0 && sameKey(slot, key));
  if (node.slots.length === 3) return undefined;
  const target = node.owner === owner ? node : new Collision(owner, node.hash, node.slots.slice());
  target.slots.splice(at, 3);
  return target;
}

function ownBranch(node: Branch, owner: Owner): Branch {
  return node.owner === owner ? node : new Branch(owner, node.bitmap, node.slots.slice());
}
