/** Applying text edits, and the line-level helpers fixes use to keep the user's layout. */
import type { TextEdit } from './types';

/** Apply non-overlapping edits (any order). Throws on overlap: that is a bug in the fix, not user input. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) throw new Error(`overlapping or out-of-range edit at ${e.start}`);
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Do two sets of edits touch the same or adjacent text (two inserts at one offset count: their order would matter)? */
export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  return a.some((x) => b.some((y) => Math.max(x.start, y.start) <= Math.min(x.end, y.end)));
}

/** The file's line break: CRLF when it uses any, else LF. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just after the line break ending the line of `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  return i < text.length ? i + 1 : i;
}

/** The whitespace before `offset` on its line, when only whitespace precedes it; undefined otherwise. */
export function leadingIndent(text: string, offset: number): string | undefined {
  const start = lineStart(text, offset);
  const before = text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** Insert whole lines just before the statement (or code) starting at `offset`, indented like it. */
export function insertLinesBefore(text: string, offset: number, lines: readonly string[]): TextEdit {
  const eol = eolOf(text);
  const indent = leadingIndent(text, offset);
  if (indent !== undefined) {
    return { start: lineStart(text, offset), end: lineStart(text, offset), newText: lines.map((l) => indent + l + eol).join('') };
  }
  // Something precedes it on the line (`BEGIN; CREATE INDEX …`): break the line there.
  return { start: offset, end: offset, newText: lines.join(eol) + eol };
}

/** Delete [start, end) and, when nothing else is left on its line(s), the whole line(s). */
export function deleteRange(text: string, start: number, end: number): TextEdit {
  const from = lineStart(text, start);
  const to = nextLineStart(text, end);
  const lineRest = text.slice(end, to).replace(/\r?\n$|\r$/, '');
  if (/^[ \t]*$/.test(text.slice(from, start)) && /^[ \t]*$/.test(lineRest)) return { start: from, end: to, newText: '' };
  return { start, end, newText: '' };
}

/** Indent every line but the first of `sql` with `indent`, so moved statements line up. */
export function indentLines(sql: string, indent: string, eol: string): string {
  return sql.split(/\r?\n/).join(eol + indent);
}

/** Is `offset` at a line start (or preceded only by the byte-order mark)? */
export function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text[offset - 1] === '\n' || text[offset - 1] === '\r' || (offset === 1 && text.charCodeAt(0) === 0xfeff);
}

/** The smallest single edit turning `before` into `after` (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  // Never split a surrogate pair.
  if (start > 0 && isHigh(before.charCodeAt(start - 1))) start--;
  if (endBefore < before.length && isLow(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
