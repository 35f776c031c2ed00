/**
 * Reading Ruby with tree-sitter (and the string-to-runs helper Ecto shares): literal values (symbols, strings, numbers, arrays, hashes),
 * keyword options, and the value of a string or heredoc with the offset runs that map every SQL
 * character back to the host file (escapes, `<<~` indentation and `.squish` fall between runs).
 */
import type { Node } from 'web-tree-sitter';
import type { TextSpan } from '../findings';
import type { OffsetRun } from './types';

export type RbValue = string | number | boolean | null | RbValue[] | { sql: string } | undefined;

export const spanOf = (n: Node): TextSpan => ({ start: n.startIndex, end: n.endIndex });

export function named(n: Node | null | undefined): Node[] {
  return n ? (n.namedChildren.filter((c) => c && c.type !== 'comment') as Node[]) : [];
}

/** A literal value; symbols read as strings; `-> { "now()" }` as raw SQL; undefined when dynamic. */
export function rbValue(n: Node | null | undefined): RbValue {
  if (!n) return undefined;
  switch (n.type) {
    case 'simple_symbol':
      return n.text.slice(1);
    case 'hash_key_symbol':
    case 'identifier':
      return n.type === 'identifier' ? undefined : n.text;
    case 'string': {
      const s = stringValue(n);
      return s.ok ? s.value : undefined;
    }
    case 'delayed_symbol': {
      const inner = named(n).every((c) => c.type === 'string_content') ? named(n).map((c) => c.text).join('') : undefined;
      return inner;
    }
    case 'integer':
      return Number(n.text.replace(/_/g, ''));
    case 'float':
      return Number(n.text.replace(/_/g, ''));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'nil':
      return null;
    case 'array': {
      const items = named(n).map(rbValue);
      return items.some((i) => i === undefined) ? undefined : items;
    }
    case 'string_array':
    case 'symbol_array':
      return named(n).map((c) => c.text);
    case 'lambda': {
      // `-> { "CURRENT_TIMESTAMP" }`: Rails writes the string as SQL.
      const body = named(named(n).find((c) => c.type === 'block' || c.type === 'do_block')).find((c) => c.type === 'block_body' || c.type === 'body_statement');
      const only = named(body);
      const v = only.length === 1 ? rbValue(only[0]) : undefined;
      return typeof v === 'string' ? { sql: v } : undefined;
    }
    case 'parenthesized_statements': {
      const only = named(n);
      return only.length === 1 ? rbValue(only[0]) : undefined;
    }
    default:
      return undefined;
  }
}

export interface CallArgs {
  positional: Node[];
  options: Map<string, Node>;
  /** The last argument (a new option goes after it). */
  last?: Node;
}

/** Positional arguments and keyword options (`key: v`, `:key => v`, or a trailing `{ … }`). */
export function callArgs(call: Node): CallArgs {
  const list = call.childForFieldName('arguments');
  const positional: Node[] = [];
  const options = new Map<string, Node>();
  const args = named(list);
  const addPairs = (h: Node) => {
    for (const p of named(h)) {
      if (p.type !== 'pair') continue;
      const k = p.childForFieldName('key');
      const key = k ? rbValue(k) : undefined;
      const v = p.childForFieldName('value');
      if (typeof key === 'string' && v) options.set(key, v);
    }
  };
  for (const a of args) {
    if (a.type === 'pair') addPairs(list!);
    else if (a.type === 'hash' && a === args[args.length - 1]) addPairs(a);
    else positional.push(a);
  }
  return { positional, options, last: args[args.length - 1] };
}

export const methodName = (call: Node): string => call.childForFieldName('method')?.text ?? (call.type === 'identifier' ? call.text : '');

export type StringResult = { ok: true; value: string; runs: OffsetRun[]; node: Node } | { ok: false; reason: string };

export interface Ch {
  ch: string;
  /** Host offset, or -1 for a character that is not copied verbatim (decoded escape). */
  host: number;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', s: ' ', r: '\r', '0': '\0', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v' };

function decodeEscape(text: string, single: boolean): string {
  const c = text.slice(1);
  if (single) return c === '\\' || c === "'" ? c : text;
  return ESCAPES[c] ?? c;
}

