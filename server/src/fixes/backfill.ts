/**
 * A backfill that never holds many row locks for long: a DO block that updates a batch, COMMITs, and
 * moves on. With a single-column primary key it walks the key (keyset batches); without one it walks
 * the table's blocks by ctid range (a TID range scan from PostgreSQL 14), then sweeps what moved.
 * COMMIT inside DO needs PostgreSQL 11+ and no surrounding transaction block.
 */
import type { Catalog } from '../catalog/catalog';
import { quoteIdent } from './names';

export const BATCH_ROWS = 1000;
export const BATCH_BLOCKS = 1000;

export interface BackfillSpec {
  /** The table as SQL (`public.users`). */
  table: string;
  /** The table's unqualified name, for catalog lookups. */
  tableName: string;
  column: string;
  /** SQL expression for the new value (evaluated per row). */
  value: string;
  /** Single-column primary key to walk, when known. */
  key?: string;
}

/** The single-column primary key of `table`, if the catalog knows one. */
export function singleKeyOf(catalogs: ReadonlyArray<Catalog | undefined>, table: string): string | undefined {
  for (const catalog of catalogs) {
    const pk = catalog?.constraintsOf(table).find((c) => c.kind === 'primary');
    // The constraint may not list its columns; its index does.
    const columns = pk && (pk.columns ?? catalog?.relation(pk.name)?.indexColumns);
    if (columns?.length === 1 && columns[0] !== 'expr') return columns[0];
  }
  return undefined;
}

/** A dollar-quote tag that does not occur in `body`. */
function dollarTag(body: string): string {
  let tag = '$backfill$';
  for (let n = 1; body.includes(tag); n++) tag = `$backfill${n}$`;
  return tag;
}

export function backfillSql(spec: BackfillSpec): string {
  const col = quoteIdent(spec.column);
  return batchedSql({ table: spec.table, action: `UPDATE ${spec.table} SET ${col} = ${spec.value}`, pending: `${col} IS NULL`, key: spec.key });
}

export interface BatchSpec {
  /** The table as SQL. */
  table: string;
  /** The statement to run per batch, without WHERE: `UPDATE t SET …` or `DELETE FROM t`. */
  action: string;
  /** Rows that still need it (`col IS NULL`): lets a block walk end with a sweep of rows that moved. */
  pending?: string;
  key?: string;
}

/** `action` over the whole table, one committed batch at a time. */
export function batchedSql(spec: BatchSpec): string {
  const body = spec.key ? keysetBody(spec) : blockBody(spec);
  const tag = dollarTag(body.join('\n'));
  return [`DO ${tag}`, ...body, `${tag};`].join('\n');
}

function keysetBody(spec: BatchSpec): string[] {
  const key = quoteIdent(spec.key!);
  const keyType = `${spec.table}.${key}%TYPE`;
  return [
    'DECLARE',
    `  batch_start ${keyType};`,
    `  batch_end ${keyType};`,
    'BEGIN',
    `  SELECT min(${key}) INTO batch_start FROM ${spec.table};`,
    '  WHILE batch_start IS NOT NULL LOOP',
    `    SELECT max(${key}) INTO batch_end`,
    `      FROM (SELECT ${key} FROM ${spec.table} WHERE ${key} >= batch_start ORDER BY ${key} LIMIT ${BATCH_ROWS}) AS batch;`,
    `    ${spec.action}`,
    `      WHERE ${key} BETWEEN batch_start AND batch_end${spec.pending ? ` AND ${spec.pending}` : ''};`,
    '    COMMIT;',
    `    SELECT min(${key}) INTO batch_start FROM ${spec.table} WHERE ${key} > batch_end;`,
    '  END LOOP;',
    'END',
  ];
}

function blockBody(spec: BatchSpec): string[] {
  const regclass = `'${spec.table.replace(/'/g, "''")}'::regclass`;
  return [
    'DECLARE',
    `  last_block bigint := pg_relation_size(${regclass}) / current_setting('block_size')::bigint;`,
    '  first_block bigint := 0;',
    'BEGIN',
    '  WHILE first_block <= last_block LOOP',
    `    ${spec.action}`,
    "      WHERE ctid >= format('(%s,0)', first_block)::tid",
    `        AND ctid < format('(%s,0)', first_block + ${BATCH_BLOCKS})::tid${spec.pending ? `\n        AND ${spec.pending}` : ''};`,
    '    COMMIT;',
    `    first_block := first_block + ${BATCH_BLOCKS};`,
    '  END LOOP;',
    ...(spec.pending
      ? ['  -- Rows updated elsewhere meanwhile may have moved past last_block: one last sweep.', `  ${spec.action} WHERE ${spec.pending};`]
      : []),
    'END',
  ];
}
