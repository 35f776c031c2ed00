/**
 * A document's text kept in pieces (flat strings of a few thousand characters), so an edit builds only
 * the piece it touches. A whole-text JS string of a 20,000-line file is ~790 KB: above V8's 128 KB
 * limit every new one is a fresh large-object chunk, and building (flattening) it cost ~3.7 ms per
 * keystroke in page faults alone (BENCHMARKS.md, thirteenth session). Snapshots are immutable: an edit
 * returns a new PieceText sharing every untouched piece. The whole string is built only when a reader
 * asks for it (`whole`), once per snapshot, and counted (`materialisations`) so tests can see who did.
 *
 * `SourceText` is what the engine's incremental path reads: a string (the CLI, tests) or pieces.
 */

import { lastAtOrBefore } from './positions';

/** Pieces are cut to this length; an edited piece longer than twice it is cut again. */
export const PIECE_LENGTH = 8192;

/** Whole-text strings built from pieces (tests: an edit's relint should build none). */
export const materialisations = { count: 0 };

export class PieceText {
  private full: string | undefined;

  private constructor(
    private readonly pieces: readonly string[],
    /** Where each piece starts. */
    private readonly starts: readonly number[],
    readonly length: number,
    full?: string,
  ) {
    this.full = full;
  }

  static of(text: string, pieceLength = PIECE_LENGTH): PieceText {
    const pieces = cut(text, pieceLength);
    return new PieceText(pieces, startsOf(pieces), text.length, text);
  }

  /** The text with [start, end) replaced by `insert`. */
  replace(start: number, end: number, insert: string, pieceLength = PIECE_LENGTH): PieceText {
    const pieces = this.pieces;
    if (pieces.length === 0) return PieceText.of(insert, pieceLength);
    const first = this.pieceAt(start);
    const last = Math.max(first, this.pieceAt(end));
    let middle = pieces[first].slice(0, start - this.starts[first]) + insert + pieces[last].slice(end - this.starts[last]);
    let to = last + 1;
    // A piece shrunk by deletions joins the next one while both fit in one piece.
    if (middle.length < pieceLength / 2 && to < pieces.length && middle.length + pieces[to].length <= pieceLength) middle += pieces[to++];
    const made = middle.length > 2 * pieceLength ? cut(middle, pieceLength) : [flat(middle)];
    const next = pieces.slice(0, first).concat(made.filter((p) => p.length > 0), pieces.slice(to));
    return new PieceText(next, startsOf(next), this.length - (end - start) + insert.length);
  }

  /** The whole text as one string: built (and counted) on the first call, kept after. */
  whole(): string {
    if (this.full === undefined) {
      materialisations.count++;
      this.full = this.pieces.join('');
    }
    return this.full;
  }

  /** Built already: reading it costs nothing. */
  get wholeIfBuilt(): string | undefined {
    return this.full;
  }

  toString(): string {
    return this.whole();
  }

  slice(start: number, end = this.length): string {
    start = clamp(start, this.length);
    end = clamp(end, this.length);
    if (end <= start) return '';
    if (this.full !== undefined) return this.full.slice(start, end);
    const first = this.pieceAt(start);
    const offset = this.starts[first];
    if (end <= offset + this.pieces[first].length) return this.pieces[first].slice(start - offset, end - offset);
    let out = this.pieces[first].slice(start - offset);
    for (let i = first + 1; i < this.pieces.length && this.starts[i] < end; i++) out += this.pieces[i].slice(0, end - this.starts[i]);
    return out;
  }

  charCodeAt(index: number): number {
    if (this.full !== undefined) return this.full.charCodeAt(index);
    if (index < 0 || index >= this.length) return NaN;
    const i = this.pieceAt(index);
    return this.pieces[i].charCodeAt(index - this.starts[i]);
  }

  /** Like String's: the first `search` (one character) at or after `from`, or -1. */
  indexOf(search: string, from = 0): number {
    if (this.full !== undefined) return this.full.indexOf(search, from);
    for (let i = this.pieceAt(Math.max(0, from)); i < this.pieces.length; i++) {
      const found = this.pieces[i].indexOf(search, Math.max(0, from - this.starts[i]));
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /** Like String's: the last `search` (one character) at or before `from`, or -1. */
  lastIndexOf(search: string, from = Infinity): number {
    if (this.full !== undefined) return this.full.lastIndexOf(search, from);
    if (this.pieces.length === 0) return -1;
    if (from < 0) return this.pieces[0].startsWith(search) ? 0 : -1;
    for (let i = this.pieceAt(Math.min(from, this.length)); i >= 0; i--) {
      const found = this.pieces[i].lastIndexOf(search, from - this.starts[i]);
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /**
   * Where this text and `other` differ: the same as textEdit.ts `editBetween` on the whole strings, but
   * pieces the two share (the same string at the same place) are skipped without reading them.
   */
  sharedEnds(other: PieceText): { prefix: number; suffix: number } {
    const a = this;
    const b = other;
    const shorter = Math.min(a.length, b.length);
    let i = 0;
    while (i < a.pieces.length && i < b.pieces.length && a.starts[i] === b.starts[i] && a.pieces[i] === b.pieces[i]) i++;
    let prefix = Math.min(i < a.pieces.length ? a.starts[i] : a.length, shorter);
    while (prefix + BLOCK <= shorter && a.slice(prefix, prefix + BLOCK) === b.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
    while (prefix < shorter && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
    const room = shorter - prefix;
    let suffix = 0;
    let x = a.pieces.length - 1;
    let y = b.pieces.length - 1;
    while (x >= 0 && y >= 0 && a.pieces[x] === b.pieces[y] && a.length - a.starts[x] === b.length - b.starts[y]) {
      suffix = a.length - a.starts[x];
      x--;
      y--;
    }
    suffix = Math.min(suffix, room);
    while (suffix + BLOCK <= room && a.slice(a.length - suffix - BLOCK, a.length - suffix) === b.slice(b.length - suffix - BLOCK, b.length - suffix)) suffix += BLOCK;
    while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
    return { prefix, suffix };
  }

  /** The piece holding `offset` (the last piece for the text's end). */
  private pieceAt(offset: number): number {
    return lastAtOrBefore(this.starts, offset);
  }
}

/** Characters compared as one slice before comparing them one by one. */
const BLOCK = 256;

/** What the engine reads a text as: one string, or pieces. */
export type SourceText = string | PieceText;

/** The whole text as a string (for pieces, built: see PieceText.whole). */
export function wholeText(text: SourceText): string {
  return typeof text === 'string' ? text : text.whole();
}

function cut(text: string, pieceLength: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += pieceLength) pieces.push(text.slice(at, at + pieceLength));
  return pieces;
}

function startsOf(pieces: readonly string[]): number[] {
  const starts = new Array<number>(pieces.length);
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    starts[i] = at;
    at += pieces[i].length;
  }
  return starts;
}

function clamp(offset: number, length: number): number {
  return offset < 0 ? Math.max(0, length + offset) : Math.min(offset, length);
}

/** A concatenation read once, so it is one flat string (reads of a cons string would flatten it later anyway). */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}
