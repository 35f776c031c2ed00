/**
 * Rails (ActiveRecord) migrations: `class X < ActiveRecord::Migration[7.1]` with `change`, or `up`
 * and `down`. Read with tree-sitter's Ruby grammar. `execute` strings and heredocs are linted as
 * written; schema statements are translated to the SQL ActiveRecord's PostgreSQL adapter emits
 * (sources in docs/frameworks/rails.md). Rails runs each migration in a transaction unless the
 * class says `disable_ddl_transaction!`. `safety_assured { … }` (strong_migrations) is read as an
 * explained ignore: its statements carry `-- lockstep-ignore all: …`.
 */
import { writeRailsMigrations } from './writeHost';
import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import { callArgs, heredocValue, methodName, named, rbValue, spanOf, stringValue, type CallArgs, type RbValue, type StringResult } from './rubyAst';
import { concurrentlyInLiteral, ident, identList, indentAt, pascal, timestamp14 } from './sqlText';
import { withTree } from './treeSitter';
import type { ExtractedStatement, Extraction, FrameworkExtractor, NotAnalysed, TransactionModel } from './types';

const SAFETY_ASSURED = '-- lockstep-ignore all: inside safety_assured { } (strong_migrations)\n';
const FOLLOWS_RENAME = '-- lockstep-ignore all: renamed along with the table by rename_table\n';

/** Rails' `fk_rails_<10 hex>` / `chk_rails_<10 hex>` names: SHA256 of "<table>_<column>_fk". */
const hashedName = (prefix: string, identifier: string) => `${prefix}_rails_${createHash('sha256').update(identifier).digest('hex').slice(0, 10)}`;

/** ActiveSupport's singularize for the regular English plurals table names use. */
function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|ses|zes)es$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && !/ss$/.test(word)) return word.slice(0, -1);
  return word;
}

