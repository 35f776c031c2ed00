/**
 * SQL building blocks every plan shares: the lock_timeout prelude, the per-plan progress table,
 * the recursion guard, the batched keyset loop that backfills never holding a lock longer than
 * one batch, idempotent DDL steps for procedures, and index retire/rebuild migrations.
 */
import type { Migration, PlanOptions, Step } from '../plan';
import { single, tx } from '../plan';
import type { IndexSchema } from '../schema';
import { durationMs } from '../../document/settings';
import { explained } from '../lintPass';
import { dollar, indent, lit, objectName, q, qList } from '../sqlText';

/** Names of the objects one plan creates, all prefixed with the plan's slug. */
export class PlanNames {
  constructor(readonly slug: string) {}
  obj(...parts: string[]): string {
    return objectName(this.slug, ...parts);
  }
  get progress(): string {
    return this.obj('progress');
  }
  /** Session setting that tells sync triggers "this write is a sync or a backfill: do not mirror it". */
  get guard(): string {
    return `lockstep.${objectName(this.slug).slice(0, 50)}_syncing`;
  }
}

export function lockTimeout(options: PlanOptions): string {
  return `SET LOCAL lock_timeout = ${lit(options.lockTimeout)}`;
}

/** A transactional step that starts with the lock_timeout prelude. */
export function ddl(options: PlanOptions, ...statements: string[]): Step {
  return tx(lockTimeout(options), ...statements);
}

/** PostgreSQL's default deadlock_timeout; a wait shorter than this never turns into a deadlock report. */
const DEADLOCK_TIMEOUT_MS = 1000;
const ACROSS_TABLES_MS = 500;

/**
 * A DDL transaction that locks several existing tables. Whatever order it locks them in, some
 * application query may take them in the other (a join reads parent then child, a child INSERT
 * checks its parent last), and a lock cycle is only reported after deadlock_timeout (1 s), to
 * whichever side checks first. With a lock_timeout below that, the migration always gives up
 * first — retry it — and no application query ever sees a deadlock error.
 */
export function ddlAcross(options: PlanOptions, ...statements: string[]): Step {
  return tx(`SET LOCAL lock_timeout = ${lit(acrossTablesLockTimeout(options))}`, ...statements);
}

/** The lock_timeout of a DDL transaction that locks several existing tables: below deadlock_timeout (ddlAcross). */
export function acrossTablesLockTimeout(options: PlanOptions): string {
  const configured = durationMs(options.lockTimeout);
  return `${configured > 0 && configured < ACROSS_TABLES_MS ? configured : Math.min(ACROSS_TABLES_MS, DEADLOCK_TIMEOUT_MS / 2)}ms`;
}

/**
 * LOCK TABLE a, then b, ACCESS EXCLUSIVE inside a DDL transaction, retried. The first table is
 * waited for (at most the transaction's lock_timeout); the others are taken NOWAIT: if a session
 * holds one while waiting for the first (an application transaction that writes the tables in the
 * other order), the try gives back what it got at once (the block is a subtransaction), so that
 * session goes on, and the next try starts after a short pause. No lock cycle lasts.
 */
export function lockTablesInOrder(tables: string[], slug: string, attempts = 40, quoted = tables.map(q)): string {
  const [first, ...rest] = quoted;
  return `DO ${dollar(`BEGIN
  FOR attempt IN 1..${attempts} LOOP
    BEGIN
      LOCK TABLE ${first} IN ACCESS EXCLUSIVE MODE;${rest.length ? `
      LOCK TABLE ${rest.join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT;` : ''}
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      RAISE NOTICE '${slug}: ${tables.join(', ')} not locked (try %), retrying', attempt;
      PERFORM pg_sleep(least(0.02 * attempt, 0.2));
    END;
  END LOOP;
  RAISE EXCEPTION '${slug}: could not lock ${tables.join(', ')} in ${attempts} tries; rerun this migration when traffic is lighter' USING ERRCODE = 'lock_not_available';
END`)}`;
}

