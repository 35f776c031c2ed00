/** SchemaInfo back to DDL, so the linter's catalog knows the tables a plan starts from. */
import type { SchemaInfo, TableSchema } from './schema';
import { q, qList } from './sqlText';

export function tableSql(t: TableSchema): string[] {
  const columns = t.columns.map((c) => `${q(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default !== undefined ? ` DEFAULT ${c.default}` : ''}`);
  if (t.primaryKey) columns.push(`CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${qList(t.primaryKey.columns)})`);
  const out = [`CREATE TABLE ${q(t.name)} (\n  ${columns.join(',\n  ')}\n)`];
  for (const i of t.indexes) {
    if (i.constraint === 'primary' || !i.columns.length) continue;
    if (i.constraint === 'unique') out.push(`ALTER TABLE ${q(t.name)} ADD CONSTRAINT ${q(i.name)} UNIQUE (${qList(i.columns)})`);
    else out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(i.name)} ON ${q(t.name)} (${qList(i.columns)})`);
  }
  return out;
}

/** Every table, then every foreign key (so order does not matter). */
export function schemaSql(schema: SchemaInfo): string {
  const out: string[] = [];
  for (const seq of schema.sequenceOwners.keys()) out.push(`CREATE SEQUENCE ${q(seq)}`);
  for (const t of schema.tables.values()) out.push(...tableSql(t));
  for (const t of schema.tables.values()) {
    for (const fk of t.foreignKeys) {
      out.push(
        `ALTER TABLE ${q(t.name)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${qList(fk.columns)}) REFERENCES ${q(fk.refTable)} (${qList(fk.refColumns)})${fk.actions ? ` ${fk.actions}` : ''}${fk.validated ? '' : ' NOT VALID'}`,
      );
    }
  }
  return out.map((s) => `${s};`).join('\n');
}
