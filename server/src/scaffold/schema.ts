/**
 * What a plan needs to know about the tables it touches: columns with their SQL types, NOT NULL
 * and defaults, the primary key, indexes, and foreign keys in both directions. It comes either
 * from a connected database (dbSchema.ts) or from replaying the workspace's earlier migrations
 * (this file: Lockstep's own catalog, plus the few facts the catalog does not keep — default
 * expressions, index uniqueness and shape, foreign-key actions — read from the same statements).
 */
import type { LockstepConfig } from '../config/types';
import { catalogFromSql } from '../engine';
import { AstNode, as, baseName, formatType, inner, kindOf, list, names, rangeVarName } from '../parse/ast';
import { parseSync, scanSync } from 'libpg-query';
import { splitSql } from '../parse/split';
import { DependentCollector, type DependentObject } from './dependencies';
import { q } from './sqlText';

export interface ColumnSchema {
  name: string;
  /** SQL type as PostgreSQL accepts it back, e.g. `int4`, `varchar(255)`, `timestamptz`. */
  type: string;
  notNull: boolean;
  /** Default expression as SQL text (serial columns: their `nextval(…)`). */
  default?: string;
  identity?: boolean;
}

export interface IndexSchema {
  name: string;
  table: string;
  /** Key columns; empty when the index has expressions (then it is not `simple`). */
  columns: string[];
  unique: boolean;
  /** The constraint the index backs, if any. */
  constraint?: 'primary' | 'unique';
  /** A plain b-tree over plain columns without a WHERE clause: something a plan can rebuild itself. */
  simple: boolean;
}

export interface ForeignKeySchema {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  /** `ON DELETE …` / `ON UPDATE …` clauses as SQL ('' when NO ACTION). */
  actions: string;
  validated: boolean;
}

export interface CheckSchema {
  name: string;
  /** The columns its expression reads. */
  columns: string[];
  /** `CHECK (…)`, as PostgreSQL accepts it back (without NOT VALID). */
  definition: string;
  validated: boolean;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  primaryKey?: { name: string; columns: string[] };
  indexes: IndexSchema[];
  /** Foreign keys declared on this table. */
  foreignKeys: ForeignKeySchema[];
  /** CHECK constraints (NOT NULL is a column fact, not one of these). */
  checks: CheckSchema[];
}

export interface SchemaInfo {
  /** Where it came from: replayed migrations (Lockstep's catalog, or PGlite), a database, or nothing. */
  source: 'migrations' | 'pglite' | 'database' | 'none';
  tables: Map<string, TableSchema>;
  /** Sequence name → the column that owns it (serial columns). */
  sequenceOwners: Map<string, { table: string; column: string }>;
  /** Views, routines, triggers, policies, generated columns and publications (dependencies.ts); undefined when unknown. */
  dependents?: DependentObject[];
}

export function emptySchema(): SchemaInfo {
  return { source: 'none', tables: new Map(), sequenceOwners: new Map() };
}

/** Foreign keys on other tables (or this one) that point at `table`. */
export function referencesTo(schema: SchemaInfo, table: string): ForeignKeySchema[] {
  const found: ForeignKeySchema[] = [];
  for (const t of schema.tables.values()) for (const fk of t.foreignKeys) if (fk.refTable === table) found.push(fk);
  return found.sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));
}

export function columnOf(table: TableSchema, column: string): ColumnSchema | undefined {
  return table.columns.find((c) => c.name === column);
}

const SERIAL_TYPES: Record<string, string> = { serial2: 'int2', serial4: 'int4', serial8: 'int8' };
const FK_ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Facts the catalog does not keep, collected while replaying the same statements. */
class Extras {
  readonly tables: string[] = [];
  readonly defaults = new Map<string, string>();
  readonly identity = new Set<string>();
  readonly indexes = new Map<string, { unique: boolean; simple: boolean; columns: string[] }>();
  readonly fkActions = new Map<string, string>();
  /** Table → its CHECK constraints, in the order they were added. */
  readonly checks = new Map<string, CheckSchema[]>();
  /** Old table name → current name (the catalog keeps foreign keys pointing at the old name). */
  readonly renamed = new Map<string, string>();