const str = (v: RbValue): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: RbValue): string[] | undefined => (typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** A SQL default as the PostgreSQL adapter quotes it. */
function defaultSql(v: RbValue): string | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v.sql;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v === null) return 'NULL';
  // An array column's default: PostgreSQL's array literal, quoted ('{}', '{"a","b"}').
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) {
    return `'{${v.map((x) => (typeof x === 'string' ? `"${x.replace(/["\\]/g, '\\$&').replace(/'/g, "''")}"` : String(x))).join(',')}}'`;
  }
  return undefined;
}

interface Ctx {
  /** `Migration[7.0]` and later default datetime columns to precision 6. */
  version: number;
}

/** The PostgreSQL adapter's NATIVE_DATABASE_TYPES, with limit/precision/scale/array. */
function columnType(type: string, o: Map<string, RbValue>, ctx: Ctx, verbatim = false): string | undefined {
  const limit = o.get('limit');
  const precision = o.get('precision');
  let sql: string | undefined;
  switch (type) {
    case 'primary_key': sql = 'bigserial primary key'; break;
    case 'string': sql = typeof limit === 'number' ? `character varying(${limit})` : 'character varying'; break;
    case 'text': sql = 'text'; break;
    case 'integer': sql = limit === 8 ? 'bigint' : limit === 2 || limit === 1 ? 'smallint' : 'integer'; break;
    case 'bigint': sql = 'bigint'; break;
    case 'float': sql = 'float'; break;
    case 'decimal':
    case 'numeric': {
      const scale = o.get('scale');
      sql = typeof precision === 'number' ? `decimal(${precision}${typeof scale === 'number' ? `,${scale}` : ''})` : 'decimal';
      break;
    }
    case 'datetime':
    case 'timestamp':
    case 'timestamptz': {
      const base = type === 'timestamptz' ? 'timestamp with time zone' : 'timestamp';
      const p = precision === null ? undefined : typeof precision === 'number' ? precision : ctx.version >= 7 && type !== 'timestamp' ? 6 : undefined;
      sql = p === undefined ? base : base.replace('timestamp', `timestamp(${p})`);
      break;
    }
    case 'time': sql = 'time'; break;
    case 'date': sql = 'date'; break;
    case 'binary': sql = 'bytea'; break;
    case 'boolean': sql = 'boolean'; break;
    case 'references':
    case 'belongs_to': sql = 'bigint'; break;
    case 'json': case 'jsonb': case 'uuid': case 'inet': case 'cidr': case 'macaddr': case 'hstore': case 'citext':
    case 'tsvector': case 'interval': case 'money': case 'point': case 'xml': case 'ltree': case 'daterange': case 'tsrange':
    case 'tstzrange': case 'int4range': case 'int8range': case 'numrange': case 'bit': case 'oid':
      sql = type; break;
    default:
      // A type the adapter does not know (an enum created by create_enum or execute) is written verbatim.
      if (!verbatim || !/^[a-z_][a-z0-9_]*$/i.test(type)) return undefined;
      sql = type;
  }
  return o.get('array') === true ? `${sql}[]` : sql;
}

/** `"name" type DEFAULT … NOT NULL`, as the adapter's column definition writes it. */
function columnDef(name: string, type: string, o: Map<string, RbValue>, ctx: Ctx, verbatim = false): string | undefined {
  const sqlType = columnType(type, o, ctx, verbatim);
  if (!sqlType) return undefined;
  let sql = `${ident(name)} ${sqlType}`;
  if (o.has('default')) {
    const d = defaultSql(o.get('default'));
    if (d === undefined) return undefined;
    if (d !== 'NULL') sql += ` DEFAULT ${d}`;
  }
  if (o.get('null') === false) sql += ' NOT NULL';
  return sql;
}

type Translation = string[] | { reason: string };

/**
 * `rename_table`: the adapter renames the table, then its `<table>_pkey` index and `<table>_id_seq`
 * sequence (Rails' default `id` primary key assumed). The indexes with Rails' default names that it
 * renames next are looked up in the database, so they are not listed (docs/frameworks/rails.md).
 */
function renameTable(from: string, to: string): string[] {
  return [
    `ALTER TABLE ${ident(from)} RENAME TO ${ident(to)}`,
    // Linted (their locks count) but not reported again: the table's rename already is, on the same call.
    `${FOLLOWS_RENAME}ALTER INDEX ${ident(`${from}_pkey`)} RENAME TO ${ident(`${to}_pkey`)}`,
    `${FOLLOWS_RENAME}ALTER TABLE "public".${ident(`${from}_id_seq`)} RENAME TO ${ident(`${to}_id_seq`)}`,
  ];
}

function options(args: CallArgs): Map<string, RbValue> {
  const o = new Map<string, RbValue>();
  for (const [k, v] of args.options) o.set(k, rbValue(v));
  return o;
}

function indexName(table: string, cols: string[]): string {
  return `index_${table.replace(/\./g, '_')}_on_${cols.join('_and_')}`;
}

function addIndex(table: string, colsV: RbValue, o: Map<string, RbValue>): Translation {
  const cols = list(colsV);
  if (!cols) return { reason: 'add_index on columns Lockstep cannot read' };
  const name = str(o.get('name')) ?? indexName(table, cols);
  const unique = o.get('unique') === true ? 'UNIQUE ' : '';
  const conc = o.get('algorithm') === 'concurrently' ? 'CONCURRENTLY ' : '';
  const ine = o.get('if_not_exists') === true ? 'IF NOT EXISTS ' : '';
  const using = str(o.get('using')) ? ` USING ${o.get('using')}` : '';
  // A single string with a paren or space is an expression Rails writes verbatim.
  const colSql = cols.length === 1 && /[(\s]/.test(cols[0]) ? cols[0] : identList(cols);
  const where = str(o.get('where')) ? ` WHERE ${o.get('where')}` : '';
  return [`CREATE ${unique}INDEX ${conc}${ine}${ident(name)} ON ${ident(table)}${using} (${colSql})${where}`];
}

function removeIndex(table: string, args: Node[], o: Map<string, RbValue>): Translation {
  const cols = list(rbValue(args[1])) ?? list(o.get('column'));
  const name = str(o.get('name')) ?? (cols ? indexName(table, cols) : undefined);
  if (!name) return { reason: 'remove_index without a name or columns' };
  const conc = o.get('algorithm') === 'concurrently' ? 'CONCURRENTLY ' : '';
  const ie = o.get('if_exists') === true ? 'IF EXISTS ' : '';
  return [`DROP INDEX ${conc}${ie}${ident(name)}`];
}

function foreignKeySql(from: string, to: string, o: Map<string, RbValue>): string {
  const column = str(o.get('column')) ?? `${singular(to)}_id`;
  const pk = str(o.get('primary_key')) ?? 'id';
  const name = str(o.get('name')) ?? hashedName('fk', `${from}_${column}_fk`);
  const action = (v: RbValue) => ({ cascade: 'CASCADE', nullify: 'SET NULL', restrict: 'RESTRICT' })[String(v)];
  let sql = `ALTER TABLE ${ident(from)} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${ident(column)}) REFERENCES ${ident(to)} (${ident(pk)})`;
  if (action(o.get('on_delete'))) sql += ` ON DELETE ${action(o.get('on_delete'))}`;
  if (action(o.get('on_update'))) sql += ` ON UPDATE ${action(o.get('on_update'))}`;
  if (o.get('deferrable') === 'deferred') sql += ' DEFERRABLE INITIALLY DEFERRED';
  if (o.get('validate') === false) sql += ' NOT VALID';
  return sql;
}

/** `add_reference :posts, :user, foreign_key: true`: the column(s), its index, its foreign key. */
function addReference(table: string, ref: string, o: Map<string, RbValue>, ctx: Ctx, inCreate: string[] | undefined): Translation {
  const out: string[] = [];
  const column = `${ref}_id`;
  const typeName = str(o.get('type')) ?? 'bigint';
  const colOpts = new Map<string, RbValue>([['null', o.get('null')], ['default', o.get('default')]].filter(([, v]) => v !== undefined) as [string, RbValue][]);
  const defs = [columnDef(column, typeName, colOpts, ctx)];
  if (o.get('polymorphic') === true) defs.push(columnDef(`${ref}_type`, 'string', colOpts, ctx));
  if (defs.some((d) => !d)) return { reason: 'add_reference with options Lockstep cannot read' };
  if (inCreate) inCreate.push(...(defs as string[]));
  else for (const d of defs) out.push(`ALTER TABLE ${ident(table)} ADD ${d}`);
  const index = o.get('index');
  if (index !== false) {
    const cols = o.get('polymorphic') === true ? [`${ref}_type`, column] : [column];
    const io = new Map(args2map(o, 'index'));
    if (!io.has('name')) io.set('name', indexName(table, o.get('polymorphic') === true ? [ref] : [column]));
    const r = addIndex(table, cols, io);
    if (!Array.isArray(r)) return r;
    out.push(...r);
  }
  const fk = o.get('foreign_key');
  if (fk !== undefined && fk !== false && fk !== null) {
    const to = `${ref}s`.replace(/([^aeiou])ys$/, '$1ies');
    const fo = new Map<string, RbValue>([['column', column]]);
    for (const [k, v] of args2map(o, 'foreign_key')) fo.set(k === 'to_table' ? 'to_table' : k, v);
    const target = str(fo.get('to_table')) ?? to;
    const sql = foreignKeySql(table, target, fo);
    if (inCreate) inCreate.push(sql.replace(/^ALTER TABLE \S+ ADD /, ''));
    else out.push(sql);
  }
  return out;
}

/** Nested options such as `index: { unique: true }` are not read literally by rbValue; they come from the hash node. */
const nested = new WeakMap<Map<string, RbValue>, Map<string, Map<string, RbValue>>>();
function args2map(o: Map<string, RbValue>, key: string): Map<string, RbValue> {
  return nested.get(o)?.get(key) ?? new Map();
}

function optionsWithNested(args: CallArgs): Map<string, RbValue> {
  const o = options(args);
  const inner = new Map<string, Map<string, RbValue>>();
  for (const [k, v] of args.options) {
    if (v.type === 'hash' && k === 'default') {
      // A json/jsonb default: Rails writes the hash as JSON; `{}` is the one Lockstep can write without Ruby.
      if (named(v).length === 0) o.set(k, { sql: "'{}'" });
      else o.set(k, undefined);
    } else if (v.type === 'hash') {
      inner.set(k, options({ positional: [], options: callArgs({ childForFieldName: () => v } as unknown as Node).options }));
      o.set(k, true);
    }
  }
  nested.set(o, inner);
  return o;
}

interface Table {
  name: string;
  create: boolean;
}

/** One schema statement (top level, or `t.…` inside create_table/change_table). */
function translate(name: string, args: CallArgs, ctx: Ctx, table?: Table, inCreate?: string[]): Translation | undefined {
  const o = optionsWithNested(args);
  const pos = args.positional.map(rbValue);
  // Inside a table block the table is implicit: shift it in.
  const p = table ? [table.name, ...pos] : pos;
  const t = str(p[0]);
  const need = (n: number) => p.slice(0, n).every((x) => typeof x === 'string');
  const tname = t ?? '';
  switch (name) {
    case 'add_index':
    case 'index':
      if (!t) return { reason: `${name} on a table Lockstep cannot name` };
      return addIndex(tname, p[1], o);
    case 'remove_index':
      if (!t) return { reason: 'remove_index on a table Lockstep cannot name' };
      return removeIndex(tname, table ? [undefined as unknown as Node, ...args.positional] : args.positional, o);
    case 'add_column':
    case 'column': {
      if (!need(3)) return { reason: `${name} with a name or type Lockstep cannot read` };
      const def = columnDef(p[1] as string, p[2] as string, o, ctx, true);
      if (!def) return { reason: `${name} with a default Lockstep cannot read` };
      if (inCreate) return inCreate.push(def), [];
      return [`ALTER TABLE ${ident(tname)} ADD ${o.get('if_not_exists') === true ? 'COLUMN IF NOT EXISTS ' : ''}${def}`];
    }
    case 'remove_column':
    case 'remove_columns':
    case 'remove': {
      const cols = p.slice(1).filter((x) => typeof x === 'string') as string[];
      if (!t || !cols.length) return { reason: `${name} with names Lockstep cannot read` };
      const cut = name === 'remove_column' ? cols.slice(0, 1) : cols;
      return [`ALTER TABLE ${ident(tname)} ${cut.map((c) => `DROP COLUMN ${o.get('if_exists') === true ? 'IF EXISTS ' : ''}${ident(c)}`).join(', ')}`];
    }
    case 'change_column':
    case 'change': {
      if (!need(3)) return { reason: `${name} with a name or type Lockstep cannot read` };
      const type = columnType(p[2] as string, o, ctx, true);
      if (!type) return { reason: `column type :${p[2]} (not translated)` };
      const col = ident(p[1] as string);
      const using = str(o.get('using')) ? ` USING ${o.get('using')}` : '';
      const parts = [`ALTER COLUMN ${col} TYPE ${type}${using}`];
      if (o.has('default')) parts.push(o.get('default') === null ? `ALTER COLUMN ${col} DROP DEFAULT` : `ALTER COLUMN ${col} SET DEFAULT ${defaultSql(o.get('default'))}`);
      if (o.get('null') === false) parts.push(`ALTER COLUMN ${col} SET NOT NULL`);
      if (o.get('null') === true) parts.push(`ALTER COLUMN ${col} DROP NOT NULL`);
      return [`ALTER TABLE ${ident(tname)} ${parts.join(', ')}`];
    }
    case 'change_column_null':
    case 'change_null': {
      if (!need(2) || typeof p[2] !== 'boolean') return { reason: `${name} with arguments Lockstep cannot read` };
      const col = ident(p[1] as string);
      const out: string[] = [];
      if (p[2] === false && p[3] !== undefined) {
        const d = defaultSql(p[3]);
        if (d === undefined) return { reason: `${name} with a default Lockstep cannot read` };
        out.push(`UPDATE ${ident(tname)} SET ${col}=${d} WHERE ${col} IS NULL`);
      }
      out.push(`ALTER TABLE ${ident(tname)} ALTER COLUMN ${col} ${p[2] ? 'DROP' : 'SET'} NOT NULL`);
      return out;
    }
    case 'change_column_default':
    case 'change_default': {
      if (!need(2)) return { reason: `${name} with names Lockstep cannot read` };
      const raw = args.positional[table ? 1 : 2];
      let v: RbValue = rbValue(raw);
      if (raw && (raw.type === 'hash' || raw.type === 'pair' || o.has('to'))) v = o.get('to');
      else if (!raw && o.has('to')) v = o.get('to');
      if (v === undefined && !(raw === undefined && o.has('to'))) return { reason: `${name} with a value Lockstep cannot read` };
      const col = ident(p[1] as string);
      const d = defaultSql(v);
      return [`ALTER TABLE ${ident(tname)} ALTER COLUMN ${col} ${v === null || d === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${d}`}`];
    }
    case 'rename_column':
    case 'rename':
      if (!need(3)) return { reason: `${name} with names Lockstep cannot read` };
      return [`ALTER TABLE ${ident(tname)} RENAME COLUMN ${ident(p[1] as string)} TO ${ident(p[2] as string)}`];
    case 'rename_table':
      if (!need(2)) return { reason: 'rename_table with names Lockstep cannot read' };
      return renameTable(tname, p[1] as string);
    case 'drop_table':
      if (!t) return { reason: 'drop_table on a table Lockstep cannot name' };
      return [`DROP TABLE ${o.get('if_exists') === true ? 'IF EXISTS ' : ''}${ident(tname)}${o.get('force') === 'cascade' ? ' CASCADE' : ''}`];
    case 'add_reference':
    case 'add_belongs_to':
    case 'references':
    case 'belongs_to': {
      if (!need(2)) return { reason: `${name} with names Lockstep cannot read` };
      const out: string[] = [];
      for (const ref of p.slice(1).filter((x) => typeof x === 'string') as string[]) {
        const r = addReference(tname, ref, o, ctx, inCreate);
        if (!Array.isArray(r)) return r;
        out.push(...r);
      }
      return out;
    }
    case 'add_foreign_key':
    case 'foreign_key': {
      if (!need(2)) return { reason: `${name} with names Lockstep cannot read` };
      const sql = foreignKeySql(tname, p[1] as string, o);
      if (inCreate) return inCreate.push(sql.replace(/^ALTER TABLE \S+ ADD /, '')), [];
      return [sql];
    }
    case 'remove_foreign_key': {
      if (!t) return { reason: 'remove_foreign_key on a table Lockstep cannot name' };
      const to = str(p[1]);
      const column = str(o.get('column')) ?? (to ? `${singular(to)}_id` : undefined);
      const fk = str(o.get('name')) ?? (column ? hashedName('fk', `${tname}_${column}_fk`) : undefined);
      if (!fk) return { reason: 'remove_foreign_key without a name Lockstep can derive' };
      return [`ALTER TABLE ${ident(tname)} DROP CONSTRAINT ${ident(fk)}`];
    }
    case 'validate_foreign_key': {
      if (!t) return { reason: 'validate_foreign_key on a table Lockstep cannot name' };
      const to = str(p[1]);
      const column = str(o.get('column')) ?? (to ? `${singular(to)}_id` : undefined);
      const fk = str(o.get('name')) ?? (column ? hashedName('fk', `${tname}_${column}_fk`) : undefined);
      if (!fk) return { reason: 'validate_foreign_key without a name Lockstep can derive' };
      return [`ALTER TABLE ${ident(tname)} VALIDATE CONSTRAINT ${ident(fk)}`];
    }
    case 'add_check_constraint':
    case 'check_constraint': {
      if (!need(2)) return { reason: `${name} with an expression Lockstep cannot read` };
      const expr = p[1] as string;
      const cname = str(o.get('name')) ?? hashedName('chk', `${tname}_${expr}_chk`);
      // The adapter writes the name as given, unquoted (schema_creation.rb visit_CheckConstraintDefinition).
      const body = `CONSTRAINT ${cname} CHECK (${expr})`;
      if (inCreate) return inCreate.push(body), [];
      return [`ALTER TABLE ${ident(tname)} ADD ${body}${o.get('validate') === false ? ' NOT VALID' : ''}`];
    }
    case 'validate_check_constraint': {
      const cname = str(o.get('name'));
      if (!t || !cname) return { reason: 'validate_check_constraint without a name' };
      return [`ALTER TABLE ${ident(tname)} VALIDATE CONSTRAINT ${ident(cname)}`];
    }
    case 'remove_check_constraint': {
      const cname = str(o.get('name')) ?? (typeof p[1] === 'string' ? hashedName('chk', `${tname}_${p[1]}_chk`) : undefined);
      if (!t || !cname) return { reason: 'remove_check_constraint without a name' };
      return [`ALTER TABLE ${ident(tname)} DROP CONSTRAINT ${ident(cname)}`];
    }
    case 'timestamps':
    case 'add_timestamps': {
      const to = new Map(o);
      if (!to.has('null')) to.set('null', false);
      // Migration[6.0] and later give timestamps precision 6 (ActiveRecord::Migration::Compatibility::V5_2 drops it).
      if (!to.has('precision') && ctx.version >= 6) to.set('precision', 6);
      const defs = ['created_at', 'updated_at'].map((c) => columnDef(c, 'datetime', to, ctx));
      if (defs.some((d) => !d)) return { reason: `${name} with options Lockstep cannot read` };
      if (inCreate) return inCreate.push(...(defs as string[])), [];
      return [`ALTER TABLE ${ident(tname)} ${defs.map((d) => `ADD ${d}`).join(', ')}`];
    }
    case 'remove_reference':
    case 'remove_belongs_to':
    case 'remove_references': {
      const ref = str(p[1]);
      if (!t || !ref) return { reason: `${name} with names Lockstep cannot read` };
      const out: string[] = [];
      // Rails drops the foreign key first, then the column(s); the index goes with the column.
      if (o.get('foreign_key') !== undefined && o.get('foreign_key') !== false) out.push(`ALTER TABLE ${ident(tname)} DROP CONSTRAINT ${ident(hashedName('fk', `${tname}_${ref}_id_fk`))}`);
      const cols = o.get('polymorphic') === true ? [`${ref}_type`, `${ref}_id`] : [`${ref}_id`];
      out.push(`ALTER TABLE ${ident(tname)} ${cols.map((c) => `DROP COLUMN ${ident(c)}`).join(', ')}`);
      return out;
    }
    case 'create_enum': {
      const values = list(p[1]);
      if (!t || !values || table) return { reason: 'create_enum with values Lockstep cannot read' };
      return [`CREATE TYPE ${ident(tname)} AS ENUM (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`];
    }
    case 'enum': {
      // `t.enum :status, enum_type: :status_type`: a column of that type.
      const type = str(o.get('enum_type'));
      const col = str(p[1]);
      if (!type || !col) return { reason: 't.enum without a literal enum_type' };
      const def = columnDef(col, type, o, ctx, true);
      if (!def) return { reason: 't.enum with a default Lockstep cannot read' };
      if (inCreate) return inCreate.push(def), [];
      return [`ALTER TABLE ${ident(tname)} ADD ${def}`];
    }
    case 'enable_extension':
      return t ? [`CREATE EXTENSION IF NOT EXISTS "${t}"`] : { reason: 'enable_extension with a name Lockstep cannot read' };
    case 'rename_index':
      if (!need(3)) return { reason: 'rename_index with names Lockstep cannot read' };
      return [`ALTER INDEX ${ident(p[1] as string)} RENAME TO ${ident(p[2] as string)}`];
  }
  // `t.string :name, …` inside a table block: a column of that type.
  if (table && columnType(name, o, ctx) !== undefined) {
    const out: string[] = [];
    for (const col of pos.filter((x) => typeof x === 'string') as string[]) {
      const def = columnDef(col, name, o, ctx);
      if (!def) return { reason: `t.${name} with a default Lockstep cannot read` };
      if (inCreate) inCreate.push(def);
      else out.push(`ALTER TABLE ${ident(tname)} ADD ${def}`);
    }
    if (o.get('index') !== undefined && o.get('index') !== false) {
      for (const col of pos.filter((x) => typeof x === 'string') as string[]) {
        const r = addIndex(tname, col, args2map(o, 'index'));
        if (Array.isArray(r)) out.push(...r);
      }
    }
    return out;
  }
  return undefined;
}