export function createProgressTable(names: PlanNames): string {
  return `CREATE TABLE ${q(names.progress)} (
  step text PRIMARY KEY,
  last_key text,
  end_key text,
  rows_done bigint NOT NULL DEFAULT 0,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;
}

export const BOOKKEEPING = "the plan's own bookkeeping table: no application reads or writes it";

export function dropProgressTable(names: PlanNames): string {
  return explained(['drop-table', 'many-tables-locked'], BOOKKEEPING, `DROP TABLE IF EXISTS ${q(names.progress)}`);
}

/** The recursion guard a trigger checks first. */
export function guardCheck(names: PlanNames, ret: 'NEW' | 'NULL'): string {
  return `-- Writes made by this plan's own syncing and backfills are not mirrored back.
IF current_setting(${lit(names.guard)}, true) = 'on' THEN
  RETURN ${ret};
END IF;`;
}

/** Run `body` with the guard set, so the triggers it fires on the other side do nothing. */
export function guarded(names: PlanNames, body: string): string {
  return `PERFORM set_config(${lit(names.guard)}, 'on', true);
${body}
PERFORM set_config(${lit(names.guard)}, '', true);`;
}

export interface BatchLoop {
  /** Progress row key, unique within the plan. */
  step: string;
  table: string;
  pk: string;
  pkType: string;
  /**
   * One batch: SQL run with EXECUTE … USING, where $1 is the exclusive lower key (NULL for the
   * first batch) and $2 the inclusive upper key, both as text. It must only touch that key range.
   */
  batch: string;
  verb: string;
}

/** `($1 IS NULL OR pk > $1) AND pk <= $2`, typed: the keyset range of one batch. */
export function keyRange(pk: string, pkType: string, alias = ''): string {
  const col = alias ? `${alias}.${q(pk)}` : q(pk);
  return `($1::${pkType} IS NULL OR ${col} > $1::${pkType}) AND ${col} <= $2::${pkType}`;
}

/**
 * plpgsql for a resumable keyset loop: each batch commits, records its high-water mark in the
 * progress table (a rerun continues from there), reports progress with RAISE NOTICE, and sleeps.
 * Needs the LOOP_VARIABLES.
 *
 * No application query ever gets a deadlock error from a batch. PostgreSQL reports a lock cycle to
 * the session whose wait reaches deadlock_timeout first. A batch waits for a row lock a tenth of
 * that at most, then gives its rows back and retries (so a cycle it closes is gone before the
 * other session checks), and its size adapts so one batch runs under a quarter of it (so a
 * session waiting behind a batch is let go long before its own check).
 */
export function batchLoop(names: PlanNames, options: PlanOptions, loop: BatchLoop): string {
  const progress = q(names.progress);
  const pk = q(loop.pk);
  const t = loop.pkType;
  const label = `${names.slug} ${loop.step}`;
  const configured = durationMs(options.lockTimeout);
  const rowWait = configured > 0 ? `least(${configured}, greatest(v_deadlock / 10, 1))` : 'greatest(v_deadlock / 10, 1)';
  // Rows inserted after the first run started are the triggers' business: the walk stops at the
  // key that was highest then, instead of chasing a table that keeps growing.
  const next = `SELECT max(k)::text, count(*) FROM (SELECT ${pk} AS k FROM ${q(loop.table)} WHERE ($1::${t} IS NULL OR ${pk} > $1::${t}) AND ${pk} <= $3::${t} ORDER BY ${pk} LIMIT $2) AS batch`;
  return `-- ${loop.verb} ${loop.table} in batches of batch_size rows, by ${loop.pk} ranges, up to the highest ${loop.pk} when it first started.
SELECT last_key, end_key, finished_at IS NOT NULL, rows_done INTO v_last, v_end, v_done, v_rows FROM ${progress} WHERE step = ${lit(loop.step)};
IF NOT FOUND THEN
  SELECT max(${pk})::text INTO v_end FROM ${q(loop.table)};
  INSERT INTO ${progress} (step, end_key) VALUES (${lit(loop.step)}, v_end);
  COMMIT;
  v_last := NULL; v_done := false; v_rows := 0;
END IF;
IF v_done THEN
  RAISE NOTICE '${label}: already finished';
ELSE
  SELECT greatest(reltuples, 0)::bigint INTO v_total FROM pg_class WHERE oid = ${lit(q(loop.table))}::regclass;
  SELECT setting::int INTO v_deadlock FROM pg_settings WHERE name = 'deadlock_timeout';
  v_seen := 0;
  v_size := batch_size;
  v_tries := 0;
  LOOP
    PERFORM set_config('lock_timeout', ${rowWait} || 'ms', true);
    PERFORM set_config(${lit(names.guard)}, 'on', true);
    EXECUTE ${dollarInline(next)} INTO v_hi, v_count USING v_last, v_size, v_end;
    EXIT WHEN v_hi IS NULL;
    v_started := clock_timestamp();
    BEGIN
      EXECUTE ${dollarInline(loop.batch)} USING v_last, v_hi;
      GET DIAGNOSTICS v_batch = ROW_COUNT;
    EXCEPTION WHEN lock_not_available THEN
      v_batch := -1;
    END;
    IF v_batch < 0 THEN
      v_tries := v_tries + 1;
      IF v_tries >= ${BATCH_TRIES} THEN
        RAISE EXCEPTION '${label}: the batch after % found rows locked by other sessions % times in a row; rerun this migration (it resumes there) when traffic is lighter, or with a smaller batch_size', coalesce(v_last, 'the start'), v_tries USING ERRCODE = 'lock_not_available';
      END IF;
      RAISE NOTICE '${label}: a row of the batch after % is locked by another session (try %), retrying', coalesce(v_last, 'the start'), v_tries;
      COMMIT;
      PERFORM pg_sleep(least(0.02 * v_tries, 0.2));
      CONTINUE;
    END IF;
    v_tries := 0;
    IF clock_timestamp() - v_started > v_deadlock * interval '0.25 ms' THEN
      v_size := greatest(v_size / 2, 1);
    ELSIF clock_timestamp() - v_started < v_deadlock * interval '0.0625 ms' THEN
      v_size := least(v_size * 2, batch_size);
    END IF;
    v_rows := v_rows + v_batch;
    v_seen := v_seen + v_count;
    v_last := v_hi;
    UPDATE ${progress} SET last_key = v_last, rows_done = v_rows, updated_at = now() WHERE step = ${lit(loop.step)};
    COMMIT;
    RAISE NOTICE '${label}: up to ${loop.pk} = % of %, % rows changed, about % %% of the table',
      v_last, v_end, v_rows, CASE WHEN v_total > 0 THEN least(100, round(100.0 * v_seen / v_total)) ELSE 100 END;
    PERFORM pg_sleep(pause_ms / 1000.0);
  END LOOP;
  UPDATE ${progress} SET finished_at = now(), updated_at = now() WHERE step = ${lit(loop.step)};
  COMMIT;
  RAISE NOTICE '${label}: finished, % rows changed', v_rows;
END IF;`;
}

/** How many times in a row a batch may find its rows locked (about 9 s of pauses) before the run stops, resumable. */
const BATCH_TRIES = 50;

export const LOOP_VARIABLES = `v_last text;
  v_end text;
  v_hi text;
  v_count bigint;
  v_batch bigint;
  v_seen bigint;
  v_rows bigint;
  v_total bigint;
  v_done boolean;
  v_deadlock integer;
  v_size integer;
  v_tries integer;
  v_started timestamptz;`;

/** A dollar-quoted literal for EXECUTE inside a plpgsql body (distinct tag from the body's). */
function dollarInline(sql: string): string {
  let tag = '$q$';
  for (let i = 1; sql.includes(tag); i++) tag = `$q${i}$`;
  return `${tag}${sql}${tag}`;
}

/** A procedure that commits between batches (so it must be CALLed outside a transaction block). */
export function procedure(name: string, params: string, declarations: string, body: string): string {
  return `CREATE PROCEDURE ${q(name)}(${params})
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  ${declarations}
BEGIN
${indent(body)}
END;`)}`;
}