  currentName(table: string): string {
    const seen = new Set<string>();
    let name = table;
    while (this.renamed.has(name) && !seen.has(name)) {
      seen.add(name);
      name = this.renamed.get(name)!;
    }
    return name;
  }

  addTable(name: string): void {
    if (!this.tables.includes(name)) this.tables.push(name);
  }

  renameTable(from: string, to: string): void {
    this.renamed.set(from, to);
    this.renamed.delete(to);
    const i = this.tables.indexOf(from);
    if (i >= 0) this.tables[i] = to;
    for (const map of [this.defaults] as Map<string, string>[]) {
      for (const [k, v] of [...map]) if (k.startsWith(`${from}.`)) { map.delete(k); map.set(`${to}.${k.slice(from.length + 1)}`, v); }
    }
    for (const k of [...this.identity]) if (k.startsWith(`${from}.`)) { this.identity.delete(k); this.identity.add(`${to}.${k.slice(from.length + 1)}`); }
    const checks = this.checks.get(from);
    this.checks.delete(from);
    if (checks) this.checks.set(to, checks);
  }

  addCheck(table: string, check: CheckSchema): void {
    this.checks.set(table, [...(this.checks.get(table) ?? []).filter((c) => c.name !== check.name), check]);
  }

  /** DROP CONSTRAINT, or DROP COLUMN (which drops every check that reads the column). */
  dropChecks(table: string, drop: (c: CheckSchema) => boolean): void {
    const checks = this.checks.get(table);
    if (checks) this.checks.set(table, checks.filter((c) => !drop(c)));
  }

  renameColumn(table: string, from: string, to: string): void {
    const d = this.defaults.get(`${table}.${from}`);
    this.defaults.delete(`${table}.${from}`);
    if (d !== undefined) this.defaults.set(`${table}.${to}`, d);
    if (this.identity.delete(`${table}.${from}`)) this.identity.add(`${table}.${to}`);
    for (const idx of this.indexes.values()) idx.columns = idx.columns.map((c) => (c === from ? to : c));
    // PostgreSQL rewrites the expression with the column; so does this (the name as a whole word, unquoted or quoted).
    const word = new RegExp(`(?<![\\w$"])("?)${from.replace(/[$]/g, '\\$')}\\1(?![\\w$"])`, 'g');
    for (const c of this.checks.get(table) ?? []) {
      if (!c.columns.includes(from)) continue;
      c.columns = c.columns.map((x) => (x === from ? to : x));
      c.definition = c.definition.replace(word, q(to));
    }
  }

  dropTable(name: string): void {
    this.tables.splice(this.tables.indexOf(name) >>> 0, this.tables.includes(name) ? 1 : 0);
    for (const k of [...this.defaults.keys()]) if (k.startsWith(`${name}.`)) this.defaults.delete(k);
    this.checks.delete(name);
  }
}

/**
 * Replay DDL (the workspace's earlier migrations, in order) into a SchemaInfo. The parser must
 * be loaded (`initEngine()`). Statements that do not parse are skipped, as the catalog does.
 */
