/**
 * The touched part of the live schema written back as DDL, so the engine's own catalog replay
 * (catalogFromSql) knows what the database knows: column types (which decide whether a type
 * change rewrites), indexes (which a rewrite rebuilds), constraints and partitions.
 * Nothing here runs on the database: the text is only parsed by Lockstep.
 */
type Row = Record<string, unknown>;

export interface SchemaRows {
  relations: Row[];
  partitions: Row[];
  columns: Row[];
  indexes: Row[];
  constraints: Row[];
  partitionKeys: Row[];
}

const quote = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

export function schemaSqlOf(rows: SchemaRows): string {
  const out: string[] = [];
  const columnsOf = (oid: number) => rows.columns.filter((c) => Number(c.oid) === oid);
  const nameOf = new Map<number, string>();
  for (const r of [...rows.relations, ...rows.partitions]) nameOf.set(Number(r.oid), String(r.name));
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

  for (const r of rows.relations) {
    const oid = Number(r.oid);
    const name = quote(String(r.name));
    if (r.kind === 'r' || r.kind === 'p' || r.kind === 'f') {
      const cols = columnsOf(oid).map((c) => `${c.name} ${c.type}${c.not_null ? ' NOT NULL' : ''}`);
      const key = rows.partitionKeys.find((k) => Number(k.oid) === oid);
      const keyColumns = list(key?.columns);
      const partitionBy = r.kind === 'p' && key && keyColumns.length ? ` PARTITION BY ${key.strategy} (${keyColumns.join(', ')})` : '';
      out.push(`CREATE TABLE ${name} (${cols.join(', ')})${partitionBy};`);
    } else if (r.kind === 'm') {
      out.push(`CREATE MATERIALIZED VIEW ${name} AS SELECT 1;`);
    } else if (r.kind === 'S') {
      out.push(`CREATE SEQUENCE ${name};`);
    }
  }
  for (const p of rows.partitions) {
    const parent = nameOf.get(Number(p.root));
    if (!parent || !p.bound) continue;
    out.push(`CREATE TABLE ${quote(String(p.name))} PARTITION OF ${quote(parent)} ${p.bound};`);
  }
  // Indexes behind PRIMARY KEY / UNIQUE / EXCLUDE come with their constraint below. Without a
  // printed definition (its table was locked), the key columns are enough for the lock model.
  for (const i of rows.indexes) {
    if (i.backs_constraint) continue;
    const table = nameOf.get(Number(i.table_oid));
    const cols = list(i.columns);
    if (i.definition) out.push(`${i.definition};`);
    else if (table && cols.length) out.push(`CREATE ${i.is_unique ? 'UNIQUE ' : ''}INDEX ${quote(String(i.name))} ON ${quote(table)} (${cols.join(', ')});`);
  }
  for (const k of rows.constraints) {
    const definition = k.definition ? String(k.definition) : unprinted(k, list(k.columns), list(k.referenced_columns));
    if (definition) out.push(`ALTER TABLE ${k.table_name} ADD CONSTRAINT ${quote(String(k.name))} ${definition};`);
  }
  return out.join('\n');
}

/** A constraint rebuilt from its columns when it could not be printed (a CHECK cannot be). */
function unprinted(k: Row, columns: string[], referenced: string[]): string | undefined {
  if (!columns.length) return undefined;
  if (k.type === 'p') return `PRIMARY KEY (${columns.join(', ')})`;
  if (k.type === 'u') return `UNIQUE (${columns.join(', ')})`;
  if (k.type === 'f' && k.referenced_name) {
    return `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${k.referenced_name} (${referenced.join(', ')})${k.validated ? '' : ' NOT VALID'}`;
  }
  return undefined;
}