/** Schema statements Rails has that Lockstep does not translate: reported, never skipped. */
const UNTRANSLATED = new Set([
  'create_join_table', 'drop_join_table', 'change_column_comment', 'change_table_comment', 'drop_enum', 'rename_enum',
  'add_enum_value', 'rename_enum_value', 'remove_timestamps', 'disable_extension',
  'add_exclusion_constraint', 'remove_exclusion_constraint', 'add_unique_constraint', 'remove_unique_constraint', 'create_schema',
  'drop_schema', 'create_view', 'drop_view', 'update_view', 'create_function', 'create_trigger', 'exec_query', 'select_all', 'insert', 'update', 'delete',
]);

/** ActiveRecord calls on a model class that run SQL Lockstep cannot see. */
const MODEL_WRITES = new Set(['update_all', 'delete_all', 'destroy_all', 'find_each', 'in_batches', 'find_in_batches', 'update', 'update_column', 'update_columns', 'create', 'create!', 'save', 'save!', 'insert_all', 'upsert_all', 'each']);

const LOOPS = new Set(['each', 'times', 'each_with_index', 'map', 'find_each', 'in_batches', 'find_in_batches', 'each_slice', 'upto', 'downto', 'step', 'loop']);

class Walker {
  statements: ExtractedStatement[] = [];
  notAnalysed: NotAnalysed[] = [];
  private heredocs = new Map<number, Node>();

