/**
 * SQL in TypeScript/JavaScript string and template literals, found by a lexer: comments and regular
 * expressions are skipped, `${…}` interpolations become parameters (so db.query(`SELECT … WHERE
 * id = ${id}`) parses; an interpolated table or column name does not), and the strings inside an
 * interpolation are read too. Limits (docs/code-references.md): a `/` is taken for a regular
 * expression or a division from the token before it, and JSX text is read as code, so an apostrophe
 * in it opens a string that ends at its line's end; neither reaches past that line.
 */
import type { ReferenceSource } from '../types';
import { isIdentChar, lineEnd, literalReferences, regexAllowed, regexEnd, type Literal, type Piece } from './literals';

export const TS_EXTENSIONS = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

const REGEX_AFTER = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/** Every string and template literal of a JS/TS source. */
export function jsLiterals(text: string): Literal[] {
  const out: Literal[] = [];
  /** Lex code from `i`; with `inHole`, stop at the `}` that closes the interpolation and return its index. */
  const code = (from: number, inHole: boolean): number => {
    let depth = 0;
    let prev = '';
    let word: string | undefined;
    const n = text.length;
    for (let i = from; i < n; i++) {
      const c = text[i];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
      if (c === '/' && text[i + 1] === '/') {
        i = lineEnd(text, i);
        continue;
      }
      if (c === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? n : close + 1;
        continue;
      }
      if (isIdentChar(c)) {
        let j = i + 1;
        while (j < n && isIdentChar(text[j])) j++;
        word = text.slice(i, j);
        prev = text[j - 1];
        i = j - 1;
        continue;
      }
      const wordBefore = word;
      word = undefined;
      if (c === '/') {
        if (regexAllowed(prev, wordBefore, REGEX_AFTER)) i = regexEnd(text, i);
        prev = '/';
        if (text[i] === '/') prev = ')'; // a regex is a value: a `/` after it divides
        continue;
      }
      if (c === '\'' || c === '"') {
        let j = i + 1;
        while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
        out.push([{ start: i + 1, end: Math.min(j, n) }]);
        i = j;
        prev = c;
        continue;
      }
      if (c === '`') {
        i = template(i);
        prev = '`';
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') {
        if (inHole && depth === 0) return i;
        depth--;
      }
      prev = c;
    }
    return n;
  };
  /** A template literal opening at `i`; returns the index of its closing backtick. */
  const template = (open: number): number => {
    const pieces: Piece[] = [];
    const n = text.length;
    let start = open + 1;
    let i = start;
    while (i < n) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '`') break;
      else if (c === '$' && text[i + 1] === '{') {
        // The hole sits where the expression starts (a reference spanning it ends there).
        let expr = i + 2;
        while (/\s/.test(text[expr] ?? '')) expr++;
        pieces.push({ start, end: i }, { hole: expr });
        i = code(i + 2, true) + 1;
        start = i;
      } else i++;
    }
    pieces.push({ start, end: Math.min(i, n) });
    out.push(pieces);
    return i;
  };
  code(0, false);
  return out;
}

export const jsStrings: ReferenceSource = {
  id: 'sql-string',
  accepts: (path) => TS_EXTENSIONS.test(path) && !/\.d\.ts$/i.test(path),
  extract(text) {
    // Cheap filter: most files hold no SQL keyword at all and are never lexed.
    if (!/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
    return literalReferences(text, jsLiterals(text));
  },
};
