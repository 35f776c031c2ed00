/**
 * Same-table column remaps: new columns that mirror old ones through a forward expression (old →
 * new) and a reverse one (new → old), kept identical by a BEFORE trigger while both application
 * versions run, backfilled in batches, verified, then contracted. Rename a column, change a
 * type, split or merge columns, add a NOT NULL column, and change a primary key (with every
 * referencing column) are all this shape.
 */
import type { AppContract, Deploy, Migration, Phase, Plan, PlanOptions } from '../plan';
import { single, tx } from '../plan';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema } from '../schema';
import { lit, q, qList } from '../sqlText';
import { PlanNames, buildIndexMigration, createIndexConcurrently, ddl, ddlAcross, noOp, retireIndexMigration } from './common';
import { RemapSql } from './remapSql';
import { createReviewTable, dropReviewTable, type AccuracyCheck } from './accuracy';

export interface NewColumn {
  name: string;
  /** Swap mode: the name it takes in the contract, once the old column is gone. */
  finalName?: string;
  type: string;
  /**
   * How the value is kept: `derived` from the old columns by `fwd` (and they from it by the
   * table's `rev`), `filled` by `fwd` only where NULL (the new app may write anything), or
   * `generated` by `fwd` (a key such as gen_random_uuid()) where NULL.
   */
  mode: 'derived' | 'filled' | 'generated';
  /** SQL expression over the row's columns. */
  fwd: string;
  notNull: boolean;
  /** Default the column gets in the contract (usually moved from the old column). */
  default?: string;
}

export interface OldColumn {
  column: ColumnSchema;
  /** SQL expression over the row's (new) columns. Without one the column cannot be restored, so it is kept. */
  rev?: string;
}

export interface NewIndex {
  name: string;
  table: string;
  /** Columns under their transition names. */
  columns: string[];
  /** The same columns under their final names (swap mode); defaults to `columns`. */
  finalColumns?: string[];
  unique: boolean;
  /** In the contract the index becomes this constraint (named as the old one), or is renamed. */
  becomes?: { kind: 'primary' | 'unique'; name: string };
  finalName?: string;
  why: string;
}

export interface RemapTable {
  table: TableSchema;
  pk: ColumnSchema;
  newColumns: NewColumn[];
  oldColumns: OldColumn[];
  /**
   * Swap mode: reverse expressions name the new columns by their final names (the user writes
   * `created_at AT TIME ZONE 'UTC'`); this maps final → transition name for them.
   */
  revNames?: Record<string, string>;
}

export interface MirroredForeignKey {
  /** The foreign key it replaces (dropped in the contract, restored on rollback). */
  old?: ForeignKeySchema;
  name: string;
  finalName?: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  actions: string;
}

export interface SequenceMove {
  sequence: string;
  /** Column names before and after the contract (`from` owns it now). */
  from: { table: string; column: string };
  to: { table: string; column: string };
  /** `AS` types, when the sequence type changes (int → bigint). */
  fromType?: string;
  toType?: string;
}

export interface RemapSpec {
  kind: string;
  slug: string;
  title: string;
  summary: string;
  /** Parents before children: backfills run in this order (children may look parents up). */
  tables: RemapTable[];
  newIndexes: NewIndex[];
  /** Indexes on old columns: dropped before the contract, rebuilt on rollback. */
  oldIndexes: IndexSchema[];
  foreignKeys: MirroredForeignKey[];
  /** Drop the old primary key in the contract (its index must be in `oldIndexes`). */
  dropPrimaryKey?: { table: string; name: string; columns: string[] };
  sequences: SequenceMove[];
  /** Report how many rows round-trip exactly (column splits). */
  accuracy: boolean;
  /** Column splits: agreement with the rule and round trip, a review table, and an optional gate. */
  accuracyCheck?: AccuracyCheck;
  /** `drop`: v1 must be gone before the contract. `swap`: names are swapped, v1 may keep running. */
  mode: 'drop' | 'swap';
  apps: { v1: AppContract; v2: AppContract };
  notes: string[];
  /** Dependent views re-created by the plan (viewRewrite.ts): in the contract, and back in the expand rollback. */
  views?: { contract: string[]; expandDown: string[] };
}

