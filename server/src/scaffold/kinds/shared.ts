/** What every plan kind declares, and the schema lookups they share. */
import type { Plan, PlanOptions } from '../plan';
import { ScaffoldError } from '../plan';
import type { ColumnSchema, IndexSchema, SchemaInfo, TableSchema } from '../schema';
import { objectName } from '../sqlText';

/** One input of a kind: drives CLI flags, the VS Code quick picks and validation alike. */
export interface KindParam {
  name: string;
  /** Prompt text. */
  label: string;
  /**
   * `table`/`column`/`columns` are picked from the known schema (`of` names the table param);
   * `identifier(s)`: new names; `type`: a SQL type; `expression`: SQL over the row; `choice`: one of `choices`.
   */
  type: 'table' | 'column' | 'columns' | 'identifier' | 'identifiers' | 'type' | 'expression' | 'choice';
  of?: string;
  choices?: string[];
  required: boolean;
  help: string;
}

export type KindArgs = Record<string, string | undefined>;

export interface PlanKind {
  id: string;
  /** Position in `scaffold --list` and the VS Code picker (related kinds share one). */
  number: number;
  title: string;
  description: string;
  params: KindParam[];
  /** Options a kind no longer takes, with the message that says what replaced them. */
  retiredParams?: Record<string, (args: KindArgs) => string>;
  build(args: KindArgs, schema: SchemaInfo, options: PlanOptions): Plan;
}

export function arg(args: KindArgs, name: string): string {
  const value = args[name]?.trim();
  if (!value) throw new ScaffoldError(`missing --${name}`);
  return value;
}

export function optionalArg(args: KindArgs, name: string): string | undefined {
  return args[name]?.trim() || undefined;
}

/** A comma-separated list of identifiers. */
export function listArg(args: KindArgs, name: string): string[] {
  return arg(args, name)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => identifier(s, name));
}

/** Identifiers are taken as PostgreSQL stores them unquoted: lower case. Anything else is refused. */
export function identifier(value: string, what: string): string {
  const v = value.trim();
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(v)) {
    if (v.length > 63) throw new ScaffoldError(`--${what} "${v}" is longer than 63 characters`);
    return v.toLowerCase();
  }
  throw new ScaffoldError(`--${what} "${v}" is not a plain identifier (letters, digits, _)`);
}

export function tableOf(schema: SchemaInfo, name: string): TableSchema {
  const t = schema.tables.get(identifier(name, 'table'));
  if (t) return t;
  const known = [...schema.tables.keys()].sort();
  const where = schema.source === 'none' ? 'no schema is known (no earlier migrations and no database)' : `known tables: ${known.join(', ') || 'none'}`;
  throw new ScaffoldError(`table "${name}" not found; ${where}`);
}

export function columnOf(table: TableSchema, name: string): ColumnSchema {
  const c = table.columns.find((x) => x.name === identifier(name, 'column'));
  if (c) return c;
  throw new ScaffoldError(`column "${name}" not found in ${table.name}; its columns: ${table.columns.map((x) => x.name).join(', ')}`);
}

export function newColumnName(table: TableSchema, name: string, what: string): string {
  const n = identifier(name, what);
  if (table.columns.some((c) => c.name === n)) throw new ScaffoldError(`${table.name} already has a column "${n}"`);
  return n;
}

/** The single-column primary key keyset batches walk (composite keys are not supported). */
export function singleKey(table: TableSchema): ColumnSchema {
  const pk = table.primaryKey;
  if (!pk || pk.columns.length !== 1) {
    throw new ScaffoldError(`${table.name} needs a single-column primary key: backfills walk it in keyset batches${pk ? ` (it has ${pk.columns.join(', ')})` : ' (it has none)'}`);
  }
  return columnOf(table, pk.columns[0]);
}

export function indexesOn(table: TableSchema, columns: string[]): IndexSchema[] {
  return table.indexes.filter((i) => i.columns.some((c) => columns.includes(c)) || (!i.simple && i.columns.length === 0));
}

/** Longest default plan name; longer ones are cut at a word boundary, never mid-word. */
const SLUG_MAX = 40;

export function slug(...parts: string[]): string {
  const full = objectName(...parts);
  if (full.length <= SLUG_MAX) return full;
  const words = full.split('_').filter(Boolean);
  let out = words[0].slice(0, SLUG_MAX);
  for (const w of words.slice(1)) {
    if (out.length + 1 + w.length > SLUG_MAX) break;
    out += `_${w}`;
  }
  return out;
}

/**
 * The plan's name: `--name` when given (so two plans on one table get distinct objects and
 * files), else the kind's default built from `parts`.
 */
export function planSlug(args: KindArgs, ...parts: string[]): string {
  const given = optionalArg(args, 'name');
  if (!given) return slug(...parts);
  if (!/^[a-z][a-z0-9_]*$/.test(given)) throw new ScaffoldError(`--name "${given}" must be lower case letters, digits and _ (it names the plan's objects and files)`);
  if (given.length > SLUG_MAX) throw new ScaffoldError(`--name "${given}" is longer than ${SLUG_MAX} characters (the plan's object names add suffixes to it)`);
  return given;
}

/** `name` with `from` replaced by `to` where it appears as a word part, else suffixed. */
export function renamedObject(name: string, from: string, to: string, existing: (n: string) => boolean): string {
  const pattern = new RegExp(`(^|_)${from.replace(/[$]/g, '\\$')}(_|$)`);
  let candidate = pattern.test(name) ? name.replace(pattern, `$1${to}$2`) : `${name}_${to}`;
  candidate = objectName(candidate);
  while (existing(candidate)) candidate = objectName(`${candidate}_new`);
  return candidate;
}

/** `base`, or `base_new`, … : a name nothing in the schema uses yet. */
export function freshName(base: string, existing: (n: string) => boolean): string {
  let candidate = objectName(base);
  while (existing(candidate)) candidate = objectName(`${candidate}_new`);
  return candidate;
}

export function relationExists(schema: SchemaInfo, name: string): boolean {
  for (const t of schema.tables.values()) {
    if (t.name === name || t.indexes.some((i) => i.name === name) || t.foreignKeys.some((f) => f.name === name)) return true;
  }
  return false;
}

/** Indexes on `columns` that a plan cannot rebuild itself: reported in the plan's notes. */
export function unsupportedIndexNotes(indexes: IndexSchema[]): string[] {
  return indexes
    .filter((i) => !i.simple)
    .map((i) => `Index ${i.name} on ${i.table} uses an expression, a WHERE clause, another access method or options; it goes away with its column and the plan does not rebuild it. Create its counterpart by hand (CREATE INDEX CONCURRENTLY) on the new column, and again on rollback.`);
}
