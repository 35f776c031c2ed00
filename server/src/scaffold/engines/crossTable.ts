/**
 * Columns that move between two tables joined one-to-one by key: splitting a table (columns
 * move to a new 1:1 table) and merging two (a table's columns move into another). AFTER
 * triggers on both tables mirror every write to the other side while v1 and v2 run, with a
 * transaction-local setting as the recursion guard; a keyset backfill copies the existing rows.
 */
import type { AppContract, Deploy, Migration, Phase, Plan, PlanOptions } from '../plan';
import { single, tx } from '../plan';
import type { CheckSchema, ColumnSchema, IndexSchema } from '../schema';
import { explained } from '../lintPass';
import { dollar, indent, lit, q, qList } from '../sqlText';
import {
  BOOKKEEPING, BATCH_PARAMS, LOOP_VARIABLES, PlanNames, batchLoop, buildIndexMigration, constraintExists, constraintValid, createProgressTable, ddl, ddlAcross, ddlInProcedure, dropProgressTable, guardCheck, guarded,
  indexesValidCheck, keyRange, lockTablesInOrder, procedure, retireIndexMigration, setNotNullInProcedure,
} from './common';

export interface MovedColumn {
  /** The column on the old side. */
  from: ColumnSchema;
  /** Its name on the new side. */
  to: string;
  /** NOT NULL on the new side after the contract. */
  notNull: boolean;
  /** Default on the new side after the contract (split: set when the table is created). */
  default?: string;
}

export interface CrossSpec {
  kind: string;
  slug: string;
  title: string;
  summary: string;
  /** Where the columns live today (v1's side), and the column that joins it to the new side. */
  old: { table: string; key: ColumnSchema };
  /** Where they go (v2's side). `create` makes it (split); otherwise columns are added (merge). */
  target: { table: string; key: ColumnSchema; create?: string };
  moved: MovedColumn[];
  /**
   * `split`: every old row has a new row (FK with ON DELETE CASCADE); new-side writes update the
   * old row. `merge`: an old row exists while the new row has any value; the old table is
   * archived (moved to schema lockstep_archive) by the contract instead of dropped.
   */
  shape: 'split' | 'merge';
  /** Old-side columns to relax to NULL in the expand phase (v2 stops writing them). */
  relax: ColumnSchema[];
  newIndexes: Array<{ name: string; columns: string[]; unique: boolean; why: string }>;
  oldIndexes: IndexSchema[];
  /** Split: CHECK constraints of the old table that read a moved column (the contract drops them with it; its rollback restores them). */
  oldChecks?: CheckSchema[];
  apps: { v1: AppContract; v2: AppContract };
  notes: string[];
}

export const ARCHIVE_SCHEMA = 'lockstep_archive';