/** Characters of a string or heredoc body, from its content children. */
function charsOf(parts: Node[], single: boolean): Ch[] | string {
  const out: Ch[] = [];
  for (const p of parts) {
    if (p.type === 'string_content' || p.type === 'heredoc_content') {
      for (let i = 0; i < p.text.length; i++) out.push({ ch: p.text[i], host: p.startIndex + i });
    } else if (p.type === 'escape_sequence') {
      for (const ch of decodeEscape(p.text, single)) out.push({ ch, host: -1 });
    } else if (p.type === 'interpolation') {
      return 'string with #{} interpolation';
    } else if (p.type === 'heredoc_end') {
      break;
    }
  }
  return out;
}

/** The string value and its offset runs: verbatim characters join runs, decoded ones (host -1) fall between. */
export function toResult(chars: Ch[], node: Node): StringResult & { ok: true } {
  const runs: OffsetRun[] = [];
  let value = '';
  for (const c of chars) {
    const last = runs[runs.length - 1];
    if (c.host >= 0) {
      if (last && last.sql + last.length === value.length && last.host + last.length === c.host) last.length++;
      else runs.push({ sql: value.length, host: c.host, length: 1 });
    }
    value += c.ch;
  }
  return { ok: true, value, runs, node };
}

/** `"…"`, `'…'`, `%q(…)`, `%Q(…)`. */
export function stringValue(n: Node): StringResult {
  if (n.type !== 'string') return { ok: false, reason: 'SQL in a variable or built by Ruby code' };
  const single = n.text.startsWith("'") || n.text.startsWith('%q');
  const chars = charsOf(n.namedChildren.filter(Boolean) as Node[], single);
  return typeof chars === 'string' ? { ok: false, reason: chars } : toResult(chars, n);
}

/** `<<~SQL` / `<<-SQL` / `<<SQL` (quoted identifiers do not interpolate); `squish` applied when asked. */
export function heredocValue(begin: Node, body: Node, squish: boolean): StringResult {
  const m = /^<<([~-]?)(['"`]?)/.exec(begin.text);
  const dedent = m?.[1] === '~';
  const single = m?.[2] === "'";
  let chars = charsOf(body.namedChildren.filter(Boolean) as Node[], single);
  if (typeof chars === 'string') return { ok: false, reason: chars };
  // The body starts with the newline that ends the `<<~SQL` line, and ends with the terminator's indentation.
  if (chars[0]?.ch === '\n') chars = chars.slice(1);
  const lastNl = chars.map((c) => c.ch).lastIndexOf('\n');
  if (lastNl >= 0 && chars.slice(lastNl + 1).every((c) => c.ch === ' ' || c.ch === '\t')) chars = chars.slice(0, lastNl + 1);
  if (dedent) chars = dedented(chars);
  if (squish) chars = squished(chars);
  return toResult(chars, body);
}

function lines(chars: Ch[]): Ch[][] {
  const out: Ch[][] = [[]];
  for (const c of chars) {
    out[out.length - 1].push(c);
    if (c.ch === '\n') out.push([]);
  }
  return out;
}

/** `<<~`: remove the smallest indentation of the non-blank lines. */
function dedented(chars: Ch[]): Ch[] {
  const ls = lines(chars);
  const indents = ls.filter((l) => l.some((c) => !/\s/.test(c.ch))).map((l) => l.findIndex((c) => c.ch !== ' ' && c.ch !== '\t'));
  const cut = indents.length ? Math.min(...indents) : 0;
  return ls.flatMap((l) => {
    let k = 0;
    while (k < cut && k < l.length && (l[k].ch === ' ' || l[k].ch === '\t')) k++;
    return l.slice(k);
  });
}

/** ActiveSupport `String#squish`: trim, and every whitespace run becomes one space. */
function squished(chars: Ch[]): Ch[] {
  const out: Ch[] = [];
  for (const c of chars) {
    if (/\s/.test(c.ch)) {
      if (out.length && out[out.length - 1].ch !== ' ') out.push({ ch: ' ', host: c.host });
    } else out.push(c);
  }
  while (out.length && out[out.length - 1].ch === ' ') out.pop();
  return out;
}
