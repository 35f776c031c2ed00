/**
 * The statement's tokens from PostgreSQL's own scanner (libpg-query `scanSync`), in document
 * offsets. Fixes find where to write (after `INDEX`, at the end of a constraint clause) by token,
 * never by pattern-matching SQL text, so strings, quoted names and comments cannot fool them.
 */
import { scanSync } from 'libpg-query';
import type { StatementInfo } from '../document/model';
import { Utf8OffsetMap } from '../parse/positions';

export interface Token {
  /** Document UTF-16 offsets. */
  start: number;
  end: number;
  /** The source text of the token. */
  text: string;
  /** Upper-cased text for keywords, '' for everything else. */
  keyword: string;
  /** PostgreSQL's keyword category: 0 none, 1 unreserved, 2 column name, 3 type/function name, 4 reserved. */
  keywordKind: number;
}

const cache = new WeakMap<object, Token[]>();

/** Tokens of `stmt`, comments left out. Empty when the scanner fails (fixes then offer nothing). */
export function tokensOf(stmt: Pick<StatementInfo, 'text' | 'span'>): Token[] {
  const hit = cache.get(stmt);
  if (hit) return hit;
  const tokens = scanTokens(stmt.text, stmt.span.start);
  cache.set(stmt, tokens);
  return tokens;
}

export function scanTokens(text: string, base = 0): Token[] {
  let scanned;
  try {
    scanned = scanSync(text).tokens ?? [];
  } catch {
    return [];
  }
  const offsets = new Utf8OffsetMap(text);
  const tokens: Token[] = [];
  for (const t of scanned) {
    if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
    const start = offsets.toUtf16(t.start);
    const end = offsets.toUtf16(t.end);
    const source = text.slice(start, end);
    tokens.push({ start: base + start, end: base + end, text: source, keyword: t.keywordKind > 0 ? source.toUpperCase() : '', keywordKind: t.keywordKind });
  }
  return tokens;
}

/** Index of the first token at or after `from` that is the keyword `word`, or -1. */
export function findKeyword(tokens: readonly Token[], word: string, from = 0): number {
  for (let i = from; i < tokens.length; i++) if (tokens[i].keyword === word) return i;
  return -1;
}

/** Index of the first token starting at or after document offset `offset`. */
export function tokenIndexAt(tokens: readonly Token[], offset: number): number {
  const i = tokens.findIndex((t) => t.start >= offset);
  return i < 0 ? tokens.length : i;
}

/**
 * The clause that starts at token `from`: up to (not including) the first `,` or `;` outside
 * parentheses. Returns the index of its last token.
 */
export function clauseEnd(tokens: readonly Token[], from: number): number {
  let depth = 0;
  let last = from;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i].text;
    if (t === '(' || t === '[') depth++;
    else if (t === ')' || t === ']') depth--;
    else if (depth === 0 && (t === ',' || t === ';')) break;
    if (depth < 0) break;
    last = i;
  }
  return last;
}

/** Top-level comma-separated segments of tokens[from..to] (inclusive), as [first, last] token indexes. */
export function topLevelSegments(tokens: readonly Token[], from: number, to: number): Array<[number, number]> {
  const segments: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    const t = tokens[i].text;
    if (t === '(' || t === '[') depth++;
    else if (t === ')' || t === ']') depth--;
    else if (depth === 0 && t === ',') {
      segments.push([start, i - 1]);
      start = i + 1;
    }
  }
  if (start <= to) segments.push([start, to]);
  return segments;
}
