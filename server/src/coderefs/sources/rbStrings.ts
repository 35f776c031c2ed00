/**
 * SQL in Ruby string literals, found by a lexer: `#` comments and `=begin`/`=end` blocks are
 * skipped; '…' and %q(…) keep their backslashes; "…", %Q(…), %(…) and heredocs (<<~SQL, <<-SQL,
 * <<SQL, with the quoted forms) are decoded, their `#{…}` interpolations becoming parameters.
 * %w, %i, %r, %x and backtick commands are skipped. A `/` is taken for a regular expression or a
 * division from the token before it.
 */
import type { ReferenceSource } from '../types';
import { isIdentChar, lineEnd, literalReferences, regexAllowed, regexEnd, type Literal, type Piece } from './literals';

const REGEX_AFTER = new Set(['if', 'unless', 'when', 'while', 'until', 'and', 'or', 'not', 'return', 'then', 'else', 'elsif', 'do', 'in', 'puts', 'p']);
const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const HEREDOC = /<<([~-]?)(["'`]?)([A-Za-z_]\w*)\2/y;

interface PendingHeredoc {
  id: string;
  indented: boolean;
  raw: boolean;
  skip: boolean;
}

/** Every string literal (heredocs included) of a Ruby source. */
export function rbLiterals(text: string): Literal[] {
  const out: Literal[] = [];
  const n = text.length;

  /** A literal from `from` to its `close` delimiter (nesting `open`), with #{…} holes when `interpolate`. */
  const body = (from: number, open: string | undefined, close: string, interpolate: boolean, raw: boolean, keep: boolean): number => {
    const pieces: Piece[] = [];
    let start = from;
    let depth = 0;
    let i = from;
    for (; i < n; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (open !== undefined && c === open) depth++;
      else if (c === close) {
        if (depth === 0) break;
        depth--;
      } else if (interpolate && c === '#' && text[i + 1] === '{') {
        pieces.push({ start, end: i, raw }, { hole: i });
        i = code(i + 2, true);
        start = i + 1;
      }
    }
    pieces.push({ start, end: Math.min(i, n), raw });
    if (keep) out.push(pieces);
    return i;
  };

  /** A heredoc's body from `from` (a line start) to its terminator line; returns the index after that line. */
  const heredoc = (from: number, h: PendingHeredoc): number => {
    let lineStart = from;
    while (lineStart < n) {
      const end = lineEnd(text, lineStart);
      const line = text.slice(lineStart, end);
      if ((h.indented ? line.trim() : line.replace(/\r$/, '')) === h.id) {
        if (!h.skip) {
          const pieces: Piece[] = [];
          let start = from;
          if (!h.raw) {
            for (let i = from; i < lineStart; i++) {
              if (text[i] === '\\') i++;
              else if (text[i] === '#' && text[i + 1] === '{') {
                pieces.push({ start, end: i }, { hole: i });
                i = code(i + 2, true);
                start = i + 1;
              }
            }
          }
          pieces.push({ start, end: lineStart, raw: h.raw });
          out.push(pieces);
        }
        return end + 1;
      }
      lineStart = end + 1;
    }
    return n;
  };

  /** Lex code from `from`; with `inHole`, stop at the `}` closing the interpolation and return its index. */
  function code(from: number, inHole: boolean): number {
    let depth = 0;
    let prev = '';
    let word: string | undefined;
    let pending: PendingHeredoc[] = [];
    for (let i = from; i < n; i++) {
      const c = text[i];
      if (c === '\n') {
        let at = i + 1;
        for (const h of pending) at = heredoc(at, h);
        if (pending.length) i = at - 1;
        pending = [];
        if (text.startsWith('=begin', i + 1) && (text[i + 7] === undefined || /\s/.test(text[i + 7]))) {
          const close = text.indexOf('\n=end', i + 1);
          i = close < 0 ? n : lineEnd(text, close + 1) - 1;
        }
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      if (c === '#') {
        i = lineEnd(text, i) - 1;
        continue;
      }
      if (isIdentChar(c)) {
        let j = i + 1;
        while (j < n && isIdentChar(text[j])) j++;
        if (text[j] === '?' || text[j] === '!') j++;
        word = text.slice(i, j);
        prev = text[j - 1];
        i = j - 1;
        continue;
      }
      const wordBefore = word;
      word = undefined;
      if (c === '$' || (c === '?' && (text[i + 1] === '\'' || text[i + 1] === '"') && !/[\w$)\]]/.test(prev))) {
        // $' and $" are global variables, ?' and ?" character literals: not string openers.
        i++;
        prev = 'a';
        continue;
      }
      if (c === '<' && text[i + 1] === '<') {
        HEREDOC.lastIndex = i;
        const m = HEREDOC.exec(text);
        // `a << B` (no ~/- or quote and a space after <<) is a shift; <<~SQL, <<-SQL and <<SQL open heredocs.
        if (m && (m[1] || m[2] || /^[A-Z_]+$/.test(m[3]))) {
          pending.push({ id: m[3], indented: m[1] !== '', raw: m[2] === '\'', skip: m[2] === '`' });
          i += m[0].length - 1;
          prev = 'a';
          continue;
        }
      }
      if (c === '\'' || c === '"' || c === '`') {
        i = body(i + 1, undefined, c, c !== '\'', c === '\'', c !== '`');
        prev = c;
        continue;
      }
      if (c === '%' && (wordBefore !== undefined ? REGEX_AFTER.has(wordBefore) : !/[\w$)\]}"'`]/.test(prev))) {
        const m = /^%([qQwWiIrxs]?)([^\w\s])/.exec(text.slice(i, i + 3));
        if (m) {
          const open = m[2];
          const close = PAIRS[open] ?? open;
          const kind = m[1];
          i = body(i + m[0].length, close !== open ? open : undefined, close, kind !== 'q' && kind !== 'w' && kind !== 'i', kind === 'q', kind === '' || kind === 'q' || kind === 'Q');
          prev = '"';
          continue;
        }
      }
      if (c === '/') {
        if (regexAllowed(prev, wordBefore, REGEX_AFTER)) {
          // Read to the line's end at most: a `/` taken wrongly for a regex cannot hide the lines after it.
          i = regexEnd(text, i);
          prev = ')';
        } else prev = '/';
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
  }

  code(0, false);
  return out;
}

export const rbStrings: ReferenceSource = {
  id: 'sql-string',
  accepts: (path) => /\.(?:rb|rake)$/i.test(path),
  extract(text) {
    if (!/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
    return literalReferences(text, rbLiterals(text));
  },
};