export const BATCH_PARAMS = 'batch_size integer DEFAULT 5000, pause_ms integer DEFAULT 50';

/**
 * One DDL statement inside a procedure: its own transaction, with the lock_timeout. A statement
 * that locks several existing tables (a foreign key locks both ends) waits less than
 * deadlock_timeout, for the reason ddlAcross gives.
 */
export function ddlInProcedure(options: PlanOptions, sql: string, onlyIf?: string, acrossTables = false): string {
  const run = `PERFORM set_config('lock_timeout', ${lit(acrossTables ? acrossTablesLockTimeout(options) : options.lockTimeout)}, true);
EXECUTE ${dollarInline(sql)};
COMMIT;`;
  return onlyIf ? `IF ${onlyIf} THEN\n${indent(run)}\nEND IF;` : run;
}

export function constraintExists(table: string, name: string): string {
  return `EXISTS (SELECT FROM pg_constraint WHERE conrelid = ${lit(q(table))}::regclass AND conname = ${lit(name)})`;
}

export function constraintValid(table: string, name: string): string {
  return `EXISTS (SELECT FROM pg_constraint WHERE conrelid = ${lit(q(table))}::regclass AND conname = ${lit(name)} AND convalidated)`;
}

export function columnNullable(table: string, column: string): string {
  return `EXISTS (SELECT FROM pg_attribute WHERE attrelid = ${lit(q(table))}::regclass AND attname = ${lit(column)} AND NOT attnotnull)`;
}