export function crossTablePlan(spec: CrossSpec, options: PlanOptions): Plan {
  const names = new PlanNames(spec.slug);
  const x = new CrossSql(spec, names, options);
  const expand: Migration = {
    name: 'expand',
    summary: spec.target.create
      ? `Create ${spec.target.table}, the sync triggers on both tables and the plan's helper procedures.`
      : `Add ${spec.moved.map((m) => `${spec.target.table}.${m.to}`).join(', ')}, the sync triggers on both tables and the plan's helper procedures.`,
    up: ddlAcross(options, ...(spec.target.create ? [spec.target.create] : [x.lockBoth(), x.addTargetColumns()]), ...x.createHelpers()),
    down: ddlAcross(options, x.lockBoth(), ...x.dropHelpers(), spec.target.create ? explained(['drop-table'], `${spec.target.table} was created by this plan's expand phase, and no v1 code uses it`, `DROP TABLE ${q(spec.target.table)}`) : x.dropTargetColumns()),
    verify: [`SELECT ${qList(spec.moved.map((m) => m.to))} FROM ${q(spec.target.table)} WHERE false`],
  };
  const relax: Migration[] = spec.relax.length
    ? [
        {
          name: 'relax_not_null',
          summary: `Let ${spec.relax.map((c) => `${spec.old.table}.${c.name}`).join(', ')} be NULL: v2 no longer writes ${spec.relax.length > 1 ? 'them' : 'it'} there (the triggers still fill ${spec.relax.length > 1 ? 'them' : 'it'}).`,
          up: ddl(
            options,
            explained(['drop-not-null'], `v1 reads values the triggers keep filling; only v2's own inserts leave them NULL for a moment`, `ALTER TABLE ${q(spec.old.table)} ${spec.relax.map((c) => `ALTER COLUMN ${q(c.name)} DROP NOT NULL`).join(', ')}`),
          ),
          down: single(`CALL ${q(names.obj('restore_not_null'))}()`),
          verify: [],
        },
      ]
    : [];
  const backfill: Migration = {
    name: 'backfill',
    summary: `Copy ${spec.moved.map((m) => m.from.name).join(', ')} of every existing ${spec.old.table} row to ${spec.target.table}, ${options.batchSize} rows per transaction.`,
    up: single(`CALL ${q(names.obj('backfill'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
    down: tx(`DELETE FROM ${q(names.progress)} WHERE step LIKE 'backfill%'`),
    verify: [`SELECT 1 / count(*)::int FROM ${q(names.progress)} WHERE step LIKE 'backfill%' AND finished_at IS NOT NULL`],
  };
  const indexes = spec.newIndexes.map((i) => buildIndexMigration(i.name, spec.target.table, i.columns, i.unique, i.why));
  const checks = x.notNullChecks();
  const constraints: Migration[] = checks.up.length
    ? [{ name: 'constraints_not_valid', summary: `Add NOT NULL checks on ${spec.target.table} as NOT VALID.`, up: ddl(options, ...checks.up), down: ddl(options, ...checks.down), verify: [] }]
    : [];
  const verify: Migration = {
    name: 'verify',
    summary: 'Refuse to continue unless both tables agree on every row; rolling back restores the old side.',
    up: single(`CALL ${q(names.obj('verify'))}()`),
    down: single(`CALL ${q(names.obj('restore'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
    verify: [`CALL ${q(names.obj('verify'))}()`],
  };
  const retire = spec.shape === 'split' ? spec.oldIndexes.map((i) => retireIndexMigration('retire', i, i.columns)) : [];
  // VALIDATE scans the table: before the contract, under SHARE UPDATE EXCLUSIVE (traffic goes on),
  // not inside it, where the tables are locked ACCESS EXCLUSIVE.
  const validate: Migration[] = checks.up.length
    ? [{ name: 'validate', summary: `Validate the NOT NULL checks on ${spec.target.table} (reads and writes continue).`, up: ddl(options, ...x.validateChecks()), down: ddl(options, ...checks.down, ...checks.up), verify: [] }]
    : [];
  const contract: Migration = {
    name: 'contract',
    summary: spec.shape === 'split' ? `Drop ${spec.moved.map((m) => `${spec.old.table}.${m.from.name}`).join(', ')}, the triggers and the helpers.` : `Move ${spec.old.table} to schema ${ARCHIVE_SCHEMA} (out of the application's way, data kept) and drop the triggers and helpers.`,
    up: ddlAcross(options, ...x.contractUp()),
    down: ddlAcross(options, ...x.contractDown()),
    verify: [`SELECT ${qList(spec.moved.map((m) => m.to))} FROM ${q(spec.target.table)} WHERE false`],
  };
  const phases: Phase[] = [
    {
      title: 'Expand',
      goal: `${spec.target.create ? `Create ${spec.target.table}` : `Add the columns to ${spec.target.table}`} and triggers on both tables that mirror every write to the other side.`,
      migrations: [expand, ...relax],
      check: [`SELECT count(*) FROM ${q(spec.target.table)}`],
      rollback: `Drops the triggers, the helpers and ${spec.target.create ? `the table ${spec.target.table}` : 'the new columns'}${spec.relax.length ? ', and restores NOT NULL on the relaxed columns (CHECK NOT VALID, VALIDATE, SET NOT NULL)' : ''}.`,
    },
    {
      title: 'Backfill',
      goal: `Copy every existing row to ${spec.target.table} in keyset batches, then build its indexes and NOT VALID checks.`,
      migrations: [backfill, ...indexes, ...constraints],
      check: [`SELECT step, last_key, rows_done, finished_at FROM ${q(names.progress)}`, ...x.verifyQueries()],
      rollback: 'Drops the new indexes and checks and forgets the backfill progress; the copies stay (identical to the old side) until phase 1 is rolled back.',
    },
    {
      title: 'Contract',
      goal: spec.shape === 'split' ? `Check both tables agree, then drop the moved columns from ${spec.old.table}.` : `Check both tables agree, then move ${spec.old.table} out of the application's schema.`,
      migrations: [verify, ...validate, ...retire, contract],
      check: [`SELECT ${qList(spec.moved.map((m) => m.to))} FROM ${q(spec.target.table)} LIMIT 5`],
      rollback:
        spec.shape === 'split'
          ? `Re-adds the columns to ${spec.old.table} with the triggers, rebuilds their indexes concurrently and refills them from ${spec.target.table} in batches.`
          : `Moves ${spec.old.table} back, re-creates the triggers and re-syncs it from ${spec.target.table} (rows v2 changed since the contract) in batches.`,
    },
  ];
  const deploys: Deploy[] = [
    { beforePhase: 2, action: 'start-v2', text: `Deploy v2 (rolling: v1 and v2 run side by side; the triggers mirror each one's writes to the other's table).` },
    { beforePhase: 2, action: 'retire-v1', text: 'Wait until no v1 instance is left before the contract.' },
  ];
  return { kind: spec.kind, slug: spec.slug, title: spec.title, summary: spec.summary, phases, deploys, apps: spec.apps, verifySql: `${x.verifyQueries().join(';\n\n')};\n`, notes: spec.notes };
}

class CrossSql {
  constructor(readonly spec: CrossSpec, readonly names: PlanNames, readonly options: PlanOptions) {}

  private get o() {
    return this.spec.old;
  }

  private get t() {
    return this.spec.target;
  }

  addTargetColumns(): string {
    return `ALTER TABLE ${q(this.t.table)} ${this.spec.moved.map((m) => `ADD COLUMN ${q(m.to)} ${m.from.type}`).join(', ')}`;
  }

  dropTargetColumns(): string {
    return `ALTER TABLE ${q(this.t.table)} ${this.spec.moved.map((m) => `DROP COLUMN ${q(m.to)}`).join(', ')}`;
  }

  private fn(side: 'old' | 'new'): string {
    return this.names.obj('sync', side === 'old' ? this.o.table : this.t.table);
  }

  createHelpers(): string[] {
    const execute = this.options.pgVersion >= 11 ? 'FUNCTION' : 'PROCEDURE';
    const out = [createProgressTable(this.names)];
    if (this.merging) out.push(this.createdTable(), this.adoptFunction());
    out.push(this.oldSideFunction(), this.newSideFunction());
    out.push(`CREATE TRIGGER ${q(this.fn('old'))} AFTER INSERT OR UPDATE OR DELETE ON ${q(this.o.table)} FOR EACH ROW EXECUTE ${execute} ${q(this.fn('old'))}()`);
    out.push(`CREATE TRIGGER ${q(this.fn('new'))} AFTER INSERT OR UPDATE OR DELETE ON ${q(this.t.table)} FOR EACH ROW EXECUTE ${execute} ${q(this.fn('new'))}()`);
    if (this.merging) out.push(`CREATE TRIGGER ${q(this.adoptName)} BEFORE INSERT ON ${q(this.t.table)} FOR EACH ROW EXECUTE ${execute} ${q(this.adoptName)}()`);
    out.push(this.backfillProcedure(), this.verifyProcedure(), this.freshFunction(), this.restoreProcedure());
    if (this.spec.relax.length) out.push(this.restoreNotNullProcedure());
    return out;
  }

  dropHelpers(): string[] {
    const both = 'the sync triggers on both tables go together, so no write is mirrored one way only';
    const out = [
      explained(['many-tables-locked'], both, `DROP TRIGGER IF EXISTS ${q(this.fn('old'))} ON ${q(this.o.table)}`),
      explained(['many-tables-locked'], both, `DROP TRIGGER IF EXISTS ${q(this.fn('new'))} ON ${q(this.t.table)}`),
      ...(this.merging ? [explained(['many-tables-locked'], both, `DROP TRIGGER IF EXISTS ${q(this.adoptName)} ON ${q(this.t.table)}`), `DROP FUNCTION IF EXISTS ${q(this.adoptName)}()`] : []),
      `DROP FUNCTION IF EXISTS ${q(this.fn('old'))}()`,
      `DROP FUNCTION IF EXISTS ${q(this.fn('new'))}()`,
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('backfill'))}(integer, integer)`,
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('verify'))}()`,
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('restore'))}(integer, integer)`,
      `DROP FUNCTION IF EXISTS ${q(this.freshName)}(${this.t.key.type})`,
    ];
    if (this.spec.relax.length) out.push(`DROP PROCEDURE IF EXISTS ${q(this.names.obj('restore_not_null'))}()`);
    if (this.merging) out.push(explained(['drop-table', 'many-tables-locked'], BOOKKEEPING, `DROP TABLE IF EXISTS ${q(this.createdName)}`));
    out.push(dropProgressTable(this.names));
    return out;
  }

  private get merging(): boolean {
    return this.spec.shape === 'merge';
  }

  /** Keys of target rows the sync created for a source row v1 inserted first (v1 may still insert its own). */
  private get createdName(): string {
    return this.names.obj('created');
  }

  private get adoptName(): string {
    return this.names.obj('adopt', this.t.table);
  }

  private get freshName(): string {
    return this.names.obj('fresh', this.t.table);
  }

  private createdTable(): string {
    return `CREATE TABLE ${q(this.createdName)} (${q(this.t.key.name)} ${this.t.key.type} PRIMARY KEY)`;
  }

  /**
   * v1 may insert the source row before the target row, in one transaction or two: the sync has
   * then already created the target row, and v1's INSERT would fail with a duplicate key. This
   * BEFORE INSERT trigger lets that INSERT take the created row's place (keeping the moved values
   * it does not set), so v1 works in either order. A target row that v1 or v2 wrote itself is
   * never replaced: its INSERT still fails (or takes its ON CONFLICT path) as before the plan.
   */
  private adoptFunction(): string {
    const m = this.spec.moved;
    const k = q(this.t.key.name);
    const body = `${guardCheck(this.names, 'NEW')}
DELETE FROM ${q(this.createdName)} WHERE ${k} = NEW.${k};
IF FOUND THEN
  IF ${m.map((c) => `NEW.${q(c.to)} IS NULL`).join(' AND ')} THEN
    SELECT ${m.map((c) => `t.${q(c.to)}`).join(', ')} INTO ${m.map((c) => `NEW.${q(c.to)}`).join(', ')} FROM ${q(this.t.table)} t WHERE t.${k} = NEW.${k};
  END IF;
${indent(guarded(this.names, `DELETE FROM ${q(this.t.table)} WHERE ${k} = NEW.${k};`))}
END IF;
RETURN NEW;`;
    return `CREATE FUNCTION ${q(this.adoptName)}() RETURNS trigger\nLANGUAGE plpgsql\nAS ${dollar(`BEGIN\n${indent(body)}\nEND;`)}`;
  }

  /**
   * The target's moved values as committed now, not as of the calling statement's snapshot
   * (VOLATILE: in READ COMMITTED each call takes a new snapshot). The restore writes these after
   * it has locked the source row, so a write the application committed meanwhile is not undone.
   */
  private freshFunction(): string {
    const m = this.spec.moved;
    return `CREATE FUNCTION ${q(this.freshName)}(${this.t.key.type}) RETURNS TABLE (${m.map((c) => `${q(c.to)} ${c.from.type}`).join(', ')})
LANGUAGE sql VOLATILE
AS ${dollar(`SELECT ${m.map((c) => `t.${q(c.to)}`).join(', ')} FROM ${q(this.t.table)} t WHERE t.${q(this.t.key.name)} = $1`)}`;
  }

  private upsertTarget(row: string): string {
    const m = this.spec.moved;
    return `INSERT INTO ${q(this.t.table)} (${q(this.t.key.name)}, ${qList(m.map((c) => c.to))})
VALUES (${row}.${q(this.o.key.name)}, ${m.map((c) => `${row}.${q(c.from.name)}`).join(', ')})
ON CONFLICT (${q(this.t.key.name)}) DO UPDATE SET ${m.map((c) => `${q(c.to)} = EXCLUDED.${q(c.to)}`).join(', ')};`;
  }

  private oldSideFunction(): string {
    const m = this.spec.moved;
    const changed = `ROW(${m.map((c) => `NEW.${q(c.from.name)}`).join(', ')}) IS DISTINCT FROM ROW(${m.map((c) => `OLD.${q(c.from.name)}`).join(', ')})`;
    const onDelete =
      this.spec.shape === 'split'
        ? `-- ${this.t.table} rows go with it (ON DELETE CASCADE).\nRETURN NULL;`
        : guarded(this.names, `UPDATE ${q(this.t.table)} SET ${m.map((c) => `${q(c.to)} = NULL`).join(', ')} WHERE ${q(this.t.key.name)} = OLD.${q(this.o.key.name)};`) + '\nRETURN NULL;';
    const body = `${guardCheck(this.names, 'NULL')}
IF TG_OP = 'DELETE' THEN
${indent(onDelete)}
END IF;
IF (TG_OP = 'INSERT' AND NOT (${m.map((c) => `NEW.${q(c.from.name)} IS NULL`).join(' AND ')})) OR (TG_OP = 'UPDATE' AND ${changed}) THEN
  -- v1 wrote ${this.o.table}: mirror it to ${this.t.table}. (A row inserted without any of the
  -- moved values is v2's: it writes ${this.t.table} itself.)
${indent(guarded(this.names, this.merging ? this.upsertTarget('NEW').replace(/;$/, ' RETURNING (xmax = 0) INTO v_created;') : this.upsertTarget('NEW')))}${
      this.merging
        ? `
  IF v_created THEN
    -- No ${this.t.table} row yet: v1 may insert it next, which ${this.adoptName} allows.
    INSERT INTO ${q(this.createdName)} VALUES (NEW.${q(this.o.key.name)}) ON CONFLICT DO NOTHING;
  END IF;`
        : ''
    }
END IF;
RETURN NULL;`;
    const declare = this.merging ? 'DECLARE\n  v_created boolean;\n' : '';
    return `CREATE FUNCTION ${q(this.fn('old'))}() RETURNS trigger\nLANGUAGE plpgsql\nAS ${dollar(`${declare}BEGIN\n${indent(body)}\nEND;`)}`;
  }

  private newSideFunction(): string {
    const m = this.spec.moved;
    const changed = `ROW(${m.map((c) => `NEW.${q(c.to)}`).join(', ')}) IS DISTINCT FROM ROW(${m.map((c) => `OLD.${q(c.to)}`).join(', ')})`;
    const allNull = m.map((c) => `NEW.${q(c.to)} IS NULL`).join(' AND ');
    let write: string;
    let onDelete: string;
    if (this.spec.shape === 'split') {
      write = `UPDATE ${q(this.o.table)} SET ${m.map((c) => `${q(c.from.name)} = NEW.${q(c.to)}`).join(', ')} WHERE ${q(this.o.key.name)} = NEW.${q(this.t.key.name)};`;
      onDelete = `UPDATE ${q(this.o.table)} SET ${m.map((c) => `${q(c.from.name)} = NULL`).join(', ')} WHERE ${q(this.o.key.name)} = OLD.${q(this.t.key.name)};`;
    } else {
      write = `IF ${allNull} THEN
  DELETE FROM ${q(this.o.table)} WHERE ${q(this.o.key.name)} = NEW.${q(this.t.key.name)};
ELSE
  INSERT INTO ${q(this.o.table)} (${q(this.o.key.name)}, ${qList(m.map((c) => c.from.name))})
  VALUES (NEW.${q(this.t.key.name)}, ${m.map((c) => `NEW.${q(c.to)}`).join(', ')})
  ON CONFLICT (${q(this.o.key.name)}) DO UPDATE SET ${m.map((c) => `${q(c.from.name)} = EXCLUDED.${q(c.from.name)}`).join(', ')};
END IF;`;
      onDelete = `DELETE FROM ${q(this.o.table)} WHERE ${q(this.o.key.name)} = OLD.${q(this.t.key.name)};`;
    }
    const adopted = this.merging
      ? `\n-- The application wrote this ${this.t.table} row itself: an INSERT of its key must not replace it.\nDELETE FROM ${q(this.createdName)} WHERE ${q(this.t.key.name)} = (CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END).${q(this.t.key.name)};`
      : '';
    const body = `${guardCheck(this.names, 'NULL')}${adopted}
IF TG_OP = 'DELETE' THEN
${indent(guarded(this.names, onDelete))}
  RETURN NULL;
END IF;
IF TG_OP = 'INSERT' OR ${changed} THEN
  -- v2 wrote ${this.t.table}: mirror it to ${this.o.table}.
${indent(guarded(this.names, write))}
END IF;
RETURN NULL;`;
    return `CREATE FUNCTION ${q(this.fn('new'))}() RETURNS trigger\nLANGUAGE plpgsql\nAS ${dollar(`BEGIN\n${indent(body)}\nEND;`)}`;
  }

  private backfillProcedure(): string {
    const m = this.spec.moved;
    const unfilled = m.map((c) => `${q(this.t.table)}.${q(c.to)} IS NULL`).join(' AND ');
    // Splitting, the new row references the old one: lock the old rows first (KEY SHARE, what the
    // foreign key check takes anyway), so a row the application deletes meanwhile is skipped
    // instead of failing the batch with a foreign key violation.
    const lockRows = this.spec.shape === 'split' ? ' FOR KEY SHARE' : '';
    const batch = `INSERT INTO ${q(this.t.table)} (${q(this.t.key.name)}, ${qList(m.map((c) => c.to))}) SELECT ${q(this.o.key.name)}, ${qList(m.map((c) => c.from.name))} FROM ${q(this.o.table)} WHERE ${keyRange(this.o.key.name, this.o.key.type)}${lockRows} ON CONFLICT (${q(this.t.key.name)}) DO UPDATE SET ${m.map((c) => `${q(c.to)} = EXCLUDED.${q(c.to)}`).join(', ')} WHERE ${unfilled}`;
    return procedure(
      this.names.obj('backfill'),
      BATCH_PARAMS,
      LOOP_VARIABLES,
      batchLoop(this.names, this.options, { step: `backfill_${this.t.table}`, table: this.o.table, pk: this.o.key.name, pkType: this.o.key.type, verb: `Copy to ${this.t.table} the rows of`, batch }),
    );
  }

  /** Rows of the old side whose new row is missing or differs (and, merging, new rows with values and no old row). */
  verifyQueries(): string[] {
    const m = this.spec.moved;
    const o = this.o;
    const t = this.t;
    const differ = `ROW(${m.map((c) => `o.${q(c.from.name)}`).join(', ')}) IS DISTINCT FROM ROW(${m.map((c) => `n.${q(c.to)}`).join(', ')})`;
    // A missing new row is the same as one whose moved values are all NULL.
    const oldEmpty = m.map((c) => `o.${q(c.from.name)} IS NULL`).join(' AND ');
    const out = [
      `-- ${o.table} rows missing from ${t.table} or different there: must be 0\nSELECT count(*) AS mismatched FROM ${q(o.table)} o LEFT JOIN ${q(t.table)} n ON n.${q(t.key.name)} = o.${q(o.key.name)} WHERE (n.${q(t.key.name)} IS NULL AND NOT (${oldEmpty})) OR (n.${q(t.key.name)} IS NOT NULL AND ${differ})`,
    ];
    if (this.spec.shape === 'merge') {
      out.push(
        `-- ${t.table} rows with values but no ${o.table} row: must be 0\nSELECT count(*) AS mismatched FROM ${q(t.table)} n WHERE NOT (${m.map((c) => `n.${q(c.to)} IS NULL`).join(' AND ')}) AND NOT EXISTS (SELECT FROM ${q(o.table)} o WHERE o.${q(o.key.name)} = n.${q(t.key.name)})`,
      );
    }
    return out;
  }

  private verifyProcedure(): string {
    const lines = this.verifyQueries().map((sql) => {
      const query = sql.replace(/^--[^\n]*\n/, '').replace('SELECT count(*) AS mismatched', 'SELECT count(*)');
      return `${query} INTO v_bad;\nv_total := v_total + v_bad;\nRAISE NOTICE '${this.names.slug} verify: % mismatched rows (${sql.split('\n')[0].replace(/^-- /, '').replace(/: must be 0$/, '').replace(/'/g, "''")})', v_bad;`;
    });
    const indexes = indexesValidCheck(this.names.slug, this.spec.newIndexes.map((i) => i.name));
    if (indexes) lines.push(indexes);
    lines.push(`IF v_total > 0 THEN
  RAISE EXCEPTION '${this.names.slug}: % rows differ between ${this.o.table} and ${this.t.table}; rerun the backfill (or fix them) before the contract', v_total;
END IF;`);
    return `CREATE PROCEDURE ${q(this.names.obj('verify'))}()\nLANGUAGE plpgsql\nAS ${dollar(`DECLARE\n  v_bad bigint;\n  v_total bigint := 0;\nBEGIN\n${indent(lines.join('\n'))}\nEND;`)}`;
  }

  /** Rollback of the contract: put the old side's data back from the new side, in batches. */
  private restoreProcedure(): string {
    const m = this.spec.moved;
    const o = this.o;
    const t = this.t;
    const parts: string[] = [];
    if (this.spec.shape === 'split') {
      const empty = m.map((c) => `${q(o.table)}.${q(c.from.name)} IS NULL`).join(' AND ');
      parts.push(
        batchLoop(this.names, this.options, {
          step: `restore_${o.table}`, table: o.table, pk: o.key.name, pkType: o.key.type, verb: `Refill from ${t.table} the moved columns of`,
          // The values come from fresh(), not from the join's snapshot: a row the application
          // changed or emptied in ${t.table} after this statement began is refilled with what it committed.
          batch: `UPDATE ${q(o.table)} SET (${qList(m.map((c) => c.from.name))}) = (SELECT ${m.map((c) => `f.${q(c.to)}`).join(', ')} FROM ${q(this.freshName)}(${q(o.table)}.${q(o.key.name)}) f) FROM ${q(t.table)} n WHERE n.${q(t.key.name)} = ${q(o.table)}.${q(o.key.name)} AND ${keyRange(o.key.name, o.key.type, q(o.table))} AND ${empty}`,
        }),
      );
      // Columns that were NOT NULL before the plan and were not relaxed by its expand phase get
      // NOT NULL back here (the relaxed ones get it back when phase 1 is rolled back).
      for (const c of m.filter((x) => x.from.notNull && !this.spec.relax.some((r) => r.name === x.from.name))) {
        parts.push(setNotNullInProcedure(this.names, this.options, o.table, c.from.name));
      }
      parts.push(...this.restoreConstraints());
    } else {
      const hasValue = `NOT (${m.map((c) => `n.${q(c.to)} IS NULL`).join(' AND ')})`;
      parts.push(
        batchLoop(this.names, this.options, {
          step: `restore_${o.table}`, table: t.table, pk: t.key.name, pkType: t.key.type, verb: `Re-sync ${o.table} from`,
          batch: `WITH upserted AS (INSERT INTO ${q(o.table)} (${q(o.key.name)}, ${qList(m.map((c) => c.from.name))}) SELECT n.${q(t.key.name)}, ${m.map((c) => `n.${q(c.to)}`).join(', ')} FROM ${q(t.table)} n WHERE ${keyRange(t.key.name, t.key.type, 'n')} AND ${hasValue} ON CONFLICT (${q(o.key.name)}) DO UPDATE SET (${qList(m.map((c) => c.from.name))}) = (SELECT ${m.map((c) => `f.${q(c.to)}`).join(', ')} FROM ${q(this.freshName)}(EXCLUDED.${q(o.key.name)}) f) WHERE ROW(${m.map((c) => `${q(o.table)}.${q(c.from.name)}`).join(', ')}) IS DISTINCT FROM (SELECT ROW(${m.map((c) => `f.${q(c.to)}`).join(', ')}) FROM ${q(this.freshName)}(EXCLUDED.${q(o.key.name)}) f) RETURNING 1) DELETE FROM ${q(o.table)} o USING ${q(t.table)} n WHERE n.${q(t.key.name)} = o.${q(o.key.name)} AND ${keyRange(t.key.name, t.key.type, 'n')} AND NOT ${hasValue}`,
        }),
      );
      parts.push(
        batchLoop(this.names, this.options, {
          step: `restore_orphans_${o.table}`, table: o.table, pk: o.key.name, pkType: o.key.type, verb: `Remove rows whose ${t.table} row is gone from`,
          batch: `DELETE FROM ${q(o.table)} o WHERE ${keyRange(o.key.name, o.key.type, 'o')} AND NOT EXISTS (SELECT FROM ${q(t.table)} n WHERE n.${q(t.key.name)} = o.${q(o.key.name)})`,
        }),
      );
      parts.push(this.reconcile());
    }
    return procedure(this.names.obj('restore'), BATCH_PARAMS, LOOP_VARIABLES, parts.join('\n\n'));
  }

  /**
   * The contract's DROP COLUMN took the CHECK and UNIQUE constraints on the moved columns with it.
   * Its rollback re-adds the checks NOT VALID (instantly) and the unique indexes concurrently;
   * once the columns are refilled the checks are validated (SHARE UPDATE EXCLUSIVE: writes go
   * on) and the indexes become constraints again, so the catalog is what it was before the plan.
   */
  private restoreConstraints(): string[] {
    const o = this.o.table;
    const out: string[] = [];
    for (const c of (this.spec.oldChecks ?? []).filter((x) => x.validated)) {
      out.push(`-- ${c.name}: validated again.`, ddlInProcedure(this.options, `ALTER TABLE ${q(o)} VALIDATE CONSTRAINT ${q(c.name)}`, `${constraintExists(o, c.name)} AND NOT ${constraintValid(o, c.name)}`));
    }
    for (const i of this.spec.oldIndexes.filter((x) => x.constraint === 'unique')) {
      const indexThere = `EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass(${lit(q(i.name))}) AND indisvalid)`;
      out.push(`-- ${i.name}: the unique constraint again, over its rebuilt index.`, ddlInProcedure(this.options, `ALTER TABLE ${q(o)} ADD CONSTRAINT ${q(i.name)} UNIQUE USING INDEX ${q(i.name)}`, `NOT ${constraintExists(o, i.name)} AND ${indexThere}`));
    }
    return out;
  }

  /**
   * After the batches: rows an application changed while a batch copied them from an older
   * snapshot (an INSERT that waited for a concurrent delete, say) are synced again from the
   * target's committed values, a few passes until none differ.
   */
  private reconcile(): string {
    const m = this.spec.moved;
    const o = this.o;
    const t = this.t;
    const f = q(this.freshName);
    const differ = `ROW(${m.map((c) => `o.${q(c.from.name)}`).join(', ')}) IS DISTINCT FROM ROW(${m.map((c) => `n.${q(c.to)}`).join(', ')})`;
    const newHas = `NOT (${m.map((c) => `n.${q(c.to)} IS NULL`).join(' AND ')})`;
    const keys = `SELECT n.${q(t.key.name)} AS k FROM ${q(t.table)} n LEFT JOIN ${q(o.table)} o ON o.${q(o.key.name)} = n.${q(t.key.name)} WHERE (o.${q(o.key.name)} IS NULL AND ${newHas}) OR (o.${q(o.key.name)} IS NOT NULL AND ${differ})
UNION SELECT o.${q(o.key.name)} FROM ${q(o.table)} o WHERE NOT EXISTS (SELECT FROM ${q(t.table)} n WHERE n.${q(t.key.name)} = o.${q(o.key.name)} AND ${newHas})`;
    return `-- Rows changed while the batches ran: sync them again from what ${t.table} holds now.
FOR v_pass IN 1..5 LOOP
  PERFORM set_config(${lit(this.names.guard)}, 'on', true);
  CREATE TEMP TABLE IF NOT EXISTS ${q(this.names.obj('resync'))} (k ${t.key.type}) ON COMMIT DROP;
  INSERT INTO ${q(this.names.obj('resync'))} ${keys};
  EXIT WHEN NOT FOUND;
  DELETE FROM ${q(o.table)} o USING ${q(this.names.obj('resync'))} r WHERE o.${q(o.key.name)} = r.k;
  INSERT INTO ${q(o.table)} (${q(o.key.name)}, ${qList(m.map((c) => c.from.name))}) SELECT r.k, ${m.map((c) => `f.${q(c.to)}`).join(', ')} FROM ${q(this.names.obj('resync'))} r CROSS JOIN LATERAL ${f}(r.k) f WHERE NOT (${m.map((c) => `f.${q(c.to)} IS NULL`).join(' AND ')}) ON CONFLICT (${q(o.key.name)}) DO NOTHING;
  COMMIT;
  RAISE NOTICE '${this.names.slug} restore: pass %, rows synced again', v_pass;
END LOOP;
COMMIT;`;
  }

  private restoreNotNullProcedure(): string {
    const body = this.spec.relax.map((c) => setNotNullInProcedure(this.names, this.options, this.o.table, c.name)).join('\n\n');
    return `CREATE PROCEDURE ${q(this.names.obj('restore_not_null'))}()\nLANGUAGE plpgsql\nAS ${dollar(`BEGIN\n${indent(body)}\nEND;`)}`;
  }

  private checkName(c: MovedColumn): string {
    return this.names.obj(this.t.table, c.to, 'not_null');
  }

  notNullChecks(): { up: string[]; down: string[] } {
    const cols = this.spec.moved.filter((c) => c.notNull);
    return {
      up: cols.map((c) => `ALTER TABLE ${q(this.t.table)} ADD CONSTRAINT ${q(this.checkName(c))} CHECK (${q(c.to)} IS NOT NULL) NOT VALID`),
      down: cols.map((c) => `ALTER TABLE ${q(this.t.table)} DROP CONSTRAINT IF EXISTS ${q(this.checkName(c))}`),
    };
  }

  validateChecks(): string[] {
    return this.spec.moved.filter((c) => c.notNull).map((c) => `ALTER TABLE ${q(this.t.table)} VALIDATE CONSTRAINT ${q(this.checkName(c))}`);
  }

  /**
   * Lock both tables up front, in the order the application's joins take them (the table the
   * other references first), retrying with a short lock_timeout. Taking them one statement at a
   * time in the other order deadlocks with every join in flight, which then waits on the
   * migration that waits on it until lock_timeout: under steady join reads it never gets through.
   */
  lockBoth(archived = false): string {
    const old = archived ? `${ARCHIVE_SCHEMA}.${q(this.o.table)}` : q(this.o.table);
    if (this.spec.shape === 'split') return lockTablesInOrder([this.o.table, this.t.table], this.names.slug, undefined, [old, q(this.t.table)]);
    return lockTablesInOrder([this.t.table, this.o.table], this.names.slug, undefined, [q(this.t.table), old]);
  }

  contractUp(): string[] {
    const out: string[] = [this.lockBoth()];
    const cols = this.spec.moved.filter((c) => c.notNull);
    for (const c of cols) out.push(`ALTER TABLE ${q(this.t.table)} ALTER COLUMN ${q(c.to)} SET NOT NULL`, `ALTER TABLE ${q(this.t.table)} DROP CONSTRAINT ${q(this.checkName(c))}`);
    if (this.spec.shape === 'merge') for (const c of this.spec.moved.filter((x) => x.default !== undefined)) out.push(`ALTER TABLE ${q(this.t.table)} ALTER COLUMN ${q(c.to)} SET DEFAULT ${c.default}`);
    out.push(...this.dropHelpers());
    const why = 'v1, the last code that uses it, is retired before this phase (PLAN.md); the verify step proved both tables hold the same data';
    if (this.spec.shape === 'split') {
      out.push(explained(['drop-column'], why, `ALTER TABLE ${q(this.o.table)} ${this.spec.moved.map((c) => `DROP COLUMN ${q(c.from.name)}`).join(', ')}`));
    } else {
      out.push(`CREATE SCHEMA IF NOT EXISTS ${ARCHIVE_SCHEMA}`);
      out.push(explained(['rename-table'], `v1, the last code that uses ${this.o.table}, is retired before this phase (PLAN.md); moving it aside instead of dropping it keeps its data for a rollback`, `ALTER TABLE ${q(this.o.table)} SET SCHEMA ${ARCHIVE_SCHEMA}`));
    }
    return out.map((s) => (/^(ALTER TABLE|DROP TRIGGER)/.test(s.replace(/^(--[^\n]*\n)*/, '')) ? explained(['many-tables-locked'], 'the triggers on both tables must go in the same transaction as the old side, or a write could be mirrored into a half-removed side', s) : s));
  }

  contractDown(): string[] {
    const out: string[] = [this.lockBoth(this.merging)];
    if (this.spec.shape === 'split') {
      out.push(`ALTER TABLE ${q(this.o.table)} ${this.spec.moved.map((c) => `ADD COLUMN ${q(c.from.name)} ${c.from.type}`).join(', ')}`);
      for (const c of this.spec.moved.filter((x) => x.from.default !== undefined)) out.push(`ALTER TABLE ${q(this.o.table)} ALTER COLUMN ${q(c.from.name)} SET DEFAULT ${c.from.default}`);
      // NOT VALID: no scan under this lock; the restore validates them once it has refilled the columns.
      for (const c of this.spec.oldChecks ?? []) out.push(`ALTER TABLE ${q(this.o.table)} ADD CONSTRAINT ${q(c.name)} ${c.definition} NOT VALID`);
    } else {
      out.push(`ALTER TABLE ${ARCHIVE_SCHEMA}.${q(this.o.table)} SET SCHEMA public`);
      for (const c of this.spec.moved.filter((x) => x.default !== undefined)) out.push(`ALTER TABLE ${q(this.t.table)} ALTER COLUMN ${q(c.to)} DROP DEFAULT`);
    }
    out.push(...this.createHelpers());
    for (const c of this.spec.moved.filter((x) => x.notNull)) {
      out.push(`ALTER TABLE ${q(this.t.table)} ALTER COLUMN ${q(c.to)} DROP NOT NULL`);
      out.push(`ALTER TABLE ${q(this.t.table)} ADD CONSTRAINT ${q(this.checkName(c))} CHECK (${q(c.to)} IS NOT NULL) NOT VALID`);
    }
    return out.map((s) => (/^(ALTER TABLE|CREATE TRIGGER)/.test(s.replace(/^(--[^\n]*\n)*/, '')) ? explained(['many-tables-locked'], 'the old side and the triggers on both tables come back together, so no write goes unmirrored', s) : s));
  }
}