  constructor(root: Node, readonly ctx: Ctx) {
    // A heredoc's body follows its line, apart from the call: pair beginnings with bodies in order.
    const begins = root.descendantsOfType('heredoc_beginning').filter(Boolean) as Node[];
    const bodies = root.descendantsOfType('heredoc_body').filter(Boolean) as Node[];
    begins.forEach((b, i) => bodies[i] && this.heredocs.set(b.startIndex, bodies[i]));
  }

  private skip(n: Node, reason: string, section: 'up' | 'down') {
    this.notAnalysed.push({ range: spanOf(n), reason, section });
  }

  /** The SQL string of `execute(arg)`: a string, a heredoc (with `.squish`/`.strip`), else not analysed. */
  private sqlString(arg: Node | undefined): StringResult {
    if (!arg) return { ok: false, reason: 'execute without SQL' };
    if (arg.type === 'string') return stringValue(arg);
    if (arg.type === 'heredoc_beginning') {
      const body = this.heredocs.get(arg.startIndex);
      return body ? heredocValue(arg, body, false) : { ok: false, reason: 'heredoc without a body' };
    }
    if (arg.type === 'call' && /^(squish|strip|chomp|freeze)$/.test(methodName(arg))) {
      const recv = arg.childForFieldName('receiver');
      if (recv?.type === 'heredoc_beginning') {
        const body = this.heredocs.get(recv.startIndex);
        return body ? heredocValue(recv, body, methodName(arg) === 'squish') : { ok: false, reason: 'heredoc without a body' };
      }
      if (recv) return this.sqlString(recv);
    }
    return { ok: false, reason: 'SQL in a variable or built by Ruby code' };
  }