/**
 * SET NOT NULL without a long ACCESS EXCLUSIVE scan, inside a procedure: a NOT VALID check,
 * VALIDATE (SHARE UPDATE EXCLUSIVE, writes continue), then SET NOT NULL, which PostgreSQL 12+
 * proves from the valid check without scanning. Each step commits; reruns skip finished steps.
 */
export function setNotNullInProcedure(names: PlanNames, options: PlanOptions, table: string, column: string): string {
  const check = names.obj(table, column, 'not_null');
  return [
    `-- ${table}.${column} back to NOT NULL, without a scan under ACCESS EXCLUSIVE.`,
    ddlInProcedure(options, `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(check)} CHECK (${q(column)} IS NOT NULL) NOT VALID`, `${columnNullable(table, column)} AND NOT ${constraintExists(table, check)}`),
    ddlInProcedure(options, `ALTER TABLE ${q(table)} VALIDATE CONSTRAINT ${q(check)}`, `${constraintExists(table, check)} AND NOT ${constraintValid(table, check)}`),
    ddlInProcedure(options, `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column)} SET NOT NULL`, columnNullable(table, column)),
    ddlInProcedure(options, `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(check)}`, constraintExists(table, check)),
  ].join('\n');
}

/**
 * CREATE [UNIQUE] INDEX CONCURRENTLY for a simple b-tree index, alone in its migration: several
 * runners send a file as one query string, where a second statement would make it a transaction.
 */
export function createIndexConcurrently(name: string, table: string, columns: string[], unique: boolean): string {
  return explained(
    ['missing-if-exists'],
    `it must be the only statement of its migration; if a run fails it leaves ${name} INVALID: DROP INDEX CONCURRENTLY IF EXISTS ${name}, then rerun (PLAN.md, "If an index build fails")`,
    `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(name)} ON ${q(table)} (${qList(columns)})`,
  );
}

/** The PLAN.md heading that explains recovering from a failed concurrent build (ignore comments point at it). */
export const INDEX_RECOVERY_HEADING = 'If an index build fails';

