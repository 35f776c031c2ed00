/**
 * Every SQL text the estimator ever sends, and nothing else: catalog and statistics reads.
 * The session (session.ts) only accepts a key of QUERIES, so the user's migration — or any other
 * text — can never reach the database through it. test/unit/db/queries.test.ts checks that each
 * one is a plain SELECT; the only locks they take are ACCESS SHARE (the size functions and the
 * deparsers pg_get_indexdef / pg_get_constraintdef of a CHECK open the relation). Those run only
 * for relations nobody holds or awaits ACCESS EXCLUSIVE on ($2 "safe" oids), one relation at a time
 * for sizes, under a short lock_timeout; everything else reads catalogs without locking any table.
 */

/** Per-session settings run once after connecting (SET is not a write; they make the session safe). */
export const SESSION_SETUP = (limits: { statementTimeoutMs: number; lockTimeoutMs: number }): string =>
  [
    'SET default_transaction_read_only = on',
    `SET statement_timeout = ${Math.round(limits.statementTimeoutMs)}`,
    `SET lock_timeout = ${Math.round(limits.lockTimeoutMs)}`,
    'SET idle_in_transaction_session_timeout = 5000',
    "SET application_name = 'lockstep'",
  ].join('; ');

export const QUERIES = {
  /** Server version, and proof that the safety settings took. */
  server: `
    SELECT current_setting('server_version_num')::int AS version_num,
           current_setting('server_version') AS version,
           current_database() AS database, current_user AS "user",
           current_setting('block_size')::int AS block_size,
           current_setting('default_transaction_read_only') AS default_read_only,
           current_setting('transaction_read_only') AS read_only,
           current_setting('statement_timeout') AS statement_timeout,
           current_setting('lock_timeout') AS lock_timeout,
           current_setting('application_name') AS application_name,
           pg_is_in_recovery() AS in_recovery,
           pg_backend_pid() AS pid`,

  /** Relations by unqualified name (any schema; the caller prefers the one on the search_path), with statistics. */
  relations: `
    SELECT c.oid::int8 AS oid, c.relname AS name, n.nspname AS schema, c.relkind AS kind,
           pg_table_is_visible(c.oid) AS visible,
           c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
           c.reltoastrelid::int8 AS toast_oid,
           coalesce(t.relpages, 0)::int8 AS toast_relpages,
           s.n_live_tup::int8 AS live_rows, s.n_dead_tup::int8 AS dead_rows,
           greatest(s.last_vacuum, s.last_autovacuum) AS last_vacuum,
           greatest(s.last_analyze, s.last_autoanalyze) AS last_analyze,
           ix.indrelid::int8 AS index_table_oid
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      LEFT JOIN pg_index ix ON ix.indexrelid = c.oid
     WHERE (c.relname = ANY($1::text[]) OR c.oid = ANY($2::oid[]))
       AND c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S', 'v', 'f')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     ORDER BY c.relname, NOT pg_table_is_visible(c.oid), n.nspname`,

  /** Partitions (all levels) of partitioned tables: their storage is where the data lives. Bounds are constants, so no relation context (and no lock) is needed to print them. */
  partitions: `
    WITH RECURSIVE tree(root, oid) AS (
      SELECT i.inhparent, i.inhrelid FROM pg_inherits i WHERE i.inhparent = ANY($1::oid[])
      UNION ALL
      SELECT tree.root, i.inhrelid FROM tree JOIN pg_inherits i ON i.inhparent = tree.oid
    )
    SELECT tree.root::int8 AS root, c.oid::int8 AS oid, c.relname AS name, c.relkind AS kind,
           c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages, coalesce(t.relpages, 0)::int8 AS toast_relpages,
           pg_get_expr(c.relpartbound, 0) AS bound
      FROM tree JOIN pg_class c ON c.oid = tree.oid LEFT JOIN pg_class t ON t.oid = c.reltoastrelid`,

  /** Who holds or waits for a lock on these relations right now (our own backend excluded). */
  locks: `
    SELECT l.relation::int8 AS oid, l.mode, l.granted, l.pid, l.virtualtransaction,
           to_jsonb(l) ->> 'waitstart' AS wait_start,
           CASE WHEN l.granted THEN '{}'::int[] ELSE pg_blocking_pids(l.pid) END AS blocked_by,
           a.application_name, a.state, a.backend_type, a.usename AS "user", a.wait_event_type,
           extract(epoch FROM now() - a.xact_start)::float8 AS xact_age_s,
           extract(epoch FROM now() - a.query_start)::float8 AS query_age_s,
           left(a.query, 500) AS query
      FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'relation' AND l.relation = ANY($1::oid[]) AND l.pid IS DISTINCT FROM pg_backend_pid()
     ORDER BY l.granted DESC, a.xact_start NULLS LAST, l.pid`,

  /** Transactions open longer than $1 seconds: a lock request queues behind them, and traffic behind it. */
  longTransactions: `
    SELECT a.pid, a.application_name, a.state, a.backend_type, a.usename AS "user", a.wait_event_type,
           extract(epoch FROM now() - a.xact_start)::float8 AS xact_age_s,
           extract(epoch FROM now() - a.query_start)::float8 AS query_age_s,
           left(a.query, 500) AS query
      FROM pg_stat_activity a
     WHERE a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid()
       AND a.xact_start < now() - make_interval(secs => $1::float8)
     ORDER BY a.xact_start
     LIMIT 50`,

  /** Prepared transactions keep their locks until someone commits or rolls them back. */
  preparedTransactions: `
    SELECT gid, owner, database, extract(epoch FROM now() - prepared)::float8 AS age_s
      FROM pg_prepared_xacts ORDER BY prepared LIMIT 50`,

  /** Physical sizes of one relation (ACCESS SHARE on it, its TOAST table and its indexes, for an instant). */
  sizes: `
    SELECT pg_relation_size(c.oid) AS heap_bytes,
           CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END AS toast_bytes,
           CASE WHEN c.relkind IN ('r', 'm', 'p') THEN pg_indexes_size(c.oid) ELSE 0 END AS index_bytes,
           pg_total_relation_size(c.oid) AS total_bytes,
           (SELECT coalesce(json_object_agg(i.indexrelid::text, pg_relation_size(i.indexrelid)), '{}'::json)
              FROM pg_index i WHERE i.indrelid = c.oid) AS index_sizes
      FROM pg_class c WHERE c.oid = $1::oid`,

  /** Columns, for the schema the lock model reasons with (column types decide rewrites). */
  columns: `
    SELECT a.attrelid::int8 AS oid, quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null
      FROM pg_attribute a
     WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,

  /** Indexes; definitions only for $2 (safe) tables, key columns always (from pg_attribute, lock-free). */
  indexes: `
    SELECT i.indrelid::int8 AS table_oid, i.indexrelid::int8 AS oid, c.relname AS name,
           CASE WHEN i.indrelid = ANY($2::oid[]) THEN pg_get_indexdef(i.indexrelid) END AS definition,
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
           i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
           c.relpages::int8 AS relpages,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) AS backs_constraint
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ANY($1::oid[])
     ORDER BY i.indrelid, c.relname`,

  /** Constraints on these tables, and foreign keys pointing at them. Printing a CHECK or EXCLUDE deparses expressions (and locks): only for $2. */
  constraints: `
    SELECT k.conname AS name, k.contype AS type, k.convalidated AS validated,
           k.conrelid::int8 AS table_oid, quote_ident(tc.relname) AS table_name,
           k.confrelid::int8 AS referenced_oid, quote_ident(rc.relname) AS referenced_name,
           CASE WHEN k.contype NOT IN ('c', 'x') OR k.conrelid = ANY($2::oid[]) THEN pg_get_constraintdef(k.oid) END AS definition,
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(k.conkey) WITH ORDINALITY c(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.attnum ORDER BY c.n) AS columns,
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(k.confkey) WITH ORDINALITY c(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.attnum ORDER BY c.n) AS referenced_columns
      FROM pg_constraint k
      JOIN pg_class tc ON tc.oid = k.conrelid
      LEFT JOIN pg_class rc ON rc.oid = k.confrelid
     WHERE k.conrelid = ANY($1::oid[]) OR k.confrelid = ANY($1::oid[])
     ORDER BY k.conrelid, k.conname`,

  /** Names only: printing a trigger with a WHEN clause would deparse (and lock). */
  triggers: `
    SELECT t.tgrelid::int8 AS table_oid, t.tgname AS name, t.tgenabled <> 'D' AS enabled
      FROM pg_trigger t
     WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal
     ORDER BY t.tgrelid, t.tgname`,

  /** Partition keys from pg_partitioned_table (pg_get_partkeydef would lock): strategy and key columns. */
  partitionKeys: `
    SELECT p.partrelid::int8 AS oid,
           CASE p.partstrat WHEN 'r' THEN 'RANGE' WHEN 'l' THEN 'LIST' ELSE 'HASH' END AS strategy,
           ARRAY(SELECT quote_ident(a.attname) FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns
      FROM pg_partitioned_table p WHERE p.partrelid = ANY($1::oid[])`,
} as const;

export type QueryName = keyof typeof QUERIES;
