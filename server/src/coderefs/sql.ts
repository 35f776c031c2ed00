/**
 * References in one SQL text, read from libpg-query's syntax tree (the real PostgreSQL grammar), so
 * only names the statement really uses count: never a word in a comment, a string constant or a
 * longer identifier. Table aliases are resolved; an unqualified column is attributed to every table
 * of its statement (PostgreSQL would reject it if two of them had it).
 */
import { parseSync } from 'libpg-query';
import { Utf8OffsetMap } from '../parse/positions';
import type { RawReference } from './types';
import type { MappedText } from './text';

type Node = Record<string, unknown>;

interface Scope {
  /** alias or table name → table name */
  names: Map<string, string>;
  tables: string[];
  ctes: Set<string>;
}

/** References of every statement in `m.value`, located in the file through `m.pos`; none when it does not parse. */
export function sqlReferences(m: MappedText, source: string): RawReference[] {
  let parsed: { stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[] };
  try {
    if (m.value.includes('\0')) return [];
    parsed = parseSync(m.value) as typeof parsed;
  } catch {
    return [];
  }
  const offsets = new Utf8OffsetMap(m.value);
  const refs: RawReference[] = [];
  const at = (byteLocation: number, table: string, rest: Omit<RawReference, 'start' | 'end' | 'table' | 'source'>, which: 'last' | 'first' = 'last') => {
    const from = offsets.toUtf16(byteLocation);
    const parts = identChain(m.value, from);
    const part = which === 'last' ? parts[parts.length - 1] : parts[0];
    const span = part ?? { start: from, end: from + 1 };
    const start = m.pos[span.start] ?? m.pos[m.pos.length - 1] ?? 0;
    const end = (m.pos[span.end - 1] ?? start) + 1;
    refs.push({ start, end, table, source, ...rest });
  };
  for (const raw of parsed.stmts ?? []) if (raw.stmt) statementRefs(raw.stmt, at);
  return refs;
}

type Emit = (byteLocation: number, table: string, rest: Omit<RawReference, 'start' | 'end' | 'table' | 'source'>, which?: 'last' | 'first') => void;

function statementRefs(stmt: Node, emit: Emit): void {
  const scope: Scope = { names: new Map(), tables: [], ctes: new Set() };
  collectScope(stmt, scope);
  walk(stmt, (node, key) => {
    if (key === 'RangeVar') {
      const rv = node as { relname?: string; location?: number };
      if (rv.relname && !scope.ctes.has(rv.relname) && rv.location !== undefined) emit(rv.location, rv.relname, { access: 'read' });
    } else if (key === 'DeleteStmt' || key === 'UpdateStmt') {
      // The target of an UPDATE/DELETE (an INSERT's: insertRefs) sits bare under `relation`.
      const rv = (node as { relation?: { relname?: string; location?: number } }).relation;
      if (rv?.relname && rv.location !== undefined) emit(rv.location, rv.relname, { access: 'write' });
      if (key === 'UpdateStmt') updateRefs(node, emit);
    } else if (key === 'ColumnRef') columnRef(node, scope, emit);
    else if (key === 'InsertStmt') insertRefs(node, emit);
  });
}

function collectScope(stmt: Node, scope: Scope): void {
  walk(stmt, (node, key) => {
    if (key === 'CommonTableExpr') {
      const name = (node as { ctename?: string }).ctename;
      if (name) scope.ctes.add(name);
    }
    const rv = (key === 'RangeVar' ? node : key.endsWith('Stmt') ? node.relation : undefined) as
      | { relname?: string; alias?: { aliasname?: string } }
      | undefined;
    if (!rv?.relname) return;
    scope.names.set(rv.relname, rv.relname);
    if (rv.alias?.aliasname) scope.names.set(rv.alias.aliasname, rv.relname);
  });
  for (const cte of scope.ctes) if (scope.names.get(cte) === cte) scope.names.delete(cte);
  scope.tables = [...new Set([...scope.names.values()])].filter((t) => !scope.ctes.has(t));
}

function columnRef(node: Node, scope: Scope, emit: Emit): void {
  const ref = node as { fields?: Node[]; location?: number };
  const fields = ref.fields ?? [];
  const location = ref.location;
  if (location === undefined) return;
  const names = fields.map((f) => (f.String as { sval?: string } | undefined)?.sval);
  const star = fields.length > 0 && 'A_Star' in fields[fields.length - 1];
  const qualifier = fields.length >= 2 ? names[fields.length - 2] : undefined;
  const tables = qualifier !== undefined ? [scope.names.get(qualifier) ?? qualifier].filter((t) => !scope.ctes.has(t)) : scope.tables;
  if (star) {
    for (const table of tables) emit(location, table, { access: 'read', everyColumn: true }, 'first');
    return;
  }
  const column = names[names.length - 1];
  if (column === undefined) return;
  for (const table of tables) emit(location, table, { access: 'read', column });
}

function insertRefs(node: Node, emit: Emit): void {
  const ins = node as { relation?: { relname?: string; location?: number }; cols?: Node[] };
  const table = ins.relation?.relname;
  if (!table || ins.relation?.location === undefined) return;
  const cols = (ins.cols ?? []).map((c) => c.ResTarget as { name?: string; location?: number });
  if (cols.length === 0) {
    emit(ins.relation.location, table, { access: 'write', everyColumn: true });
    return;
  }
  emit(ins.relation.location, table, { access: 'write', writesColumns: cols.map((c) => c.name ?? '') });
  for (const c of cols) if (c.name && c.location !== undefined) emit(c.location, table, { access: 'write', column: c.name }, 'first');
}

function updateRefs(node: Node, emit: Emit): void {
  const upd = node as { relation?: { relname?: string }; targetList?: Node[] };
  const table = upd.relation?.relname;
  if (!table) return;
  for (const t of upd.targetList ?? []) {
    const target = t.ResTarget as { name?: string; location?: number } | undefined;
    if (target?.name && target.location !== undefined) emit(target.location, table, { access: 'write', column: target.name }, 'first');
  }
}

/** Depth-first over every object node, with the key it sits under (`RangeVar`, `ColumnRef`, …). */
function walk(node: unknown, visit: (node: Node, key: string) => void, key = ''): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, key);
    return;
  }
  if (!node || typeof node !== 'object') return;
  if (key) visit(node as Node, key);
  const obj = node as Node;
  for (const k in obj) {
    const v = obj[k];
    if (v && typeof v === 'object') {
      const c = k.charCodeAt(0);
      walk(v, visit, c >= 65 && c <= 90 ? k : '');
    }
  }
}

/** The spans of `a.b.c` (each part plain or "quoted") starting at `from`. */
export function identChain(text: string, from: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let i = from;
  for (;;) {
    const start = i;
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      i++;
    } else {
      while (i < text.length && /[\p{L}\p{N}_$]/u.test(text[i])) i++;
    }
    if (i === start) break;
    parts.push({ start, end: Math.min(i, text.length) });
    let j = i;
    while (/\s/.test(text[j] ?? '')) j++;
    if (text[j] !== '.') break;
    j++;
    while (/\s/.test(text[j] ?? '')) j++;
    i = j;
  }
  return parts;
}