/** The index this statement builds concurrently, if it does (PLAN.md then explains the recovery). */
export function buildsIndexConcurrently(sql: string): string | undefined {
  const m = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[\w$]+)/i.exec(sql.replace(/^(\s*--[^\n]*\n)*\s*/, ''));
  if (!m) return undefined;
  return m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
}

/**
 * plpgsql for a verify procedure: refuse while one of the plan's indexes is missing or INVALID.
 * A CREATE INDEX CONCURRENTLY that failed or was cancelled leaves its index INVALID (not used by
 * queries, still maintained by every write); carrying on would leave the new column without a
 * usable index once the contract drops the old one.
 */
export function indexesValidCheck(slug: string, indexes: string[]): string {
  if (!indexes.length) return '';
  return `-- The plan's indexes must exist and be valid (pg_index.indisvalid).
DECLARE
  v_invalid text;
BEGIN
  SELECT string_agg(n.name, ', ') INTO v_invalid FROM unnest(ARRAY[${indexes.map(lit).join(', ')}]) AS n(name)
  WHERE NOT EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE c.relname = n.name AND c.relnamespace = current_schema()::regnamespace AND i.indisvalid AND i.indisready);
  IF v_invalid IS NOT NULL THEN
    RAISE EXCEPTION '${slug}: index % is missing or INVALID (a CREATE INDEX CONCURRENTLY failed or was cancelled): DROP INDEX CONCURRENTLY IF EXISTS it, rerun its migration, then this one (PLAN.md, "${INDEX_RECOVERY_HEADING}")', v_invalid;
  END IF;
END;`;
}

/** A statement that does nothing, for migrations that only matter when rolled back. */
export function noOp(why: string): string {
  return `SELECT ${lit(why)} AS nothing_to_do`;
}

/**
 * Migrations that take an old index out before the contract, and rebuild it concurrently on
 * rollback (after the contract's rollback has put the column back). An index behind a
 * constraint cannot be dropped on its own: the contract drops it with its column, so going
 * forward there is nothing to do, and the rollback rebuilds the index for the constraint that
 * the restore procedure then re-attaches with ADD CONSTRAINT … USING INDEX.
 */
export function retireIndexMigration(slugPart: string, index: IndexSchema, columnsAtRollback: string[]): Migration {
  const rebuild = single(createIndexConcurrently(index.name, index.table, columnsAtRollback, index.unique));
  if (index.constraint) {
    return {
      name: `${slugPart}_${index.name}`,
      summary: `Rollback support: rebuild ${index.name} (behind the ${index.constraint} constraint) concurrently if the plan is rolled back.`,
      up: single(noOp(`${index.name} goes away in the contract (with its column, or dropped by it); rolling back rebuilds it concurrently`)),
      down: rebuild,
      verify: [],
    };
  }
  return {
    name: `${slugPart}_${index.name}`,
    summary: `Drop index ${index.name} on the old column concurrently (rolling back rebuilds it concurrently).`,
    up: single(`DROP INDEX CONCURRENTLY IF EXISTS ${q(index.name)}`),
    down: rebuild,
    verify: [`SELECT 1 / (count(*) = 0)::int FROM pg_class WHERE relname = ${lit(index.name)} AND relkind = 'i'`],
  };
}

/** Build one new index concurrently (its own migration: CONCURRENTLY cannot share a transaction). */
export function buildIndexMigration(name: string, table: string, columns: string[], unique: boolean, why: string): Migration {
  return {
    name: `index_${name}`,
    summary: `Build ${unique ? 'unique ' : ''}index ${name} on ${table} (${columns.join(', ')}) concurrently: ${why}.`,
    up: single(createIndexConcurrently(name, table, columns, unique)),
    down: single(`DROP INDEX CONCURRENTLY IF EXISTS ${q(name)}`),
    verify: [`SELECT 1 / count(*)::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ${lit(name)} AND i.indisvalid`],
  };
}
