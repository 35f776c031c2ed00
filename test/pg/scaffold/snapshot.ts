/** Schema snapshots, to check that rolling a phase back restores exactly what was there before it. */
import type pg from 'pg';

const QUERIES: Record<string, string> = {
  columns: `SELECT c.relname::text || '.' || a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
              || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS v
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped`,
  relations: `SELECT n.nspname::text || '.' || c.relname::text || ' ' || c.relkind::text AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'p', 'v', 'S', 'm')`,
  indexes: `SELECT pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END AS v FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
  constraints: `SELECT conrelid::regclass::text || ' ' || conname::text || ' ' || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END AS v
                FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) AND contype <> 'n'`,
  triggers: `SELECT tgrelid::regclass::text || ' ' || tgname::text AS v FROM pg_trigger WHERE NOT tgisinternal`,
  views: `SELECT viewname::text || ': ' || definition AS v FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  routines: `SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || p.prokind::text AS v FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  sequences: `SELECT s.relname::text || ' ' || format_type(q.seqtypid, NULL) || coalesce(' owned by ' || t.relname::text || '.' || a.attname::text, '') AS v
              FROM pg_sequence q JOIN pg_class s ON s.oid = q.seqrelid
              LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
              LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid`,
};

export type Snapshot = Record<string, string[]>;

export async function schemaSnapshot(client: pg.Client): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const [name, sql] of Object.entries(QUERIES)) {
    out[name] = (await client.query<{ v: string }>(sql)).rows.map((r) => r.v).sort();
  }
  return out;
}

/** Lines only in `a` (-) or only in `b` (+); empty when equal. */
export function snapshotDiff(a: Snapshot, b: Snapshot): string[] {
  const diff: string[] = [];
  for (const key of Object.keys(QUERIES)) {
    const left = new Set(a[key]);
    const right = new Set(b[key]);
    for (const v of a[key]) if (!right.has(v)) diff.push(`- ${key}: ${v}`);
    for (const v of b[key]) if (!left.has(v)) diff.push(`+ ${key}: ${v}`);
  }
  return diff;
}