export function schemaFromSql(sql: string, config: LockstepConfig): SchemaInfo {
  const catalog = catalogFromSql(sql, config);
  const extras = new Extras();
  const dependents = new DependentCollector();
  const split = splitSql(sql);
  // goose/dbmate down sections undo their file; replaying them would drop what the up section made.
  const downs: Array<[number, number]> = [];
  const boundaries = split.markers.filter((m) => m.name === 'up' || m.name === 'down');
  boundaries.forEach((m, i) => {
    if (m.name === 'down') downs.push([m.span.start, boundaries[i + 1]?.span.start ?? Infinity]);
  });
  for (const chunk of split.chunks) {
    if (chunk.kind !== 'sql') continue;
    if (downs.some(([a, b]) => chunk.span.start > a && chunk.span.start < b)) continue;
    let stmts: AstNode[];
    try {
      stmts = (parseSync(chunk.text).stmts ?? []).map((s: AstNode) => s.stmt);
    } catch {
      continue;
    }
    const bytes = Buffer.from(chunk.text, 'utf8');
    for (const stmt of stmts) {
      if (!stmt) continue;
      collectExtras(stmt, extras, bytes, chunk.text);
      dependents.add(stmt, chunk.text);
    }
  }

  const schema: SchemaInfo = { source: 'migrations', tables: new Map(), sequenceOwners: new Map(), dependents: dependents.objects };
  for (const name of extras.tables) {
    const rel = catalog.relation(name);
    if (!rel || (rel.kind !== 'table' && rel.kind !== 'partitioned')) continue;
    const columns: ColumnSchema[] = [...rel.columns.values()].map((c) => {
      const raw = formatType(c.type);
      const serial = SERIAL_TYPES[c.type.name];
      const seq = catalog.sequencesOf(name).find((n) => n.endsWith(`_${c.name}_seq`)) ?? `${name}_${c.name}_seq`;
      if (serial) schema.sequenceOwners.set(seq, { table: name, column: c.name });
      return {
        name: c.name,
        type: serial ?? raw,
        notNull: c.notNull || !!serial,
        default: serial ? `nextval('${seq}'::regclass)` : extras.defaults.get(`${name}.${c.name}`),
        identity: extras.identity.has(`${name}.${c.name}`) || undefined,
      };
    });
    const constraints = catalog.constraintsOf(name);
    const pk = constraints.find((c) => c.kind === 'primary');
    const indexes: IndexSchema[] = catalog.indexesOf(name).map((idx) => {
      const rel2 = catalog.relation(idx)!;
      const extra = extras.indexes.get(idx);
      const con = constraints.find((c) => c.name === idx && (c.kind === 'primary' || c.kind === 'unique'));
      const columns = (rel2.indexColumns ?? []).filter((c) => c !== 'expr');
      const hasExpr = (rel2.indexColumns ?? []).includes('expr');
      return {
        name: idx,
        table: name,
        columns: hasExpr ? [] : columns,
        unique: !!con || !!extra?.unique,
        constraint: con ? (con.kind as 'primary' | 'unique') : undefined,
        simple: !hasExpr && (con ? true : (extra?.simple ?? false)),
      };
    });
    const foreignKeys: ForeignKeySchema[] = constraints
      .filter((c) => c.kind === 'foreign')
      .map((c) => ({
        name: c.name,
        table: name,
        columns: c.columns ?? [],
        refTable: extras.currentName(c.references ?? ''),
        refColumns: c.referencedColumns?.length ? c.referencedColumns : (pkColumnsOf(catalog, extras.currentName(c.references ?? '')) ?? []),
        actions: extras.fkActions.get(c.name) ?? '',
        validated: c.validated,
      }));
    schema.tables.set(name, {
      name,
      columns,
      primaryKey: pk ? { name: pk.name, columns: catalog.relation(pk.name)?.indexColumns ?? [] } : undefined,
      indexes,
      foreignKeys,
      checks: extras.checks.get(name) ?? [],
    });
  }
  return schema;
}

function pkColumnsOf(catalog: ReturnType<typeof catalogFromSql>, table: string): string[] | undefined {
  const pk = catalog.constraintsOf(table).find((c) => c.kind === 'primary');
  return pk ? catalog.relation(pk.name)?.indexColumns : undefined;
}

