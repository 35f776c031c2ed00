/**
 * A split's chunks or comments as the objects the splitter made (shared with earlier splits, their spans
 * where they were lexed) and each one's shift since: a number per item, not a copy. An incremental
 * re-split (splitIncremental.ts) moves the 10,000 chunks after a one-line edit of a 20,000-line file by
 * writing numbers; copying each chunk and its span was most of its cost and of the garbage it made.
 * A split made this way gives its `chunks` and `comments` arrays (with spans where they are now) on
 * first read; the patch path (document/patch.ts) and the next re-split read the list instead.
 */
import type { TextSpan } from '../findings';
import type { Chunk, SourceComment, SplitResult } from './split';

export interface ShiftedList<T extends { span: TextSpan }> {
  readonly items: readonly T[];
  /** Per item, how far it moved since it was lexed; undefined: none moved. */
  readonly shifts: Int32Array | undefined;
}

export function shiftAt(list: ShiftedList<{ span: TextSpan }>, i: number): number {
  return list.shifts ? list.shifts[i] : 0;
}

export function startAt(list: ShiftedList<{ span: TextSpan }>, i: number): number {
  return list.items[i].span.start + shiftAt(list, i);
}

export function endAt(list: ShiftedList<{ span: TextSpan }>, i: number): number {
  return list.items[i].span.end + shiftAt(list, i);
}

export function chunkAt(list: ShiftedList<Chunk>, i: number): Chunk {
  return movedChunk(list.items[i], shiftAt(list, i));
}

export function commentAt(list: ShiftedList<SourceComment>, i: number): SourceComment {
  return movedComment(list.items[i], shiftAt(list, i));
}

/** A chunk moved by `delta` (spelled out: a spread per chunk cost more than the lexing it saves). */
export function movedChunk(c: Chunk, delta: number): Chunk {
  return delta === 0 ? c : { kind: c.kind, span: { start: c.span.start + delta, end: c.span.end + delta }, text: c.text };
}

export function movedComment(c: SourceComment, delta: number): SourceComment {
  return delta === 0 ? c : { span: { start: c.span.start + delta, end: c.span.end + delta }, text: c.text, kind: c.kind };
}

interface Lists {
  chunks: ShiftedList<Chunk>;
  comments: ShiftedList<SourceComment>;
}

/** The lists of the splits made from lists (the others' are their arrays, nothing moved). */
const listsOf = new WeakMap<SplitResult, Lists>();

export function chunkList(split: SplitResult): ShiftedList<Chunk> {
  return listsOf.get(split)?.chunks ?? { items: split.chunks, shifts: undefined };
}

export function commentList(split: SplitResult): ShiftedList<SourceComment> {
  return listsOf.get(split)?.comments ?? { items: split.comments, shifts: undefined };
}

/** A split whose `chunks` and `comments` are made from the lists when first read (then kept). */
export function splitOfLists(lists: Lists, markers: SplitResult['markers']): SplitResult {
  let chunks: Chunk[] | undefined;
  let comments: SourceComment[] | undefined;
  const result = { markers } as SplitResult;
  Object.defineProperty(result, 'chunks', { enumerable: true, get: () => (chunks ??= materialize(lists.chunks, movedChunk)) });
  Object.defineProperty(result, 'comments', { enumerable: true, get: () => (comments ??= materialize(lists.comments, movedComment)) });
  listsOf.set(result, lists);
  return result;
}

function materialize<T extends { span: TextSpan }>(list: ShiftedList<T>, move: (item: T, delta: number) => T): T[] {
  const { items, shifts } = list;
  return shifts ? items.map((item, i) => move(item, shifts[i])) : items.slice();
}

/**
 * A list made of `previous`'s items [0, keepEnd), `middle` (lexed now), then `previous`'s items from
 * `resumeFrom` on, moved by `delta`.
 */
export function joinedList<T extends { span: TextSpan }>(previous: ShiftedList<T>, keepEnd: number, middle: readonly T[], resumeFrom: number, delta: number): ShiftedList<T> {
  const length = keepEnd + middle.length + previous.items.length - resumeFrom;
  // Sized once: pushing 10,000 items grew (and threw away) the backing store several times per edit.
  const items = new Array<T>(length);
  for (let i = 0; i < keepEnd; i++) items[i] = previous.items[i];
  for (let i = 0; i < middle.length; i++) items[keepEnd + i] = middle[i];
  for (let i = resumeFrom, at = keepEnd + middle.length; i < previous.items.length; i++, at++) items[at] = previous.items[i];
  const old = previous.shifts;
  if (!old && delta === 0) return { items, shifts: undefined };
  const shifts = new Int32Array(length);
  if (old) shifts.set(old.subarray(0, keepEnd));
  const at = keepEnd + middle.length;
  for (let i = resumeFrom; i < previous.items.length; i++) shifts[at + i - resumeFrom] = (old ? old[i] : 0) + delta;
  return { items, shifts };
}
