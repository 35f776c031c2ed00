/**
 * Offset bookkeeping between the three unit systems we meet:
 * UTF-16 code units (JS strings, LSP), UTF-8 bytes (libpg-query AST locations)
 * and code points (libpg-query error cursor positions).
 */

/** 0-based; `character` counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Line/column lookups for one document text. Line breaks are `\n`, `\r\n` and lone `\r`, like LSP. */
export class LineIndex {
  /** Offset where each line starts; always begins with 0. */
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    this.lineStarts = pushLineStarts(text, [0]);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = clamp(Math.floor(offset) || 0, 0, this.text.length);
    const line = lastAtOrBefore(this.lineStarts, clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  offsetAt(pos: Position): number {
    if (!(pos.line >= 0)) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const line = Math.floor(pos.line);
    const start = this.lineStarts[line];
    const character = Math.max(0, Math.floor(pos.character) || 0);
    return Math.min(start + character, this.contentEnd(line));
  }

  lineText(line: number): string {
    if (!(line >= 0) || line >= this.lineStarts.length) return '';
    const index = Math.floor(line);
    return this.text.slice(this.lineStarts[index], this.contentEnd(index));
  }

  /** Offset just before the line's terminator. */
  private contentEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (this.text.charCodeAt(end - 1) === LF) end--;
    if (this.text.charCodeAt(end - 1) === CR) end--;
    return end;
  }
}

/**
 * Maps UTF-8 byte offsets within `text` to UTF-16 offsets.
 * Lone surrogates count as U+FFFD (3 bytes), matching the sanitised text we hand to the parser.
 * Memory is proportional to the number of non-ASCII characters; pure ASCII is the identity.
 */
export class Utf8OffsetMap {
  /** For each non-ASCII character: its UTF-8 start, UTF-8 length, UTF-16 start and UTF-16 length. */
  private readonly byteStarts: number[] = [];
  private readonly byteLengths: number[] = [];
  private readonly utf16Starts: number[] = [];
  private readonly utf16Lengths: number[] = [];
  private readonly totalBytes: number;

  constructor(private readonly text: string) {
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        bytes++;
        continue;
      }
      const isPair = isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1));
      const byteLength = c < 0x800 ? 2 : isPair ? 4 : 3;
      this.byteStarts.push(bytes);
      this.byteLengths.push(byteLength);
      this.utf16Starts.push(i);
      this.utf16Lengths.push(isPair ? 2 : 1);
      bytes += byteLength;
      if (isPair) i++;
    }
    this.totalBytes = bytes;
  }

  /** A byte offset inside a multi-byte character maps to that character's start. */
  toUtf16(byteOffset: number): number {
    const byte = clamp(Math.floor(byteOffset) || 0, 0, this.totalBytes);
    if (byte === this.totalBytes) return this.text.length;
    const starts = this.byteStarts;
    if (starts.length === 0 || byte < starts[0]) return byte;
    const low = lastAtOrBefore(starts, byte);
    const charByteEnd = starts[low] + this.byteLengths[low];
    if (byte < charByteEnd) return this.utf16Starts[low];
    return this.utf16Starts[low] + this.utf16Lengths[low] + (byte - charByteEnd);
  }

  /** The UTF-8 byte offset of a UTF-16 offset that starts a character (the inverse of toUtf16). */
  toUtf8(utf16Offset: number): number {
    const at = clamp(Math.floor(utf16Offset) || 0, 0, this.text.length);
    const starts = this.utf16Starts;
    if (starts.length === 0 || at <= starts[0]) return at;
    // The last character starting before `at` (offsets are integers).
    const low = lastAtOrBefore(starts, at - 1);
    return this.byteStarts[low] + this.byteLengths[low] + (at - starts[low] - this.utf16Lengths[low]);
  }
}

/** Pushes onto `starts` where each line after a break in `text` starts (CR, LF and CRLF each one break), plus `textOffset`. */
export function pushLineStarts(text: string, starts: number[], textOffset = 0): number[] {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === CR) {
      if (text.charCodeAt(i + 1) === LF) i++;
      starts.push(textOffset + i + 1);
    } else if (c === LF) {
      starts.push(textOffset + i + 1);
    }
  }
  return starts;
}

/**
 * The index of the last of `sorted` (ascending) that is at most `value`; 0 when none is (line starts,
 * piece starts and character starts all begin at or before the first offset asked about).
 */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (sorted[mid] <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** UTF-16 offset of the `codePointIndex`-th code point (clamped to the text). */
export function codePointToUtf16(text: string, codePointIndex: number): number {
  let remaining = Math.floor(codePointIndex) || 0;
  let i = 0;
  while (remaining > 0 && i < text.length) {
    const isPair = isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1));
    i += isPair ? 2 : 1;
    remaining--;
  }
  return i;
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
