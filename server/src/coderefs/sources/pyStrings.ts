/**
 * SQL in Python string literals, found by a lexer: `#` comments are skipped; single and triple
 * quotes with any prefix (r, b, u, f and their mixes) are read, raw strings keep their backslashes,
 * and f-string `{…}` interpolations become parameters (`{{`/`}}` stay literal braces).
 */
import type { ReferenceSource } from '../types';
import { isIdentChar, lineEnd, literalReferences, type Literal, type Piece } from './literals';

const PREFIX = /^(?:[rRbBuUfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;

/** Every string literal of a Python source. */
export function pyLiterals(text: string): Literal[] {
  const out: Literal[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '#') {
      i = lineEnd(text, i);
      continue;
    }
    let prefix = '';
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text[j])) j++;
      if ((text[j] === '\'' || text[j] === '"') && PREFIX.test(text.slice(i, j))) prefix = text.slice(i, j).toLowerCase();
      else {
        i = j - 1;
        continue;
      }
      i = j;
    }
    const q = text[i];
    if (q !== '\'' && q !== '"') continue;
    const raw = prefix.includes('r');
    const fmt = prefix.includes('f') || prefix.includes('t');
    const triple = text[i + 1] === q && text[i + 2] === q;
    const close = triple ? q.repeat(3) : q;
    const pieces: Piece[] = [];
    let start = i + close.length;
    let j = start;
    while (j < n) {
      const d = text[j];
      if (d === '\\') j += 2;
      else if (!triple && d === '\n') break;
      else if (d === q && (!triple || text.startsWith(close, j))) break;
      else if (fmt && d === '{' && text[j + 1] === '{') j += 2;
      else if (fmt && d === '{') {
        pieces.push({ start, end: j, raw }, { hole: j });
        j = holeEnd(text, j + 1) + 1;
        start = j;
      } else j++;
    }
    pieces.push({ start, end: Math.min(j, n), raw });
    out.push(pieces);
    i = Math.min(j, n) + close.length - 1;
  }
  return out;
}

/** Index of the `}` closing an f-string interpolation that starts at `i` (nested braces and strings skipped). */
function holeEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\'' || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return text.length;
      i = close;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return text.length;
}

export const pyStrings: ReferenceSource = {
  id: 'sql-string',
  accepts: (path) => /\.py$/i.test(path),
  extract(text) {
    if (!/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
    return literalReferences(text, pyLiterals(text));
  },
};