export function remapPlan(spec: RemapSpec, options: PlanOptions): Plan {
  const names = new PlanNames(spec.slug);
  const r = new RemapSql(spec, names, options);
  // One migration per table, so no transaction holds ACCESS EXCLUSIVE on two tables at once;
  // the first also creates the plan's procedures (their bodies are only resolved when called).
  // The review table outlives the contract (the rows it holds name values the contract drops).
  const review = spec.accuracyCheck ? { create: [createReviewTable(names, spec.accuracyCheck)], drop: [dropReviewTable(names)] } : { create: [], drop: [] };
  const expand: Migration[] = spec.tables.map((t, i) => ({
    name: spec.tables.length > 1 ? `expand_${t.table.name}` : 'expand',
    summary: `Add ${t.newColumns.map((c) => `${t.table.name}.${c.name}`).join(', ')} and the sync trigger on ${t.table.name}${i === 0 ? ", and the plan's helper procedures" : ''}.`,
    up: ddl(options, ...r.addNewColumns(t), ...(i === 0 ? [...r.createShared(), ...review.create] : []), ...r.createSync(t)),
    down: ddl(options, ...(i === 0 ? (spec.views?.expandDown ?? []) : []), ...r.dropSync(t), ...(i === 0 ? [...review.drop, ...r.dropShared()] : []), ...r.dropNewColumns(t)),
    verify: t.newColumns.map((c) => `SELECT ${q(c.name)} FROM ${q(t.table.name)} WHERE false`),
  }));
  const backfill: Migration = {
    name: 'backfill',
    summary: `Fill ${r.newColumnList()} for existing rows, ${options.batchSize} rows per transaction.`,
    up: single(`CALL ${q(names.obj('backfill'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
    down: tx(`DELETE FROM ${q(names.progress)} WHERE step LIKE 'backfill%'`),
    verify: [`SELECT 1 / count(*)::int FROM ${q(names.progress)} WHERE step LIKE 'backfill%' AND finished_at IS NOT NULL`],
  };
  const indexes = spec.newIndexes.map((i) => buildIndexMigration(i.name, i.table, i.columns, i.unique, i.why));
  const constraintMigrations: Migration[] = r.notValidConstraints().map((c, _, all) => ({
    name: all.length > 1 ? `constraints_not_valid_${c.table}` : 'constraints_not_valid',
    summary: `Add the new NOT NULL checks and foreign keys of ${c.table} as NOT VALID: new writes are checked, old rows are not scanned.`,
    // A foreign key locks its referenced table too.
    up: (c.crossTable ? ddlAcross : ddl)(options, ...c.up),
    down: (c.crossTable ? ddlAcross : ddl)(options, ...c.down),
    verify: c.names.map((name) => `SELECT 1 / count(*)::int FROM pg_constraint WHERE conrelid = ${lit(q(c.table))}::regclass AND conname = ${lit(name)}`),
  }));
  const hasOld = spec.tables.some((t) => t.oldColumns.length);
  const verify: Migration = {
    name: 'verify',
    summary: hasOld
      ? 'Refuse to continue unless old and new columns agree on every row; rolling back restores the old columns.'
      : `Refuse to continue unless ${r.newColumnList()} is filled on every row.`,
    up: single(`CALL ${q(names.obj('verify'))}()`),
    down: single(`CALL ${q(names.obj('restore'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
    verify: [`CALL ${q(names.obj('verify'))}()`],
  };
  const reviewStep: Migration[] = spec.accuracyCheck
    ? [
        {
          name: 'review',
          summary: `Report agreement with the rule and round trip (random sample of ${spec.accuracyCheck.sampleRows} rows, and the whole table), and copy the rows that fail to ${q(`lockstep_review_${names.slug}`.slice(0, 63))}.`,
          up: single(`CALL ${q(names.obj('review'))}()`),
          down: single(noOp('the review only reported and copied rows for review')),
          verify: [],
        },
      ]
    : [];
  const retire = spec.oldIndexes.map((i) => retireIndexMigration('retire', i, i.columns));
  const contract: Migration = {
    name: 'contract',
    summary:
      spec.mode === 'swap'
        ? 'Validate, swap the new columns in under the old names, drop the old ones and the triggers.'
        : hasOld
          ? 'Validate, drop the old columns, the triggers and the helpers.'
          : 'Validate, set NOT NULL, drop the triggers and the helpers.',
    up: (r.acrossTables ? ddlAcross : ddl)(options, ...r.contractUp()),
    down: (r.acrossTables ? ddlAcross : ddl)(options, ...r.contractDown()),
    verify: r.contractVerify(),
  };
  const rebuild: Migration[] = spec.newIndexes
    .filter((i) => i.becomes)
    .map((i) => ({
      name: `rollback_${i.name}`,
      summary: `Rollback support: if the contract is rolled back, rebuild ${i.name} first (the contract turned it into constraint ${i.becomes!.name}).`,
      up: single(noOp(`${i.name} became constraint ${i.becomes!.name}; rolling back rebuilds it concurrently`)),
      down: single(createIndexConcurrently(i.name, i.table, i.finalColumns ?? i.columns, i.unique)),
      verify: [],
    }));

  const tables = spec.tables.map((t) => t.table.name).join(', ');
  const phases: Phase[] = [
    {
      title: 'Expand',
      goal: hasOld
        ? `Add ${r.newColumnList()} next to the old columns, and triggers that keep both shapes identical whichever application version writes.`
        : `Add ${r.newColumnList()} (nullable for now), and a trigger that fills it on every write whichever application version writes.`,
      migrations: expand,
      check: spec.tables.map((t) => `SELECT ${qList(t.newColumns.map((c) => c.name))} FROM ${q(t.table.name)} LIMIT 5`),
      rollback: hasOld ? 'Drops the new columns, the triggers and the helpers. The old columns were never touched.' : 'Drops the new column, the trigger and the helpers.',
    },
    {
      title: 'Backfill',
      goal: hasOld
        ? `Copy every existing row into the new columns in keyset batches (one short transaction each), then build indexes and NOT VALID constraints for them.`
        : `Fill ${r.newColumnList()} for every existing row in keyset batches (one short transaction each), then add its NOT NULL check as NOT VALID.`,
      migrations: [backfill, ...indexes, ...constraintMigrations],
      check: [`SELECT step, last_key, rows_done, finished_at FROM ${q(names.progress)}`, ...r.verifyQueries()],
      rollback: hasOld
        ? 'Drops the new indexes and constraints and forgets the backfill progress. The copied values stay: they equal the old ones, and rolling back the expand phase drops them.'
        : 'Drops the new constraints and forgets the backfill progress. The filled values stay until rolling back the expand phase drops the column.',
    },
    {
      title: spec.mode === 'swap' ? 'Contract (swap)' : 'Contract',
      goal:
        spec.mode === 'swap'
          ? `Check both shapes agree, validate the constraints, then in one short transaction put the new columns in place under the old names and drop the old ones (${tables}).`
          : hasOld
            ? `Check both shapes agree, validate the constraints, then drop the old columns, the triggers and the helpers (${tables}).`
            : `Check every row is filled, validate the NOT NULL check, set NOT NULL, then drop the trigger and the helpers (${tables}).`,
      migrations: [...reviewStep, verify, ...retire, contract, ...rebuild],
      check: r.contractVerify(),
      // Found by the load proof: both versions use the swapped names, and between the contract's
      // rollback (old columns back, empty) and the end of the restore they read NULLs there.
      ...(spec.mode === 'swap' && hasOld
        ? { rollbackOffline: `its first step gives ${tables} back the old columns under their names, empty; the restore that follows refills them in batches. Until it finishes, code reading or writing ${spec.tables.flatMap((t) => t.oldColumns.map((c) => `${t.table.name}.${c.column.name}`)).join(', ')} sees NULLs (joins on them find nothing).` }
        : {}),
      rollback: hasOld
        ? `Re-adds the old columns and the triggers, rebuilds the old indexes concurrently, refills the old columns from the new ones in batches, and restores their NOT NULL, keys and foreign keys (CALL ${names.obj('restore')}).`
        : `Makes ${r.newColumnList()} nullable again behind its NOT VALID check and puts the trigger and the helpers back.`,
    },
  ];
  const deploys: Deploy[] =
    spec.mode === 'swap'
      ? [{ beforePhase: 3, action: 'start-v2', text: 'Deploy v2, which may rely on the new column types. v1 keeps working: the names did not change.' }]
      : [
          { beforePhase: 2, action: 'start-v2', text: 'Deploy v2 (rolling: v1 and v2 run side by side; the triggers keep both shapes identical).' },
          {
            beforePhase: 2,
            action: 'retire-v1',
            text: hasOld
              ? 'Wait until no v1 instance is left before the contract: v1 still uses the old columns.'
              : `Wait until no v1 instance is left before the contract: v1 does not write ${r.newColumnList()}, and after the contract the trigger that fills it for v1 is gone.`,
          },
        ];
  return {
    kind: spec.kind,
    slug: spec.slug,
    title: spec.title,
    summary: spec.summary,
    phases,
    deploys,
    apps: spec.apps,
    verifySql: r.verifyQueries().join(';\n\n') + ';\n',
    notes: spec.notes,
  };
}

