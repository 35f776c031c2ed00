/**
 * Small, forgiving accessors for libpg-query's JSON AST. The AST omits zero/false/empty
 * fields, so every accessor tolerates missing keys instead of trusting the full typings.
 */

// The parser's JSON is a tree of `{ NodeType: { …fields } }` objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AstNode = Record<string, any>;

/** `{ AlterTableStmt: {...} }` → `'AlterTableStmt'`. */
export function kindOf(node: AstNode | undefined): string {
  // Hot path: the first own key, without allocating Object.keys' array.
  for (const key in node) return key;
  return '';
}

/** `{ AlterTableStmt: {...} }` → the inner `{...}`. */
export function inner(node: AstNode | undefined): AstNode {
  return (node && node[kindOf(node)]) || {};
}

/** Unwrap a node if it is of `kind`, else undefined. */
export function as(node: AstNode | undefined, kind: string): AstNode | undefined {
  return node && kindOf(node) === kind ? node[kind] : undefined;
}

export function list(value: unknown): AstNode[] {
  return Array.isArray(value) ? (value as AstNode[]) : [];
}

/** `[{String:{sval:'a'}},{String:{sval:'b'}}]` → `['a','b']`. */
export function names(value: unknown): string[] {
  // One array, no map-then-filter pair: asked for every name list the catalog, the lock model and the rules read.
  const found: string[] = [];
  if (!Array.isArray(value)) return found;
  for (const n of value as AstNode[]) {
    const name: string = n?.String?.sval ?? (n?.A_Star ? '*' : '');
    if (name !== '') found.push(name);
  }
  return found;
}

/** A RangeVar as `schema.name` (or `name`). Identifiers arrive already case-folded by the parser. */
export function rangeVarName(rv: AstNode | undefined): string {
  if (!rv) return '';
  const r = rv.RangeVar ?? rv;
  const relname = quoteIfDotted(r.relname ?? '');
  return r.schemaname ? `${quoteIfDotted(r.schemaname)}.${relname}` : relname;
}

/** A quoted identifier may contain `.` (`"my.orders"`): it stays quoted so it is not read as schema-qualified. */
function quoteIfDotted(name: string): string {
  return name.includes('.') ? `"${name.replace(/"/g, '""')}"` : name;
}

/** The unqualified name, which is how Lockstep keys its catalog. `"a.b"` (quoted, see rangeVarName) is one name and stays quoted. */
export function baseName(qualified: string): string {
  if (qualified.endsWith('"')) {
    // Walk back to the opening quote; `""` inside is an escaped quote.
    let i = qualified.length - 2;
    while (i >= 0) {
      if (qualified[i] === '"') {
        if (i > 0 && qualified[i - 1] === '"') i -= 2;
        else break;
      } else i--;
    }
    // Kept quoted, so baseName is idempotent and `"my.orders"` never meets a table `orders`.
    if (i >= 0) return qualified.slice(i);
  }
  const dot = qualified.lastIndexOf('.');
  return dot >= 0 ? qualified.slice(dot + 1) : qualified;
}

export interface TypeInfo {
  /** Canonical name without `pg_catalog.`, e.g. `int4`, `varchar`, `timestamptz`, `my_enum`. */
  name: string;
  /** Numeric type modifiers, e.g. `[255]` for varchar(255), `[10, 2]` for numeric(10,2). */
  mods: number[];
  isArray: boolean;
}

/** Normalise a TypeName node (`typeName` field of ColumnDef, TypeCast, …). */
export function typeInfo(tn: AstNode | undefined): TypeInfo {
  const t = tn?.TypeName ?? tn ?? {};
  const parts = names(t.names);
  const name = parts[0] === 'pg_catalog' && parts.length > 1 ? parts.slice(1).join('.') : parts.join('.');
  const mods = list(t.typmods).map((m) => Number(as(m, 'A_Const')?.ival?.ival ?? 0));
  return { name: canonicalType(name), mods, isArray: list(t.arrayBounds).length > 0 };
}

const TYPE_ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  serial: 'serial4',
  bigserial: 'serial8',
  smallserial: 'serial2',
};

export function canonicalType(name: string): string {
  const lower = name.toLowerCase();
  return TYPE_ALIASES[lower] ?? lower;
}

export function formatType(t: TypeInfo): string {
  const mods = t.mods.length ? `(${t.mods.join(',')})` : '';
  return `${t.name}${mods}${t.isArray ? '[]' : ''}`;
}

/**
 * Depth-first walk over every object in the tree. Rules and the lock model walk every statement, so
 * this avoids `Object.entries` pairs and a regular expression per key (3.7 % of a corpus lint's self time).
 */
export function walk(node: unknown, visit: (kind: string, value: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // for…in, not Object.keys: no key array per node (the parser's plain objects inherit no enumerable keys).
  for (const key in node) {
    const value = (node as AstNode)[key];
    if (value && typeof value === 'object') {
      // A node kind starts with a capital letter (A–Z): `SelectStmt`, `ColumnRef`, …
      const first = key.charCodeAt(0);
      if (first >= 65 && first <= 90 && !Array.isArray(value)) visit(key, value as AstNode);
      walk(value, visit);
    }
  }
}

/** Names of all functions called anywhere in `node`, lower-cased and unqualified. */
export function calledFunctions(node: unknown): string[] {
  const found: string[] = [];
  walk(node, (kind, value) => {
    if (kind === 'FuncCall') {
      const n = names(value.funcname);
      if (n.length) found.push(n[n.length - 1].toLowerCase());
    }
  });
  return found;
}