  private emit(sql: string, call: Node, section: 'up' | 'down', assured: boolean, range: Node, extra: Partial<ExtractedStatement> = {}) {
    const span = spanOf(range);
    const data = assured || sql.startsWith(FOLLOWS_RENAME) ? { ...extra.data, explainedIgnore: true } : extra.data;
    this.statements.push({ sql: assured ? SAFETY_ASSURED + sql : sql, range: span, origin: 'builder', call: spanOf(call), section, ...extra, data });
  }

  walk(node: Node, section: 'up' | 'down', assured: boolean, loop: string | undefined, table?: { t: string; table: Table; inCreate?: string[] }): void {
    for (const child of named(node)) this.visit(child, section, assured, loop, table);
  }

  private visit(n: Node, section: 'up' | 'down', assured: boolean, loop: string | undefined, table?: { t: string; table: Table; inCreate?: string[] }): void {
    if (n.type === 'for' || n.type === 'while' || n.type === 'until') return this.walk(n, section, assured, 'SQL inside a loop', table);
    // `if connection.adapter_name == "SQLServer"`: on PostgreSQL only the other branch runs.
    const adapter = (n.type === 'if' || n.type === 'unless') && /adapter_name\s*==\s*["'](\w+)["']/.exec(n.childForFieldName('condition')?.text ?? '');
    if (adapter) {
      const postgres = /postg/i.test(adapter[1]) === (n.type === 'if');
      const branch = n.childForFieldName(postgres ? 'consequence' : 'alternative');
      return branch ? this.walk(branch, section, assured, loop, table) : undefined;
    }
    if (n.type !== 'call' && !(n.type === 'identifier' && n.parent?.type !== 'call')) {
      // Statements and expressions: look inside (if/unless, assignments, begin/rescue …).
      if (n.type === 'method' || n.type === 'class' || n.type === 'module') return;
      return this.walk(n, section, assured, loop, table);
    }
    const name = methodName(n);
    const recv = n.childForFieldName('receiver');
    const block = n.childForFieldName('block');
    const args = n.type === 'call' ? callArgs(n) : { positional: [], options: new Map<string, Node>() };
    const blockBody = (b: Node | null) => named(b).find((c) => c.type === 'body_statement' || c.type === 'block_body');
    const blockParam = (b: Node | null) => named(named(b).find((c) => c.type === 'block_parameters'))[0]?.text;

    // Table-block calls: `t.string :name`.
    if (table && recv?.text === table.t) {
      if (loop) return this.skip(n, loop, section);
      const r = translate(name, args, this.ctx, table.table, table.inCreate);
      if (r === undefined) return this.skip(n, `t.${name} (not translated)`, section);
      if (!Array.isArray(r)) return this.skip(n, r.reason, section);
      const data = name === 'index' || name === 'remove_index' ? indexData(args) : undefined;
      for (const sql of r) this.emit(sql, n, section, assured, n, { data });
      return;
    }
    if (!recv) {
      if (name === 'safety_assured' && block) return this.walk(blockBody(block) ?? block, section, true, loop, table);
      if (name === 'reversible' && block) {
        const dir = blockParam(block);
        const body = blockBody(block);
        for (const c of named(body)) {
          const cr = c.type === 'call' ? c.childForFieldName('receiver') : null;
          if (cr?.text === dir && /^(up|down)$/.test(methodName(c))) this.walk(blockBody(c.childForFieldName('block')) ?? c, methodName(c) as 'up' | 'down', assured, loop, table);
          else this.visit(c, section, assured, loop, table);
        }
        return;
      }
      if (name === 'execute') {
        if (loop) return this.skip(n, loop, section);
        const s = this.sqlString(args.positional[0]);
        if (!s.ok) return this.skip(args.positional[0] ?? n, s.reason, section);
        const prefix = assured ? SAFETY_ASSURED : '';
        this.statements.push({
          sql: prefix + s.value,
          range: spanOf(s.node),
          origin: 'literal',
          runs: s.runs.map((r) => ({ ...r, sql: r.sql + prefix.length })),
          call: spanOf(n),
          section,
          data: assured ? { explainedIgnore: true } : undefined,
        });
        return;
      }
      if (name === 'create_table' || name === 'change_table') return this.tableBlock(n, name, args, block, section, assured, loop);
      const r = translate(name, args, this.ctx);
      if (r !== undefined) {
        if (loop) return this.skip(n, loop, section);
        if (!Array.isArray(r)) return this.skip(n, r.reason, section);
        const data = name === 'add_index' || name === 'remove_index' ? indexData(args) : name === 'add_foreign_key' || name === 'add_check_constraint' ? constraintData(name, n, args) : undefined;
        for (const sql of r) this.emit(sql, n, section, assured, n, { data });
        return;
      }
      if (UNTRANSLATED.has(name)) return this.skip(n, `${name} (not translated)`, section);
    } else if (MODEL_WRITES.has(name) && /^[A-Z]/.test(recv.text)) {
      // `User.where(…).update_all(…)`: model code runs SQL Lockstep cannot see.
      if (!block || !LOOPS.has(name)) this.skip(n, 'ActiveRecord model code', section);
      if (block) return this.walk(block, section, assured, 'SQL inside a loop', table);
      return;
    }
    if (block) {
      const inLoop = LOOPS.has(name) ? 'SQL inside a loop' : loop;
      return this.walk(block, section, assured, inLoop, table);
    }
    if (n.type === 'call') this.walk(n.childForFieldName('arguments') ?? n, section, assured, loop, table);
  }

  private tableBlock(n: Node, name: string, args: CallArgs, block: Node | null, section: 'up' | 'down', assured: boolean, loop: string | undefined) {
    if (loop) return this.skip(n, loop, section);
    const tname = str(rbValue(args.positional[0]));
    if (!tname) return this.skip(n, `${name} on a table Lockstep cannot name`, section);
    const o = options(args);
    const t = named(named(block).find((c) => c.type === 'block_parameters'))[0]?.text;
    const body = named(block).find((c) => c.type === 'body_statement' || c.type === 'block_body');
    if (name === 'change_table') {
      if (block && t) this.walk(body ?? block, section, assured, loop, { t, table: { name: tname, create: false } });
      return;
    }
    // create_table: one CREATE TABLE with the primary key, columns and inline constraints, then its indexes.
    const cols: string[] = [];
    const id = o.get('id');
    const pk = str(o.get('primary_key')) ?? 'id';
    if (id !== false) {
      if (id === 'uuid') cols.push(`${ident(pk)} uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY`);
      else if (id === undefined || id === 'bigint' || id === 'primary_key') cols.push(`${ident(pk)} bigserial primary key`);
      else if (id === 'integer' || id === 'serial') cols.push(`${ident(pk)} serial primary key`);
      else if (typeof id === 'string' && columnType(id, new Map(), this.ctx)) cols.push(`${ident(pk)} ${columnType(id, new Map(), this.ctx)} NOT NULL PRIMARY KEY`);
      else return this.skip(n, 'create_table with an id option Lockstep cannot read', section);
    }
    const before = this.statements.length;
    const notBefore = this.notAnalysed.length;
    if (block && t) this.walk(body ?? block, section, false, loop, { t, table: { name: tname, create: true }, inCreate: cols });
    // The block's own statements (indexes) follow the CREATE TABLE; all map to the create_table call.
    const after = this.statements.splice(before).map((s) => ({ ...s, range: spanOf(n), call: spanOf(n), sql: assured ? SAFETY_ASSURED + s.sql : s.sql, data: assured ? { ...s.data, explainedIgnore: true } : s.data }));
    void notBefore;
    // Rails writes the columns first, then the foreign keys and check constraints (schema_creation.rb).
    const ordered = [...cols.filter((c) => !c.startsWith('CONSTRAINT ')), ...cols.filter((c) => c.startsWith('CONSTRAINT '))];
    const create = `CREATE TABLE ${o.get('if_not_exists') === true ? 'IF NOT EXISTS ' : ''}${ident(tname)} (${ordered.join(', ')})`;
    if (o.get('force') === 'cascade' || o.get('force') === true) this.emit(`DROP TABLE IF EXISTS ${ident(tname)}${o.get('force') === 'cascade' ? ' CASCADE' : ''}`, n, section, assured, n);
    this.emit(create, n, section, assured, n);
    this.statements.push(...after);
  }
}

/** What the `algorithm: :concurrently` fix needs: where the last argument ends, and whether it is already there. */
function indexData(args: CallArgs): Record<string, unknown> {
  return { afterArg: args.last ? spanOf(args.last) : undefined, concurrently: args.options.get('algorithm')?.text === ':concurrently' };
}

/** What the `validate: false` fix needs: where to add it, and the call that validates the constraint later. */
function constraintData(name: string, call: Node, args: CallArgs): Record<string, unknown> | undefined {
  if (args.options.has('validate') || !args.last) return undefined;
  const [table, target] = args.positional;
  const opt = (k: string) => (args.options.has(k) ? `, ${k}: ${args.options.get(k)!.text}` : '');
  let validate: string | undefined;
  if (name === 'add_foreign_key' && table && target) validate = `validate_foreign_key ${table.text}, ${target.text}${opt('column')}${opt('name')}`;
  if (name === 'add_check_constraint' && table && args.options.has('name')) validate = `validate_check_constraint ${table.text}${opt('name')}`;
  if (!validate) return undefined;
  const migration = call.parent ? ancestorClass(call) : undefined;
  return { afterArg: spanOf(args.last), validate, slug: `validate_${(rbValue(table) ?? 'constraint') as string}_${name === 'add_foreign_key' ? `${rbValue(target)}_foreign_key` : 'check'}`, superclass: migration };
}

function ancestorClass(n: Node): string | undefined {
  for (let p: Node | null = n.parent; p; p = p.parent) if (p.type === 'class') return p.childForFieldName('superclass')?.text.replace(/^<\s*/, '');
  return undefined;
}

interface Parsed {
  cls?: Node;
  disable?: Node;
  methods: { section: 'up' | 'down'; body: Node }[];
  version: number;
}

function readClass(root: Node): Parsed {
  const cls = (root.descendantsOfType('class').filter(Boolean) as Node[]).find((c) => /Migration/.test(c.childForFieldName('superclass')?.text ?? ''));
  const out: Parsed = { cls, methods: [], version: 7.1 };
  if (!cls) return out;
  const m = /Migration\[(\d+(?:\.\d+)?)\]/.exec(cls.childForFieldName('superclass')?.text ?? '');
  if (m) out.version = Number(m[1]);
  else if (/Migration\s*$/.test(cls.childForFieldName('superclass')?.text ?? '')) out.version = 4.2;
  for (const c of named(cls.childForFieldName('body'))) {
    const name = c.type === 'method' ? c.childForFieldName('name')?.text : undefined;
    if ((c.type === 'call' || c.type === 'identifier') && methodName(c) === 'disable_ddl_transaction!') out.disable = c;
    if (name === 'change' || name === 'up' || name === 'down') {
      const body = c.childForFieldName('body');
      if (body) out.methods.push({ section: name === 'down' ? 'down' : 'up', body });
    }
  }
  return out;
}

function transactionOf(p: Parsed): TransactionModel {
  if (p.disable) return { wrapped: false, because: '`disable_ddl_transaction!`', decidedAt: spanOf(p.disable) };
  return { wrapped: true, because: 'Rails runs each migration in a transaction' };
}

function extract(text: string): Extraction {
  const empty: Extraction = { framework: 'rails', statements: [], notAnalysed: [], transaction: { wrapped: true, because: 'Rails runs each migration in a transaction' } };
  const unread = (reason: string): Extraction => ({ ...empty, notAnalysed: [{ range: { start: 0, end: 0 }, reason, section: 'up' }] });
  try {
    return withTree(
      'ruby',
      text,
      (root) => {
        const p = readClass(root);
        const walker = new Walker(root, { version: p.version });
        for (const m of p.methods) walker.walk(m.body, m.section, false, undefined);
        const notAnalysed = walker.notAnalysed.sort((a, b) => a.range.start - b.range.start);
        return { framework: 'rails', statements: walker.statements, notAnalysed, transaction: transactionOf(p) };
      },
      unread,
    );
  } catch (err) {
    return unread(`Ruby file Lockstep could not read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * `db/schema.rb`: the body of `ActiveRecord::Schema[7.1].define(version: 2024_01_04_000000) do … end`
 * (`create_table … force: :cascade`, `t.index`, `add_foreign_key`, `enable_extension`, …) translated
 * like a migration's `up`, and the version it records. Undefined when the file is not one.
 */
export function extractRailsSchema(text: string): { extraction: Extraction; version: string } | undefined {
  return withTree('ruby', text, (root) => schemaFrom(root), () => undefined);
}

function schemaFrom(root: Node): { extraction: Extraction; version: string } | undefined {
  const define = (root.descendantsOfType('call').filter(Boolean) as Node[]).find(
    (c) => methodName(c) === 'define' && /^ActiveRecord::Schema\b/.test(c.childForFieldName('receiver')?.text ?? ''),
  );
  const body = define && named(define.childForFieldName('block')).find((c) => c.type === 'body_statement' || c.type === 'block_body');
  if (!define || !body) return undefined;
  const version = String(rbValue(callArgs(define).options.get('version')) ?? '').replace(/\D/g, '');
  const m = /Schema\[(\d+(?:\.\d+)?)\]/.exec(define.childForFieldName('receiver')?.text ?? '');
  const walker = new Walker(root, { version: m ? Number(m[1]) : 6.1 });
  walker.walk(body, 'up', false, undefined);
  return { extraction: { framework: 'rails', statements: walker.statements, notAnalysed: walker.notAnalysed, transaction: { wrapped: false, because: 'db/schema.rb' } }, version };
}

export const rails: FrameworkExtractor = {
  id: 'rails',
  label: 'Rails',
  extensions: ['.rb'],
  detect: (_path, text) => /<\s*ActiveRecord::Migration\b/.test(text),
  extract: (text) => extract(text),
  idioms: {
    optOutWords: 'add `disable_ddl_transaction!` to the migration class',
    optOutOfTransaction(text) {
      return withTree('ruby', text, (root) => {
        const p = readClass(root);
        if (p.disable) return [];
        const first = named(p.cls?.childForFieldName('body'))[0];
        if (!first) return undefined;
        const at = text.lastIndexOf('\n', first.startIndex) + 1;
        const indent = indentAt(text, first.startIndex);
        return [{ start: at, end: at, newText: `${indent}disable_ddl_transaction!\n\n` }];
      }, () => undefined);
    },
    concurrently(text, stmt) {
      if (stmt.origin === 'literal') return concurrentlyInLiteral(stmt);
      const data = stmt.data as { afterArg?: { start: number; end: number }; concurrently?: boolean } | undefined;
      if (!data?.afterArg || data.concurrently || !/^(CREATE (UNIQUE )?INDEX|DROP INDEX) /.test(stmt.sql.replace(SAFETY_ASSURED, ''))) return undefined;
      void text;
      return [{ start: data.afterArg.end, end: data.afterArg.end, newText: ', algorithm: :concurrently' }];
    },
    notValid(_text, stmt) {
      const d = stmt.data as { afterArg?: { end: number }; validate?: string; slug?: string; superclass?: string } | undefined;
      if (stmt.origin !== 'builder' || !d?.afterArg || !d.validate || !d.slug) return undefined;
      const cls = pascal(d.slug);
      const text = `class ${cls} < ${d.superclass ?? 'ActiveRecord::Migration[7.1]'}\n  def change\n    ${d.validate}\n  end\nend\n`;
      return { edits: [{ start: d.afterArg.end, end: d.afterArg.end, newText: ', validate: false' }], later: { slug: d.slug, text } };
    },
    newMigrationName: (slug, now) => `${timestamp14(now)}_${slug.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}.rb`,
    writeMigrations: (migrations, options) => writeRailsMigrations(migrations, options),
  },
};
