/**
 * SchemaInfo from a connected database: read-only catalog queries (pg_class, pg_attribute,
 * pg_index, pg_constraint, pg_depend) over the schemas on the search path. Used when the user
 * gives a database URL, so a primary-key change finds every foreign key that really exists.
 */
import { loadParser } from '../parse/pgParser';
import { dependentsFromDatabase } from './dependencies';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, SchemaInfo, TableSchema } from './schema';

/** The part of a `pg` client this needs; anything with `query` works (tests pass a real client). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const TABLES = `
  SELECT c.oid, c.relname AS name
  FROM pg_class c
  WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY (current_schemas(false)::regnamespace[])`;

const COLUMNS = `
  SELECT a.attrelid AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
         pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity <> '' AS identity
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attrelid, a.attnum`;

const INDEXES = `
  SELECT i.indrelid AS oid, ic.relname AS name, i.indisunique AS unique, con.contype AS constraint_type,
         am.amname AS method, i.indpred IS NOT NULL AS partial, i.indexprs IS NOT NULL AS expressions,
         i.indnkeyatts <> i.indnatts AS covering,
         array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
         pg_get_indexdef(i.indexrelid) ~ ' (DESC|NULLS|COLLATE)| [a-z_]+_ops' AS decorated
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u')
  WHERE i.indrelid = ANY ($1::oid[])`;

const FOREIGN_KEYS = `
  SELECT con.conname AS name, src.relname AS table, dst.relname AS ref_table, con.convalidated AS validated,
         con.confdeltype AS on_delete, con.confupdtype AS on_update,
         array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
         array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS ref_columns
  FROM pg_constraint con
  JOIN pg_class src ON src.oid = con.conrelid
  JOIN pg_class dst ON dst.oid = con.confrelid
  WHERE con.contype = 'f' AND con.conrelid = ANY ($1::oid[])`;

const CHECKS = `
  SELECT con.conrelid AS oid, con.conname AS name, con.convalidated AS validated,
         regexp_replace(pg_get_constraintdef(con.oid), ' NOT VALID$', '') AS definition,
         array(SELECT a.attname FROM unnest(con.conkey) k(attnum) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text[] AS columns
  FROM pg_constraint con
  WHERE con.contype = 'c' AND con.conrelid = ANY ($1::oid[])
  ORDER BY con.conrelid, con.conname`;

const SEQUENCE_OWNERS = `
  SELECT s.relname AS sequence, t.relname AS table, a.attname AS column
  FROM pg_depend d
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    AND d.refobjid = ANY ($1::oid[])`;

const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Short type names, as the migration replay spells them, so both sources generate the same SQL. */
const SHORT_TYPES: Record<string, string> = {
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'double precision': 'float8',
  real: 'float4',
};

function shortType(type: string): string {
  const m = /^(character varying|character|numeric|timestamp(?: with(?:out)? time zone)?)(\(.*\))?(.*)$/.exec(type);
  if (m && m[1] === 'character varying') return `varchar${m[2] ?? ''}${m[3]}`;
  if (m && m[1] === 'character') return `bpchar${m[2] ?? ''}${m[3]}`;
  return SHORT_TYPES[type] ?? type;
}

export async function schemaFromDatabase(db: Queryable): Promise<SchemaInfo> {
  // Dependent views are rewritten from PostgreSQL's parse of their definition (viewRewrite.ts).
  await loadParser();
  const tables = (await db.query(TABLES)).rows as Array<{ oid: number; name: string }>;
  const oids = tables.map((t) => t.oid);
  // One after another: a client runs one query at a time.
  const columns = await db.query(COLUMNS, [oids]);
  const indexes = await db.query(INDEXES, [oids]);
  const fks = await db.query(FOREIGN_KEYS, [oids]);
  const owners = await db.query(SEQUENCE_OWNERS, [oids]);
  const checks = await db.query(CHECKS, [oids]);
  const byOid = new Map<number, TableSchema>();
  const schema: SchemaInfo = { source: 'database', tables: new Map(), sequenceOwners: new Map() };
  for (const t of tables) {
    const table: TableSchema = { name: t.name, columns: [], indexes: [], foreignKeys: [], checks: [] };
    byOid.set(Number(t.oid), table);
    schema.tables.set(t.name, table);
  }
  for (const r of columns.rows) {
    const column: ColumnSchema = {
      name: String(r.name),
      type: shortType(String(r.type)),
      notNull: Boolean(r.not_null),
      default: r.default === null ? undefined : String(r.default),
      identity: Boolean(r.identity) || undefined,
    };
    byOid.get(Number(r.oid))?.columns.push(column);
  }
  for (const r of indexes.rows) {
    const table = byOid.get(Number(r.oid));
    if (!table) continue;
    const constraint = r.constraint_type === 'p' ? 'primary' : r.constraint_type === 'u' ? 'unique' : undefined;
    const index: IndexSchema = {
      name: String(r.name),
      table: table.name,
      columns: r.expressions ? [] : (r.columns as string[]),
      unique: Boolean(r.unique),
      constraint,
      simple: r.method === 'btree' && !r.partial && !r.expressions && !r.covering && !r.decorated,
    };
    table.indexes.push(index);
    if (constraint === 'primary') table.primaryKey = { name: index.name, columns: index.columns };
  }
  for (const r of fks.rows) {
    const fk: ForeignKeySchema = {
      name: String(r.name),
      table: String(r.table),
      columns: r.columns as string[],
      refTable: String(r.ref_table),
      refColumns: r.ref_columns as string[],
      actions: [ACTIONS[String(r.on_delete)] && `ON DELETE ${ACTIONS[String(r.on_delete)]}`, ACTIONS[String(r.on_update)] && `ON UPDATE ${ACTIONS[String(r.on_update)]}`]
        .filter(Boolean)
        .join(' '),
      validated: Boolean(r.validated),
    };
    schema.tables.get(fk.table)?.foreignKeys.push(fk);
  }
  for (const r of checks.rows) {
    byOid.get(Number(r.oid))?.checks.push({ name: String(r.name), columns: r.columns as string[], definition: String(r.definition), validated: Boolean(r.validated) });
  }
  for (const r of owners.rows) schema.sequenceOwners.set(String(r.sequence), { table: String(r.table), column: String(r.column) });
  for (const t of schema.tables.values()) t.indexes.sort((a, b) => a.name.localeCompare(b.name));
  schema.dependents = await dependentsFromDatabase(db);
  return schema;
}