function collectExtras(stmt: AstNode, extras: Extras, bytes: Buffer, text: string): void {
  const s = inner(stmt);
  switch (kindOf(stmt)) {
    case 'CreateStmt': {
      const table = baseName(rangeVarName(s.relation));
      extras.addTable(table);
      for (const elt of list(s.tableElts)) {
        const col = as(elt, 'ColumnDef');
        if (col) columnExtras(table, col, extras, bytes, text);
        const con = as(elt, 'Constraint');
        if (con) constraintExtras(table, con, [], extras, bytes, text);
      }
      break;
    }
    case 'AlterTableStmt': {
      if (s.objtype && s.objtype !== 'OBJECT_TABLE') break;
      const table = baseName(rangeVarName(s.relation));
      for (const c of list(s.cmds)) {
        const cmd = as(c, 'AlterTableCmd') ?? {};
        if (cmd.subtype === 'AT_AddColumn') {
          const col = as(cmd.def, 'ColumnDef');
          if (col) columnExtras(table, col, extras, bytes, text);
        } else if (cmd.subtype === 'AT_ColumnDefault') {
          const expr = cmd.def ? expressionText(cmd.def, bytes, text) : undefined;
          if (expr) extras.defaults.set(`${table}.${cmd.name}`, expr);
          else extras.defaults.delete(`${table}.${cmd.name}`);
        } else if (cmd.subtype === 'AT_DropColumn') {
          extras.defaults.delete(`${table}.${cmd.name}`);
          extras.identity.delete(`${table}.${cmd.name}`);
          extras.dropChecks(table, (x) => x.columns.includes(cmd.name));
        } else if (cmd.subtype === 'AT_DropConstraint') {
          extras.dropChecks(table, (x) => x.name === cmd.name);
        } else if (cmd.subtype === 'AT_ValidateConstraint') {
          for (const x of extras.checks.get(table) ?? []) if (x.name === cmd.name) x.validated = true;
        } else if (cmd.subtype === 'AT_AddConstraint') {
          const con = as(cmd.def, 'Constraint');
          if (con) constraintExtras(table, con, [], extras, bytes, text);
        }
      }
      break;
    }
    case 'RenameStmt': {
      const table = baseName(rangeVarName(s.relation));
      if (s.renameType === 'OBJECT_COLUMN') extras.renameColumn(table, s.subname, s.newname);
      else if (s.renameType === 'OBJECT_TABLE') extras.renameTable(table, s.newname);
      else if (s.renameType === 'OBJECT_INDEX') {
        const idx = extras.indexes.get(table);
        if (idx) { extras.indexes.delete(table); extras.indexes.set(s.newname, idx); }
      }
      break;
    }
    case 'DropStmt':
      if (s.removeType === 'OBJECT_TABLE') {
        for (const obj of list(s.objects)) {
          const parts = obj.List ? names(obj.List.items) : names([obj]);
          extras.dropTable(parts[parts.length - 1] ?? '');
        }
      }
      break;
    case 'IndexStmt': {
      const params = list(s.indexParams).map((p) => as(p, 'IndexElem') ?? {});
      const simple =
        !s.whereClause &&
        (!s.accessMethod || s.accessMethod === 'btree') &&
        params.every((p) => p.name && !p.expr && !list(p.opclass).length && !p.collation && [undefined, 'SORTBY_DEFAULT'].includes(p.ordering) && [undefined, 'SORTBY_NULLS_DEFAULT'].includes(p.nulls_ordering)) &&
        !list(s.indexIncludingParams).length;
      const table = baseName(rangeVarName(s.relation));
      const cols = params.map((p) => p.name ?? 'expr');
      const name = s.idxname ?? `${table}_${cols.join('_')}_${s.unique ? 'key' : 'idx'}`;
      extras.indexes.set(name, { unique: !!s.unique, simple, columns: cols });
      break;
    }
  }
}

