/**
 * A persistent array of a map's entries by insertion order (entry `order` at index `order`), with
 * holes where entries were deleted: ForkableMap iterates it to keep Map's order. Like hashTrie, a
 * change copies only its path (32 slots a level) and changes in place the blocks its owner made.
 */
import type { Owner } from './hashTrie';

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/**
 * Up to 32 slots: entries at the lowest level, blocks above. The array grows as far as its last slot
 * in use (appends copy a short tail block). `live`: the slots in use (an empty block is dropped).
 */
export class Block<T> {
  constructor(
    public owner: Owner,
    public slots: Array<T | Block<T> | undefined>,
    public live: number,
  ) {}
}

/** A trie of `levels` levels of blocks: it holds indexes below 32^levels. */
export interface OrderTrie<T> {
  readonly root: Block<T> | undefined;
  readonly levels: number;
}

export const EMPTY_ORDER: OrderTrie<never> = { root: undefined, levels: 1 };

/** `trie` with `value` at `index` (undefined: a hole), grown a level when `index` is past its end. */
export function setAt<T>(trie: OrderTrie<T>, index: number, value: T | undefined, owner: Owner): OrderTrie<T> {
  let { root, levels } = trie;
  while (index >= WIDTH ** levels) {
    // Grow: the old root becomes the first child of a new one.
    root = root && new Block<T>(owner, withSlot(emptySlots<T>(), 0, root), 1);
    levels++;
  }
  const next = setInBlock(root, (levels - 1) * BITS, index, value, owner);
  return next === trie.root && levels === trie.levels ? trie : { root: next, levels };
}

function setInBlock<T>(block: Block<T> | undefined, shift: number, index: number, value: T | undefined, owner: Owner): Block<T> | undefined {
  const at = (index >>> shift) & MASK;
  const old = block?.slots[at];
  const next = shift === 0 ? value : setInBlock(old as Block<T> | undefined, shift - BITS, index, value, owner);
  if (next === old) return block;
  const live = (block?.live ?? 0) + (old === undefined ? 1 : 0) - (next === undefined ? 1 : 0);
  if (live === 0) return undefined;
  if (block && block.owner === owner) {
    block.slots[at] = next;
    block.live = live;
    return block;
  }
  return new Block<T>(owner, withSlot(block ? block.slots.slice() : emptySlots<T>(), at, next), live);
}

export function getAt<T>(trie: OrderTrie<T>, index: number): T | undefined {
  let node: T | Block<T> | undefined = trie.root;
  for (let shift = (trie.levels - 1) * BITS; node !== undefined && shift >= 0; shift -= BITS) {
    node = (node as Block<T>).slots[(index >>> shift) & MASK];
  }
  return node as T | undefined;
}

/** The values in index order, holes skipped. */
export function* valuesInOrder<T>(trie: OrderTrie<T>): IterableIterator<T> {
  if (!trie.root) return;
  // Depth-first without recursion: a stack of (block, next slot) pairs.
  const blocks: Array<Block<T>> = [trie.root];
  const next: number[] = [0];
  while (blocks.length > 0) {
    const top = blocks.length - 1;
    const block = blocks[top];
    const at = next[top]++;
    if (at === WIDTH) {
      blocks.pop();
      next.pop();
      continue;
    }
    const slot = block.slots[at];
    if (slot === undefined) continue;
    if (blocks.length === trie.levels) {
      yield slot as T;
    } else {
      blocks.push(slot as Block<T>);
      next.push(0);
    }
  }
}

function emptySlots<T>(): Array<T | Block<T> | undefined> {
  return [];
}

function withSlot<T>(slots: Array<T | Block<T> | undefined>, at: number, value: T | Block<T> | undefined): Array<T | Block<T> | undefined> {
  slots[at] = value;
  return slots;
}
