/**
 * String literals as the language lexers (jsStrings, pyStrings, rbStrings) find them: source ranges
 * and interpolation holes, decoded only when the literal may hold SQL. A lexer, not a parser: the
 * index reads 20,000 files in seconds (BENCHMARKS.md), which a full parse of each file did not allow.
 */
import { decodeEscapes, mapped, type MappedText } from '../text';
import type { RawReference } from '../types';
import { joinPieces, referencesInString } from './sqlInStrings';

/** A run of literal text (`raw`: backslashes kept as written), or an interpolation (`${…}`, `#{…}`, `{…}`) located at `hole`. */
export type Piece = { start: number; end: number; raw?: boolean } | { hole: number };
export type Literal = Piece[];

// The statement starts looksLikeSql accepts, tested where the literal's text begins.
const SQL_START = /(?:SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|COPY|CREATE)\b/iy;

/** Cheap test on the raw source before decoding: after blanks, escaped blanks and `(`, a statement keyword. */
function mayBeSql(text: string, p: Piece): boolean {
  if ('hole' in p) return false;
  let i = p.start;
  for (; i < p.end; i++) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '(') continue;
    if (c === '\\' && !p.raw && /[ntr]/.test(text[i + 1] ?? '')) {
      i++;
      continue;
    }
    break;
  }
  SQL_START.lastIndex = i;
  return SQL_START.test(text);
}

export function literalText(text: string, literal: Literal): MappedText {
  return joinPieces(literal.map((p) => ('hole' in p ? p : p.raw ? mapped(text.slice(p.start, p.end), p.start) : decodeEscapes(text, p.start, p.end))));
}

/** The references of every literal that holds SQL. */
export function literalReferences(text: string, literals: Literal[]): RawReference[] {
  const refs: RawReference[] = [];
  for (const literal of literals) {
    // A literal that starts with a hole or an empty piece: decode it and let looksLikeSql decide.
    const first = literal.find((p) => 'hole' in p || p.end > p.start);
    if (!first || !mayBeSql(text, first)) continue;
    for (const r of referencesInString(literalText(text, literal))) refs.push(r);
  }
  return refs;
}

/** Index of the end of the line holding `i` (its `\n`, or the text's end). */
export function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

const IDENT = /[\p{L}\p{N}_$]/u;
/** A letter, digit, `_` or `$` (called once per character of every file: no regex for ASCII). */
export function isIdentChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  if (x < 128) return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x === 95 || x === 36;
  return IDENT.test(c);
}

/**
 * Whether a `/` after `prev` (the last significant character before it) and `word` (the identifier
 * or keyword that ended there, if any) starts a regular expression rather than a division.
 */
export function regexAllowed(prev: string, word: string | undefined, keywords: ReadonlySet<string>): boolean {
  if (word !== undefined) return keywords.has(word);
  return prev === '' || !/[\w$)\]}"'`]/.test(prev);
}

/** The end (index of the closing `/`) of a regular expression literal opening at `i`; stops at a line end. */
export function regexEnd(text: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n') return j - 1;
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return j;
  }
  return text.length;
}