function columnExtras(table: string, col: AstNode, extras: Extras, bytes: Buffer, text: string): void {
  for (const c of list(col.constraints)) {
    const con = as(c, 'Constraint') ?? {};
    if (con.contype === 'CONSTR_DEFAULT' && con.raw_expr) {
      const expr = expressionText(con.raw_expr, bytes, text);
      if (expr) extras.defaults.set(`${table}.${col.colname}`, expr);
    } else if (con.contype === 'CONSTR_IDENTITY') extras.identity.add(`${table}.${col.colname}`);
    else constraintExtras(table, con, [col.colname], extras, bytes, text);
  }
}

function constraintExtras(table: string, con: AstNode, columnOf: string[], extras: Extras, bytes: Buffer, text: string): void {
  if (con.contype === 'CONSTR_CHECK') return checkExtras(table, con, extras, bytes, text);
  if (con.contype !== 'CONSTR_FOREIGN') return;
  const cols = names(con.fk_attrs).length ? names(con.fk_attrs) : columnOf;
  const name = con.conname ?? `${table}_${cols.join('_')}_fkey`;
  const clauses: string[] = [];
  if (FK_ACTIONS[con.fk_del_action]) clauses.push(`ON DELETE ${FK_ACTIONS[con.fk_del_action]}`);
  if (FK_ACTIONS[con.fk_upd_action]) clauses.push(`ON UPDATE ${FK_ACTIONS[con.fk_upd_action]}`);
  extras.fkActions.set(name, clauses.join(' '));
}

/** A CHECK constraint, named as PostgreSQL names it when the statement does not. */
function checkExtras(table: string, con: AstNode, extras: Extras, bytes: Buffer, text: string): void {
  const expression = con.raw_expr ? expressionText(con.raw_expr, bytes, text) : undefined;
  if (!expression) return;
  const columns: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const ref = as(v as AstNode, 'ColumnRef');
    if (ref) {
      const parts = names(ref.fields);
      const column = parts[parts.length - 1];
      if (column && !columns.includes(column)) columns.push(column);
      return;
    }
    for (const x of Object.values(v as AstNode)) visit(x);
  };
  visit(con.raw_expr);
  const name = con.conname ?? `${table}_${columns.length === 1 ? `${columns[0]}_` : ''}check`;
  extras.addCheck(table, { name, columns, definition: `CHECK (${expression})`, validated: !con.skip_validation });
}

const STOP_WORDS = new Set(['not', 'null', 'constraint', 'check', 'references', 'primary', 'unique', 'generated', 'collate', 'default', 'deferrable', 'initially']);

/**
 * The source text of an expression node: from its first token to the first top-level `,` or `)`
 * or column-constraint keyword after it. Node locations are UTF-8 byte offsets into the chunk.
 */
export function expressionText(node: AstNode, bytes: Buffer, text: string): string | undefined {
  let start = Infinity;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as AstNode)) {
      if (k === 'location' && typeof x === 'number' && x >= 0) start = Math.min(start, x);
      else visit(x);
    }
  };
  visit(node);
  if (!Number.isFinite(start)) return undefined;
  let tokens: Array<{ start: number; end: number; text: string }>;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  // A leading `(` belongs to the expression even though no node points at it.
  let i = tokens.findIndex((t) => t.start >= start);
  if (i < 0) return undefined;
  while (i > 0 && tokens[i - 1].text === '(' && tokens[i - 2]?.text.toLowerCase() === 'default') i--;
  let depth = 0;
  let end = bytes.length;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j].text.toLowerCase();
    if (t === '(' || t === '[') depth++;
    else if (t === ')' || t === ']') {
      if (depth === 0) { end = tokens[j].start; break; }
      depth--;
    } else if (depth === 0 && (t === ',' || t === ';' || (j > i && STOP_WORDS.has(t) && !(t === 'null' && tokens[j - 1]?.text.toLowerCase() === 'is')))) {
      end = tokens[j].start;
      break;
    }
  }
  const s = tokens[i].start;
  return bytes.subarray(s, end).toString('utf8').trim() || undefined;
}

