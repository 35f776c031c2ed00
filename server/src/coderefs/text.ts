/**
 * Host-language string literals as SQL: the decoded value and, for each of its characters, the
 * offset in the host file it came from, so a reference found in the SQL points at the right column.
 */

/** A string's value with the file offset of each character (`pos.length === value.length`). */
export interface MappedText {
  value: string;
  pos: number[];
}

export function mapped(value: string, start: number): MappedText {
  const pos = new Array<number>(value.length);
  for (let i = 0; i < pos.length; i++) pos[i] = start + i;
  return { value, pos };
}

/** Append `from` to `to` one by one: `push(...from)` overflows the stack on a long string. */
export function appendAll(to: number[], from: readonly number[], start = 0, end = from.length): void {
  for (let i = start; i < end; i++) to.push(from[i]);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: ' ', f: ' ', v: ' ', '0': ' ', a: ' ', e: ' ' };

/**
 * Decode C-family backslash escapes of the raw text between `start` and `end` (the quotes excluded).
 * `\n` and friends become whitespace, `\"` a quote; `\x41`/`\u0041` are kept as one character.
 */
export function decodeEscapes(text: string, start: number, end: number): MappedText {
  const slash = text.indexOf('\\', start);
  if (slash < 0 || slash >= end) return mapped(text.slice(start, end), start);
  let value = '';
  const pos: number[] = [];
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= end) {
      value += c;
      pos.push(i);
      continue;
    }
    const next = text[i + 1];
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : 0;
    if (hex && /^[0-9a-fA-F]+$/.test(text.slice(i + 2, i + 2 + hex))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 2 + hex), 16));
      pos.push(i);
      i += 1 + hex;
      continue;
    }
    if (next === '\n') {
      i++;
      continue; // line continuation
    }
    value += SIMPLE_ESCAPES[next] ?? next;
    pos.push(i);
    i++;
  }
  return { value, pos };
}

/** Replace the ranges `holes` (offsets into `m.value`, sorted) by `$1`, a parameter the SQL parser accepts. */
export function fillHoles(m: MappedText, holes: { start: number; end: number }[]): MappedText {
  if (holes.length === 0) return m;
  let value = '';
  const pos: number[] = [];
  let at = 0;
  for (const h of holes) {
    value += m.value.slice(at, h.start) + '$1';
    appendAll(pos, m.pos, at, h.start);
    pos.push(m.pos[h.start] ?? m.pos[m.pos.length - 1], m.pos[h.start] ?? m.pos[m.pos.length - 1]);
    at = h.end;
  }
  value += m.value.slice(at);
  appendAll(pos, m.pos, at);
  return { value, pos };
}

/**
 * Driver placeholders that are not SQL (`?`, `%s`, `%(name)s`, `:name`, `@name`) as `$1`, outside
 * SQL quotes and comments, so `WHERE id = ?` parses. `::type` casts and `?|`-style jsonb operators stay.
 */
export function normalisePlaceholders(m: MappedText): MappedText {
  const holes: { start: number; end: number }[] = [];
  const s = m.value;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      i = close < 0 ? s.length : close;
      continue;
    }
    if (c === '-' && s[i + 1] === '-') {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl;
      continue;
    }
    const prev = s[i - 1] ?? ' ';
    const rest = s.slice(i, i + 64);
    let match: RegExpExecArray | null = null;
    if (c === '?' && !/[?|&]/.test(s[i + 1] ?? '') && prev !== '?') match = /^\?\d*/.exec(rest);
    else if (c === '%') match = /^%(?:\([A-Za-z_]\w*\))?s/.exec(rest);
    else if (c === ':' && prev !== ':' && s[i + 1] !== ':' && !/\w/.test(prev)) match = /^:[A-Za-z_]\w*/.exec(rest);
    else if (c === '@' && !/\w/.test(prev)) match = /^@[A-Za-z_]\w*/.exec(rest);
    if (match) {
      holes.push({ start: i, end: i + match[0].length });
      i += match[0].length - 1;
    }
  }
  return fillHoles(m, holes);
}

/** Cheap pre-test: does the text start like a statement application code sends? */
export function looksLikeSql(value: string): boolean {
  return /^\s*\(?\s*(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH|MERGE\s+INTO|COPY|CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|MATERIALIZED\s+VIEW|FUNCTION|TRIGGER))\b/i.test(value);
}

/** 0-based line starts of a text, for offset → line/column; with `upto`, of the lines up to the one holding that offset. */
export function lineStarts(text: string, upto = text.length): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < upto; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

export { lastAtOrBefore as lineOf } from '../parse/positions';
