/**
 * SQL in Go, Java, Kotlin, C# and PHP string literals, found by a small lexer rather than a full
 * parser: it skips comments and knows each language's string forms (Go raw `…`, Java/Kotlin text
 * blocks """…""", C# @"…" and """…""", PHP '…', "…" and heredocs are not read). Interpolations
 * ($var, {expr}, ${expr}) are left in place, so a string built that way usually does not parse and
 * yields nothing: a miss, never a wrong reference.
 */
import { decodeEscapes, mapped, type MappedText } from '../text';
import type { RawReference, ReferenceSource } from '../types';
import { referencesInString } from './sqlInStrings';

interface Lang {
  ext: RegExp;
  hashComments?: boolean;
  /** Delimiters of strings that keep backslashes as they are. */
  raw: string[];
  tripleQuoted?: boolean;
  verbatimAt?: boolean;
  singleQuotedStrings?: boolean;
}

const LANGS: Lang[] = [
  { ext: /\.go$/i, raw: ['`'] },
  { ext: /\.java$/i, raw: [], tripleQuoted: true },
  { ext: /\.kts?$/i, raw: [], tripleQuoted: true },
  { ext: /\.cs$/i, raw: [], tripleQuoted: true, verbatimAt: true },
  { ext: /\.php$/i, raw: [], hashComments: true, singleQuotedStrings: true },
];

/** Every string literal of a C-family source, decoded and mapped. */
export function lexStrings(text: string, lang: Lang): MappedText[] {
  const out: MappedText[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (c === '#' && lang.hashComments) i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 1;
    } else if (c === '\'' && !lang.singleQuotedStrings) {
      // A character literal: skip it so a quote inside does not start a string.
      const close = text.indexOf('\'', i + (text[i + 1] === '\\' ? 3 : 2));
      i = close < 0 || close - i > 12 ? i : close;
    } else if (lang.tripleQuoted && text.startsWith('"""', i)) {
      const close = text.indexOf('"""', i + 3);
      const end = close < 0 ? n : close;
      out.push(decodeEscapes(text, i + 3, end));
      i = end + 2;
    } else if (lang.verbatimAt && c === '@' && text[i + 1] === '"') {
      let j = i + 2;
      while (j < n && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      out.push(mapped(text.slice(i + 2, j).replace(/""/g, '" '), i + 2));
      i = j;
    } else if (lang.raw.includes(c)) {
      const close = text.indexOf(c, i + 1);
      const end = close < 0 ? n : close;
      out.push(mapped(text.slice(i + 1, end), i + 1));
      i = end;
    } else if (c === '"' || (c === '\'' && lang.singleQuotedStrings)) {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out.push(c === '\'' ? mapped(text.slice(i + 1, j), i + 1) : decodeEscapes(text, i + 1, j));
      i = j;
    }
  }
  return out;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

export const lexedStrings: ReferenceSource = {
  id: 'sql-string',
  accepts: (path) => LANGS.some((l) => l.ext.test(path)),
  extract(text, path) {
    const lang = LANGS.find((l) => l.ext.test(path));
    if (!lang || !/\b(?:select|insert|update|delete|with|merge)\b/i.test(text)) return [];
    const refs: RawReference[] = [];
    for (const s of lexStrings(text, lang)) refs.push(...referencesInString(s));
    return refs;
  },
};
