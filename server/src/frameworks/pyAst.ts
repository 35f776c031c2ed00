/**
 * The questions the Python extractors (Django, Alembic) ask of a tree-sitter syntax tree: the value
 * of a string literal with the map from each character back to the host file, literal values,
 * keyword arguments, dotted callee names.
 */
import type { Node } from 'web-tree-sitter';
import type { TextSpan } from '../findings';
import type { OffsetRun } from './types';

export type PyValue = string | number | boolean | null | PyValue[] | { call: string; node: Node };

export const spanOfNode = (n: Node): TextSpan => ({ start: n.startIndex, end: n.endIndex });

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

export interface PyString {
  value: string;
  runs: OffsetRun[];
}

/**
 * A string literal (or implicitly concatenated literals) spelled out in full; undefined for an
 * f-string with `{}` or bytes. Escapes fall between runs and map to the run before them.
 */
export function pyString(node: Node | null | undefined, text: string): PyString | { reason: string } | undefined {
  if (!node) return undefined;
  if (node.type === 'parenthesized_expression' && node.namedChildCount === 1) return pyString(node.namedChild(0), text);
  if (node.type === 'concatenated_string') {
    let value = '';
    const runs: OffsetRun[] = [];
    for (const part of node.namedChildren) {
      const s = pyString(part, text);
      if (!s || 'reason' in s) return s;
      for (const r of s.runs) runs.push({ ...r, sql: r.sql + value.length });
      value += s.value;
    }
    return { value, runs };
  }
  if (node.type !== 'string') return undefined;
  const start = node.children.find((c) => c?.type === 'string_start');
  const end = node.children.find((c) => c?.type === 'string_end');
  if (!start || !end) return { reason: 'unterminated string' };
  const prefix = start.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('b')) return { reason: 'bytes literal' };
  if (node.children.some((c) => c?.type === 'interpolation')) return { reason: 'f-string with {} interpolation' };
  const from = start.endIndex;
  const body = text.slice(from, end.startIndex);
  if (prefix.includes('r')) return { value: body, runs: body ? [{ sql: 0, host: from, length: body.length }] : [] };
  let value = '';
  const runs: OffsetRun[] = [];
  let runStart = 0;
  const flush = (until: number) => {
    if (until > runStart) runs.push({ sql: value.length, host: from + runStart, length: until - runStart });
    value += body.slice(runStart, until);
  };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    flush(i);
    const c = body[i + 1];
    if (c === '\n') i += 1; // line continuation: nothing
    else if (c !== undefined && c in ESCAPES) {
      value += ESCAPES[c];
      i += 1;
    } else value += '\\'; // an unknown escape keeps its backslash (the next character starts the next run)
    runStart = i + 1;
  }
  flush(body.length);
  return { value, runs };
}

/** A literal Python value: strings, numbers, True/False/None, lists/tuples/sets of those; calls by name. */
export function pyValue(node: Node | null | undefined, text: string): PyValue | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string':
    case 'concatenated_string': {
      const s = pyString(node, text);
      return s && !('reason' in s) ? s.value : undefined;
    }
    case 'integer':
      return Number(node.text.replace(/_/g, ''));
    case 'float':
      return Number(node.text.replace(/_/g, ''));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'unary_operator': {
      const v = pyValue(node.namedChild(0), text);
      return typeof v === 'number' && node.text.startsWith('-') ? -v : undefined;
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const out: PyValue[] = [];
      for (const c of node.namedChildren) {
        const v = pyValue(c, text);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'parenthesized_expression':
      return pyValue(node.namedChild(0), text);
    case 'call':
      return { call: dotted(node.childForFieldName('function')) ?? '?', node };
    default:
      return undefined;
  }
}

/** `migrations.AddField` → 'migrations.AddField'; undefined for anything but names and attributes. */
export function dotted(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const obj = dotted(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute')?.text;
    return obj && attr ? `${obj}.${attr}` : undefined;
  }
  return undefined;
}

export interface PyArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kwargs`: the call cannot be read in full. */
  splat: boolean;
}

export function callArgs(call: Node): PyArgs {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let splat = false;
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
    else positional.push(a);
  }
  return { positional, keywords, splat };
}

/** Positional argument `i`, or the keyword `name`. */
export function arg(args: PyArgs, i: number, name: string): Node | undefined {
  return args.keywords.get(name) ?? args.positional[i];
}

/** A dict literal's entries with string keys. */
export function dictEntries(node: Node | null | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (node?.type !== 'dictionary') return out;
  for (const pair of node.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const k = pair.childForFieldName('key');
    const v = pair.childForFieldName('value');
    if (k?.type === 'string' && v) out.set(k.text.slice(1, -1), v);
  }
  return out;
}
