/**
 * The SQL of a same-table remap plan: the columns, conversion functions and sync triggers, the
 * backfill, verify and restore procedures, the NOT VALID constraints, and the contract with its
 * rollback.
 */
import type { PlanOptions } from '../plan';
import { explained } from '../lintPass';
import { dollar, indent, lit, q, qList } from '../sqlText';
import {
  BATCH_PARAMS, LOOP_VARIABLES, PlanNames, batchLoop, constraintExists, constraintValid, createProgressTable, ddlInProcedure, dropProgressTable,
  guardCheck, indexesValidCheck, keyRange, procedure, setNotNullInProcedure,
} from './common';
import { accuracyGate, accuracyQuery, dropReviewProcedure, reviewProcedure } from './accuracy';
import type { MirroredForeignKey, NewColumn, OldColumn, RemapSpec, RemapTable } from './remap';

/** The SQL text of a remap plan. */
export class RemapSql {
  constructor(readonly spec: RemapSpec, readonly names: PlanNames, readonly options: PlanOptions) {}

  newColumnList(): string {
    return this.spec.tables.flatMap((t) => t.newColumns.map((c) => `${t.table.name}.${c.name}`)).join(', ');
  }

  private fwdName(t: RemapTable, c: NewColumn): string {
    return this.names.obj('fwd', t.table.name, c.name);
  }

  private revName(t: RemapTable, c: OldColumn): string {
    return this.names.obj('rev', t.table.name, c.column.name);
  }

  private syncName(t: RemapTable): string {
    return this.names.obj('sync', t.table.name);
  }

  private isColumn(t: RemapTable, expr: string): boolean {
    return /^[a-z_][a-z0-9_]*$/.test(expr) && (t.table.columns.some((c) => c.name === expr) || t.newColumns.some((c) => c.name === expr));
  }

  /** The value of `expr` for row `row` (NEW, or the table name for a whole-row reference). */
  private value(t: RemapTable, expr: string, fn: string, row: string): string {
    if (this.isColumn(t, expr)) return row === 'NEW' ? `NEW.${q(expr)}` : q(expr);
    return `${q(fn)}(${row === 'NEW' ? 'NEW' : q(row)})`;
  }

  private fwd(t: RemapTable, c: NewColumn, row: string): string {
    return this.value(t, c.fwd, this.fwdName(t, c), row);
  }

  private rev(t: RemapTable, c: OldColumn, row: string): string {
    const renamed = t.revNames?.[c.rev!];
    if (renamed) return row === 'NEW' ? `NEW.${q(renamed)}` : q(renamed);
    if (t.revNames) return `${q(this.revName(t, c))}(${row === 'NEW' ? 'NEW' : q(row)})`;
    return this.value(t, c.rev!, this.revName(t, c), row);
  }

  private needsRevFunction(t: RemapTable, c: OldColumn): boolean {
    if (t.revNames) return !t.revNames[c.rev!];
    return !this.isColumn(t, c.rev!);
  }

  /** What a reverse expression sees as columns: the row, or (swap mode) the new columns under their final names. */
  private revProjection(t: RemapTable): string | undefined {
    if (!t.revNames) return undefined;
    return Object.entries(t.revNames).map(([final, temp]) => `($1).${q(temp)} AS ${q(final)}`).join(', ');
  }

  private restorable(t: RemapTable): OldColumn[] {
    return t.oldColumns.filter((c) => c.rev !== undefined);
  }

  /**
   * Swap mode keeps the old columns through the contract, under a temporary name and kept in
   * sync by a trigger, so rolling the swap back is a rename in one short transaction: no moment
   * where the application finds the old columns empty. A last phase drops them.
   */
  get keepsOld(): boolean {
    return this.spec.mode === 'swap' && this.spec.tables.some((t) => this.restorable(t).length);
  }

  /** The temporary name of an old column between the swap and the last phase. */
  keptName(t: RemapTable, c: OldColumn): string {
    return this.names.obj(t.table.name, c.column.name, 'old');
  }

  private keepFnName(t: RemapTable, c: OldColumn): string {
    return this.names.obj('keep', t.table.name, c.column.name);
  }

  private keepTriggerName(t: RemapTable): string {
    return this.names.obj('keep', t.table.name);
  }

  /** Bookkeeping of the last phase's rollback (its own progress table: the plan's is gone by then). */
  get keepNames(): PlanNames {
    return new PlanNames(`${this.names.slug}_old`);
  }

  /** Tables whose old columns the swap keeps. */
  keptTables(): RemapTable[] {
    return this.keepsOld ? this.spec.tables.filter((t) => this.restorable(t).length) : [];
  }

  /** After the swap: the kept column's value from the row (under the final names), NULL where the old type cannot hold it. */
  createKeep(t: RemapTable): string[] {
    const out: string[] = [];
    for (const c of this.restorable(t)) {
      out.push(`CREATE FUNCTION ${q(this.keepFnName(t, c))}(p_row ${q(t.table.name)}) RETURNS ${c.column.type}
LANGUAGE plpgsql STABLE
AS ${dollar(`BEGIN
  RETURN (SELECT (${c.rev})::${c.column.type} FROM (SELECT (p_row).*) AS r0);
EXCEPTION WHEN data_exception THEN
  -- A value only the new type can hold (v2 may write it): the old column cannot; a rollback's
  -- restore reports the row.
  RETURN NULL;
END;`)}`);
    }
    const sets = this.restorable(t).map((c) => `NEW.${q(this.keptName(t, c))} := ${q(this.keepFnName(t, c))}(NEW);`).join('\n');
    out.push(`CREATE FUNCTION ${q(this.keepTriggerName(t))}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`BEGIN
  -- Until the last phase drops them, the old columns follow every write (a rollback of the swap only renames).
${indent(sets)}
  RETURN NEW;
END;`)}`);
    const execute = this.options.pgVersion >= 11 ? 'FUNCTION' : 'PROCEDURE';
    out.push(`CREATE TRIGGER ${q(this.keepTriggerName(t))} BEFORE INSERT OR UPDATE ON ${q(t.table.name)} FOR EACH ROW EXECUTE ${execute} ${q(this.keepTriggerName(t))}()`);
    return out;
  }

  dropKeep(t: RemapTable): string[] {
    return [
      `DROP TRIGGER IF EXISTS ${q(this.keepTriggerName(t))} ON ${q(t.table.name)}`,
      `DROP FUNCTION IF EXISTS ${q(this.keepTriggerName(t))}()`,
      ...this.restorable(t).map((c) => `DROP FUNCTION IF EXISTS ${q(this.keepFnName(t, c))}(${q(t.table.name)})`),
    ];
  }

  /** The key a batch loop walks after the swap (the primary key may have its new type by then). */
  private keyAfterSwap(t: RemapTable): { name: string; type: string } {
    return { name: t.pk.name, type: t.newColumns.find((n) => n.finalName === t.pk.name)?.type ?? t.pk.type };
  }

  /** Rollback of the last phase: refill the re-added old columns from the new ones, in batches. */
  refillKeptProcedure(): string {
    const names = this.keepNames;
    const loops = this.keptTables().map((t) => {
      const key = this.keyAfterSwap(t);
      const sets = this.restorable(t).map((c) => `${q(this.keptName(t, c))} = ${q(this.keepFnName(t, c))}(${q(t.table.name)})`).join(', ');
      const empty = this.restorable(t).map((c) => `${q(this.keptName(t, c))} IS NULL`).join(' AND ');
      return batchLoop(names, this.options, {
        step: `refill_${t.table.name}`,
        table: t.table.name,
        pk: key.name,
        pkType: key.type,
        verb: 'Refill the kept old columns of',
        batch: `UPDATE ${q(t.table.name)} SET ${sets} WHERE ${keyRange(key.name, key.type)} AND ${empty}`,
      });
    });
    return procedure(names.obj('refill'), BATCH_PARAMS, LOOP_VARIABLES, loops.join('\n\n'));
  }

  /** The refill of the last phase's rollback, and its progress table: from the swap until the last phase. */
  private createRefillKept(): string[] {
    return this.keepsOld ? [createProgressTable(this.keepNames), this.refillKeptProcedure()] : [];
  }

  private dropRefillKept(): string[] {
    return this.keepsOld ? [`DROP PROCEDURE IF EXISTS ${q(this.keepNames.obj('refill'))}(integer, integer)`, dropProgressTable(this.keepNames)] : [];
  }

  /** The last phase, per table: drop the kept old columns (first table: and the refill's helpers); its rollback puts them back. */
  dropKept(t: RemapTable, first: boolean): { up: string[]; down: string[] } {
    const kept = this.restorable(t);
    const shared = first ? { up: this.dropRefillKept(), down: this.createRefillKept() } : { up: [], down: [] };
    return {
      up: [
        ...this.dropKeep(t),
        ...shared.up,
        explained(['drop-column'], `the old values, kept under a temporary name since the swap only so that rolling it back is a rename; no application uses this name`, `ALTER TABLE ${q(t.table.name)} ${kept.map((c) => `DROP COLUMN ${q(this.keptName(t, c))}`).join(', ')}`),
      ],
      down: [`ALTER TABLE ${q(t.table.name)} ${kept.map((c) => `ADD COLUMN ${q(this.keptName(t, c))} ${c.column.type}`).join(', ')}`, ...shared.down, ...this.createKeep(t)],
    };
  }

  addNewColumns(t: RemapTable): string[] {
    return [`ALTER TABLE ${q(t.table.name)} ${t.newColumns.map((c) => `ADD COLUMN ${q(c.name)} ${c.type}`).join(', ')}`];
  }

  dropNewColumns(t: RemapTable): string[] {
    return [`ALTER TABLE ${q(t.table.name)} ${t.newColumns.map((c) => `DROP COLUMN ${q(c.name)}`).join(', ')}`];
  }

  /** The progress table and the procedures (expand, and the contract's rollback). */
  createShared(): string[] {
    const review = this.spec.accuracyCheck ? [reviewProcedure(this.names, this.spec.accuracyCheck)] : [];
    return [createProgressTable(this.names), this.backfillProcedure(), this.verifyProcedure(), this.restoreProcedure(), ...review];
  }

  dropShared(): string[] {
    return [
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('backfill'))}(integer, integer)`,
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('verify'))}()`,
      `DROP PROCEDURE IF EXISTS ${q(this.names.obj('restore'))}(integer, integer)`,
      ...(this.spec.accuracyCheck ? [dropReviewProcedure(this.names)] : []),
      dropProgressTable(this.names),
    ];
  }

  /** One table's conversion functions and sync trigger. */
  createSync(t: RemapTable): string[] {
    const out: string[] = [];
    for (const c of t.newColumns) if (!this.isColumn(t, c.fwd)) out.push(this.rowFunction(this.fwdName(t, c), t.table.name, c.type, c.fwd, undefined, c.mode === 'generated'));
    for (const c of this.restorable(t)) if (this.needsRevFunction(t, c)) out.push(this.rowFunction(this.revName(t, c), t.table.name, c.column.type, c.rev!, this.revProjection(t)));
    out.push(this.syncFunction(t));
    const execute = this.options.pgVersion >= 11 ? 'FUNCTION' : 'PROCEDURE';
    out.push(`CREATE TRIGGER ${q(this.syncName(t))} BEFORE INSERT OR UPDATE ON ${q(t.table.name)} FOR EACH ROW EXECUTE ${execute} ${q(this.syncName(t))}()`);
    return out;
  }

  dropSync(t: RemapTable): string[] {
    const out = [`DROP TRIGGER IF EXISTS ${q(this.syncName(t))} ON ${q(t.table.name)}`, `DROP FUNCTION IF EXISTS ${q(this.syncName(t))}()`];
    for (const c of t.newColumns) if (!this.isColumn(t, c.fwd)) out.push(`DROP FUNCTION IF EXISTS ${q(this.fwdName(t, c))}(${q(t.table.name)})`);
    for (const c of this.restorable(t)) if (this.needsRevFunction(t, c)) out.push(`DROP FUNCTION IF EXISTS ${q(this.revName(t, c))}(${q(t.table.name)})`);
    return out;
  }

  /** `fn(row)`: the user's expression evaluated over one row of the table. */
  private rowFunction(name: string, table: string, type: string, expr: string, projection = '($1).*', volatile = false): string {
    // STABLE: a lookup in another table (a parent's new key) reads the calling statement's
    // snapshot. VOLATILE would take a new one per row, so a verify scanning the table while the
    // application deletes parents (and, cascading, their children) would compare rows of one
    // snapshot with parents of a later one and report false mismatches.
    return `CREATE FUNCTION ${q(name)}(${q(table)}) RETURNS ${type}
LANGUAGE sql ${volatile ? 'VOLATILE' : 'STABLE'}
AS ${dollar(`SELECT (${expr})::${type} FROM (SELECT ${projection}) AS r0`)}`;
  }

  private syncFunction(t: RemapTable): string {
    const derived = t.newColumns.filter((c) => c.mode !== 'generated');
    const generated = t.newColumns.filter((c) => c.mode === 'generated');
    const restorable = this.restorable(t);
    const allNull = (row: string, cols: string[]) => cols.map((c) => `${row}.${q(c)} IS NULL`).join(' AND ');
    const changed = (cols: string[]) => `ROW(${cols.map((c) => `NEW.${q(c)}`).join(', ')}) IS DISTINCT FROM ROW(${cols.map((c) => `OLD.${q(c)}`).join(', ')})`;
    const setNew = derived.map((c) => `NEW.${q(c.name)} := ${this.fwd(t, c, 'NEW')};`).join('\n');
    const setOld = restorable.map((c) => `NEW.${q(c.column.name)} := ${this.rev(t, c, 'NEW')};`).join('\n');
    const fill = generated.map((c) => `IF NEW.${q(c.name)} IS NULL THEN\n  NEW.${q(c.name)} := ${this.fwd(t, c, 'NEW')};\nEND IF;`).join('\n');
    const derivedNames = derived.map((c) => c.name);
    const oldNames = t.oldColumns.map((c) => c.column.name);
    const lines: string[] = [guardCheck(this.names, 'NEW')];
    if (derived.length) {
      const fwdOnlyIfNull = derived.every((c) => c.mode === 'filled');
      lines.push(`IF TG_OP = 'INSERT' THEN
  -- v1 leaves the new columns NULL: derive them. v2 sets them: derive the old ones.
  IF ${allNull('NEW', derivedNames)} THEN
${indent(setNew, '    ')}${setOld ? `\n  ELSE\n${indent(setOld, '    ')}` : ''}
  END IF;${setOld ? `
ELSIF ${changed(derivedNames)} THEN
  -- v2 changed the new columns.
${indent(setOld)}` : ''}
ELSIF ${fwdOnlyIfNull || !oldNames.length ? allNull('NEW', derivedNames) : `${changed(oldNames)} OR (${allNull('NEW', derivedNames)})`} THEN
  -- v1 changed the old columns (or the row was never filled).
${indent(setNew)}
END IF;`);
    }
    if (fill) lines.push(fill);
    lines.push('RETURN NEW;');
    return `CREATE FUNCTION ${q(this.syncName(t))}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`BEGIN\n${indent(lines.join('\n'))}\nEND;`)}`;
  }

  private backfillProcedure(): string {
    const steps = this.spec.tables.map((t) => {
      const sets = t.newColumns.map((c) => `${q(c.name)} = ${this.fwd(t, c, t.table.name)}`).join(', ');
      const unfilled = t.newColumns.map((c) => `${q(c.name)} IS NULL`).join(' AND ');
      return batchLoop(this.names, this.options, {
        step: `backfill_${t.table.name}`,
        table: t.table.name,
        pk: t.pk.name,
        pkType: t.pk.type,
        verb: 'Fill the new columns of',
        batch: `UPDATE ${q(t.table.name)} SET ${sets} WHERE ${keyRange(t.pk.name, t.pk.type)} AND ${unfilled}`,
      });
    });
    return procedure(this.names.obj('backfill'), BATCH_PARAMS, LOOP_VARIABLES, steps.join('\n\n'));
  }

  /** Per table: rows where neither direction holds, and rows where both do (exact round trips). */
  private predicates(t: RemapTable): { consistent: string; exact: string } {
    const derived = t.newColumns.filter((c) => c.mode === 'derived');
    const others = t.newColumns.filter((c) => c.mode !== 'derived');
    const restorable = this.restorable(t);
    const row = t.table.name;
    const fwdHolds = derived.length
      ? `ROW(${derived.map((c) => q(c.name)).join(', ')}) IS NOT DISTINCT FROM ROW(${derived.map((c) => this.fwd(t, c, row)).join(', ')})`
      : 'true';
    const revHolds = restorable.length
      ? `ROW(${restorable.map((c) => q(c.column.name)).join(', ')}) IS NOT DISTINCT FROM ROW(${restorable.map((c) => this.rev(t, c, row)).join(', ')})`
      : fwdHolds;
    const filled = others.map((c) => `${q(c.name)} IS NOT NULL`);
    // Only real conditions: a plan with nothing derived (add-not-null-column) checks just the fill.
    const either = !derived.length && !restorable.length ? [] : [fwdHolds === revHolds ? fwdHolds : `(${fwdHolds} OR ${revHolds})`];
    const both = [...new Set([fwdHolds, revHolds])].filter((c) => c !== 'true');
    const consistent = [...either, ...filled].join(' AND ') || 'true';
    return { consistent, exact: [...both, ...filled].join(' AND ') || 'true' };
  }

  verifyQueries(): string[] {
    return this.spec.tables.map((t) => {
      const { consistent, exact } = this.predicates(t);
      const accuracy = this.spec.accuracy ? `,\n       round(100.0 * count(*) FILTER (WHERE ${exact}) / greatest(count(*), 1), 2) AS exact_round_trip_percent` : '';
      return `-- ${t.table.name}: mismatched must be 0 before the contract\nSELECT count(*) FILTER (WHERE NOT (${consistent})) AS mismatched,\n       count(*) AS total${accuracy}\nFROM ${q(t.table.name)}`;
    }).concat(this.spec.accuracyCheck ? [accuracyQuery(this.spec.accuracyCheck)] : []);
  }

  private verifyProcedure(): string {
    const body = this.spec.tables.map((t) => {
      const { consistent, exact } = this.predicates(t);
      const accuracy = this.spec.accuracy
        ? `\nRAISE NOTICE '${this.names.slug} verify ${t.table.name}: % %% of % rows round-trip exactly (the split is lossless for them)', CASE WHEN v_rows > 0 THEN round(100.0 * v_exact / v_rows, 2) ELSE 100 END, v_rows;`
        : '';
      return `SELECT count(*) FILTER (WHERE NOT (${consistent})), count(*) FILTER (WHERE ${exact}), count(*)
  INTO v_bad, v_exact, v_rows FROM ${q(t.table.name)};
RAISE NOTICE '${this.names.slug} verify ${t.table.name}: % mismatched rows of %', v_bad, v_rows;${accuracy}
v_total := v_total + v_bad;`;
    });
    if (this.spec.accuracyCheck) body.push(accuracyGate(this.names, this.spec.accuracyCheck));
    const indexes = indexesValidCheck(this.names.slug, this.spec.newIndexes.map((i) => i.name));
    if (indexes) body.push(indexes);
    body.push(`IF v_total > 0 THEN
  RAISE EXCEPTION '${this.names.slug}: % rows differ between the old and the new columns; rerun the backfill (or fix them) before the contract', v_total;
END IF;`);
    return `CREATE PROCEDURE ${q(this.names.obj('verify'))}()
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  v_bad bigint;
  v_exact bigint;
  v_rows bigint;
  v_total bigint := 0;${this.spec.accuracyCheck?.minAccuracy !== undefined ? '\n  v_accuracy numeric;' : ''}
BEGIN
${indent(body.join('\n'))}
END;`)}`;
  }

  /** Rollback of the contract: refill the old columns, then give back their NOT NULL, keys and foreign keys. */
  private restoreProcedure(): string {
    const parts: string[] = [];
    for (const t of this.spec.tables) {
      const restorable = this.restorable(t);
      if (!restorable.length) continue;
      const sets = restorable.map((c) => `${q(c.column.name)} = ${this.rev(t, c, t.table.name)}`).join(', ');
      const empty = restorable.map((c) => `${q(c.column.name)} IS NULL`).join(' AND ');
      // When the key itself is being restored it is empty now: walk its replacement instead.
      const replaced = restorable.some((c) => c.column.name === t.pk.name);
      const key = replaced ? t.newColumns.find((n) => n.mode === 'derived' && n.fwd === t.pk.name) : undefined;
      const walk = key ? { name: key.name, type: key.type } : t.pk;
      parts.push(
        batchLoop(this.names, this.options, {
          step: `restore_${t.table.name}`,
          table: t.table.name,
          pk: walk.name,
          pkType: walk.type,
          verb: 'Refill the old columns of',
          batch: `UPDATE ${q(t.table.name)} SET ${sets} WHERE ${keyRange(walk.name, walk.type)} AND ${empty}`,
        }),
      );
      for (const c of restorable) if (c.column.notNull) parts.push(setNotNullInProcedure(this.names, this.options, t.table.name, c.column.name));
    }
    for (const idx of this.spec.oldIndexes.filter((i) => i.constraint)) {
      const kind = idx.constraint === 'primary' ? 'PRIMARY KEY' : 'UNIQUE';
      parts.push(`-- ${idx.name} back as the ${kind} constraint, on the index the rollback rebuilt.`);
      parts.push(ddlInProcedure(this.options, `ALTER TABLE ${q(idx.table)} ADD CONSTRAINT ${q(idx.name)} ${kind} USING INDEX ${q(idx.name)}`, `NOT ${constraintExists(idx.table, idx.name)}`));
    }
    for (const fk of this.spec.foreignKeys.filter((f) => f.old)) {
      const old = fk.old!;
      parts.push(`-- Foreign key ${old.name} back: NOT VALID first, then VALIDATE (writes continue).`);
      parts.push(ddlInProcedure(this.options, `ALTER TABLE ${q(old.table)} ADD CONSTRAINT ${q(old.name)} FOREIGN KEY (${qList(old.columns)}) REFERENCES ${q(old.refTable)} (${qList(old.refColumns)})${old.actions ? ` ${old.actions}` : ''} NOT VALID`, `NOT ${constraintExists(old.table, old.name)}`, old.refTable !== old.table));
      if (old.validated) parts.push(ddlInProcedure(this.options, `ALTER TABLE ${q(old.table)} VALIDATE CONSTRAINT ${q(old.name)}`, `NOT ${constraintValid(old.table, old.name)}`));
    }
    if (!parts.length) parts.push(`RAISE NOTICE '${this.names.slug}: nothing to restore';`);
    return procedure(this.names.obj('restore'), BATCH_PARAMS, LOOP_VARIABLES, parts.join('\n\n'));
  }

  /** Per table (so each gets its own transaction): NOT NULL checks and foreign keys, NOT VALID. */
  notValidConstraints(): Array<{ table: string; up: string[]; down: string[]; names: string[]; crossTable: boolean }> {
    const byTable = new Map<string, { table: string; up: string[]; down: string[]; names: string[]; crossTable: boolean }>();
    const of = (table: string) => {
      let e = byTable.get(table);
      if (!e) byTable.set(table, (e = { table, up: [], down: [], names: [], crossTable: false }));
      return e;
    };
    for (const t of this.spec.tables) {
      for (const c of t.newColumns.filter((x) => x.notNull)) {
        const name = this.checkName(t, c);
        const e = of(t.table.name);
        e.up.push(`ALTER TABLE ${q(t.table.name)} ADD CONSTRAINT ${q(name)} CHECK (${q(c.name)} IS NOT NULL) NOT VALID`);
        e.down.unshift(`ALTER TABLE ${q(t.table.name)} DROP CONSTRAINT IF EXISTS ${q(name)}`);
        e.names.push(name);
      }
    }
    for (const fk of this.spec.foreignKeys) {
      const e = of(fk.table);
      e.crossTable ||= fk.refTable !== fk.table;
      e.up.push(this.addForeignKey(fk, fk.name, fk.columns, fk.refColumns));
      e.down.unshift(`ALTER TABLE ${q(fk.table)} DROP CONSTRAINT IF EXISTS ${q(fk.name)}`);
      e.names.push(fk.name);
    }
    return [...byTable.values()];
  }

  private checkName(t: RemapTable, c: NewColumn): string {
    return this.names.obj(t.table.name, c.name, 'not_null');
  }

  private addForeignKey(fk: MirroredForeignKey, name: string, columns: string[], refColumns: string[]): string {
    const indexed = !fk.old || this.spec.tables.some((t) => t.table.name === fk.old!.table && t.table.indexes.some((i) => i.columns[0] === fk.old!.columns[0]));
    const statement = this.foreignKeySql(fk, name, columns, refColumns);
    return indexed ? statement : explained(['foreign-key-needs-index'], `${fk.old!.table}.${fk.old!.columns.join(', ')} has no index either; the plan keeps the schema as it was (add one concurrently if deletes from ${fk.refTable} are slow)`, statement);
  }

  private foreignKeySql(fk: MirroredForeignKey, name: string, columns: string[], refColumns: string[]): string {
    return `ALTER TABLE ${q(fk.table)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${qList(columns)}) REFERENCES ${q(fk.refTable)} (${qList(refColumns)})${fk.actions ? ` ${fk.actions}` : ''} NOT VALID`;
  }

  private finalOf(table: string, column: string): string {
    const t = this.spec.tables.find((x) => x.table.name === table);
    return t?.newColumns.find((c) => c.name === column)?.finalName ?? column;
  }

  contractUp(): string[] {
    const s = this.spec;
    const out: string[] = [];
    for (const t of s.tables) for (const c of t.newColumns.filter((x) => x.notNull)) out.push(`ALTER TABLE ${q(t.table.name)} VALIDATE CONSTRAINT ${q(this.checkName(t, c))}`);
    for (const fk of s.foreignKeys) out.push(`ALTER TABLE ${q(fk.table)} VALIDATE CONSTRAINT ${q(fk.name)}`);
    // Views first, after the validations (which let readers through): a reader locks the view,
    // then the table, and so does this transaction.
    out.push(...(s.views?.contract ?? []));
    out.push(...this.lockInAppOrder());
    for (const t of s.tables) {
      for (const c of t.newColumns.filter((x) => x.notNull)) {
        out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(c.name)} SET NOT NULL`, `ALTER TABLE ${q(t.table.name)} DROP CONSTRAINT ${q(this.checkName(t, c))}`);
      }
    }
    for (const fk of s.foreignKeys.filter((f) => f.old)) out.push(`ALTER TABLE ${q(fk.old!.table)} DROP CONSTRAINT ${q(fk.old!.name)}`);
    if (s.dropPrimaryKey) out.push(`ALTER TABLE ${q(s.dropPrimaryKey.table)} DROP CONSTRAINT ${q(s.dropPrimaryKey.name)}`);
    for (const i of s.newIndexes.filter((x) => x.becomes?.kind === 'primary')) {
      out.push(`ALTER TABLE ${q(i.table)} ADD CONSTRAINT ${q(i.becomes!.name)} PRIMARY KEY USING INDEX ${q(i.name)}`);
    }
    for (const m of s.sequences) {
      if (m.toType) out.push(`ALTER SEQUENCE ${q(m.sequence)} AS ${m.toType}`);
      out.push(`ALTER SEQUENCE ${q(m.sequence)} OWNED BY ${q(m.to.table)}.${q(m.to.column)}`);
    }
    for (const t of s.tables) {
      for (const c of t.newColumns.filter((x) => x.default !== undefined)) out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(c.name)} SET DEFAULT ${c.default}`);
    }
    out.push(...s.tables.flatMap((t) => this.dropSync(t)), ...this.dropShared());
    for (const t of s.tables) {
      const drop = this.restorable(t);
      if (!drop.length) continue;
      if (this.keepsOld) {
        // The old columns step aside (a trigger keeps them in sync until the last phase drops them).
        for (const i of s.oldIndexes.filter((x) => x.constraint === 'unique' && x.table === t.table.name)) out.push(`ALTER TABLE ${q(t.table.name)} DROP CONSTRAINT ${q(i.name)}`);
        for (const c of drop) {
          out.push(explained(['rename-column'], `the new column takes the name ${c.column.name} in this same transaction, so code that uses it keeps working; the verify step proved both agree`, `ALTER TABLE ${q(t.table.name)} RENAME COLUMN ${q(c.column.name)} TO ${q(this.keptName(t, c))}`));
          if (c.column.default !== undefined) out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(this.keptName(t, c))} DROP DEFAULT`);
          if (c.column.notNull) out.push(explained(['drop-not-null'], `no application writes this column any more (the trigger does, NULL where the old type cannot hold the new value); rolling the swap back gives ${c.column.name} its NOT NULL back`, `ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(this.keptName(t, c))} DROP NOT NULL`));
        }
        continue;
      }
      const why =
        s.mode === 'swap'
          ? `the new column takes this name in this same transaction, so code that uses ${drop.map((c) => c.column.name).join(', ')} keeps working; the verify step proved both agree`
          : `v1, the last code that uses ${drop.map((c) => c.column.name).join(', ')}, is retired before this phase (PLAN.md); the verify step proved the new columns hold the same data`;
      out.push(explained(['drop-column'], why, `ALTER TABLE ${q(t.table.name)} ${drop.map((c) => `DROP COLUMN ${q(c.column.name)}`).join(', ')}`));
    }
    for (const i of s.newIndexes.filter((x) => x.becomes?.kind === 'unique')) {
      out.push(`ALTER TABLE ${q(i.table)} ADD CONSTRAINT ${q(i.becomes!.name)} UNIQUE USING INDEX ${q(i.name)}`);
    }
    for (const t of s.tables) {
      for (const c of t.newColumns.filter((x) => x.finalName)) {
        out.push(explained(['rename-column'], `${c.finalName} was ${this.keepsOld ? 'renamed' : 'dropped'} just above in this transaction; code that uses ${c.finalName} now reads the same values in the new type`, `ALTER TABLE ${q(t.table.name)} RENAME COLUMN ${q(c.name)} TO ${q(c.finalName!)}`));
      }
    }
    for (const i of s.newIndexes.filter((x) => !x.becomes && x.finalName)) out.push(`ALTER INDEX ${q(i.name)} RENAME TO ${q(i.finalName!)}`);
    for (const fk of s.foreignKeys.filter((f) => f.finalName)) out.push(`ALTER TABLE ${q(fk.table)} RENAME CONSTRAINT ${q(fk.name)} TO ${q(fk.finalName!)}`);
    // After the renames: the kept columns' trigger reads the row under its final names.
    for (const t of this.keptTables()) out.push(...this.createKeep(t));
    out.push(...this.createRefillKept());
    return this.atomicAcrossTables(out);
  }

  /** Does the contract lock more than one existing table? */
  get acrossTables(): boolean {
    return this.lockInAppOrder().length > 0 || this.spec.foreignKeys.some((f) => f.refTable !== f.table);
  }

  /**
   * Several tables: lock them all up front, referencing tables before the referenced one, the
   * order an application's INSERT into a child takes them (child, then the parent for the foreign
   * key check). Locking them one by one as the ALTERs come could deadlock with such a write.
   */
  private lockInAppOrder(): string[] {
    const tables = [...new Set([...this.spec.foreignKeys.map((f) => f.table), ...this.spec.tables.map((t) => t.table.name)])];
    const parents = new Set(this.spec.foreignKeys.map((f) => f.refTable));
    const ordered = [...tables.filter((t) => !parents.has(t)), ...tables.filter((t) => parents.has(t))];
    return ordered.length > 1 ? [`LOCK TABLE ${ordered.map(q).join(', ')} IN ACCESS EXCLUSIVE MODE`] : [];
  }

  contractDown(): string[] {
    const s = this.spec;
    // The procedures and the (new) progress table lock no application table: created before the locks are taken, so they are held for less.
    const out: string[] = [...this.createShared(), ...this.lockInAppOrder(), ...this.keptTables().flatMap((t) => this.dropKeep(t)), ...this.dropRefillKept()];
    for (const fk of s.foreignKeys.filter((f) => f.finalName)) out.push(`ALTER TABLE ${q(fk.table)} RENAME CONSTRAINT ${q(fk.finalName!)} TO ${q(fk.name)}`);
    for (const i of s.newIndexes.filter((x) => !x.becomes && x.finalName)) out.push(`ALTER INDEX ${q(i.finalName!)} RENAME TO ${q(i.name)}`);
    for (const t of s.tables) {
      for (const c of t.newColumns.filter((x) => x.finalName)) out.push(`ALTER TABLE ${q(t.table.name)} RENAME COLUMN ${q(c.finalName!)} TO ${q(c.name)}`);
    }
    // The constraints made from the new indexes go; the rollback step that ran just before rebuilt those indexes.
    for (const fk of s.foreignKeys) out.push(`ALTER TABLE ${q(fk.table)} DROP CONSTRAINT ${q(fk.name)}`);
    for (const i of s.newIndexes.filter((x) => x.becomes)) out.push(`ALTER TABLE ${q(i.table)} DROP CONSTRAINT ${q(i.becomes!.name)}`);
    for (const t of s.tables) {
      const back = this.restorable(t);
      // Kept columns get their names back, with every value (a NULL only where the old type cannot hold the new value: the restore reports it).
      if (back.length && this.keepsOld) for (const c of back) out.push(`ALTER TABLE ${q(t.table.name)} RENAME COLUMN ${q(this.keptName(t, c))} TO ${q(c.column.name)}`);
      else if (back.length) out.push(`ALTER TABLE ${q(t.table.name)} ${back.map((c) => `ADD COLUMN ${q(c.column.name)} ${c.column.type}`).join(', ')}`);
      for (const c of back.filter((x) => x.column.default !== undefined)) out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(c.column.name)} SET DEFAULT ${c.column.default}`);
      for (const c of t.newColumns.filter((x) => x.default !== undefined)) out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(c.name)} DROP DEFAULT`);
    }
    for (const m of s.sequences) {
      out.push(`ALTER SEQUENCE ${q(m.sequence)} OWNED BY ${q(m.from.table)}.${q(m.from.column)}`);
      if (m.fromType) out.push(`ALTER SEQUENCE ${q(m.sequence)} AS ${m.fromType}`);
    }
    out.push(...s.tables.flatMap((t) => this.createSync(t)));
    for (const t of s.tables) {
      for (const c of t.newColumns.filter((x) => x.notNull)) {
        out.push(`ALTER TABLE ${q(t.table.name)} ALTER COLUMN ${q(c.name)} DROP NOT NULL`);
        out.push(`ALTER TABLE ${q(t.table.name)} ADD CONSTRAINT ${q(this.checkName(t, c))} CHECK (${q(c.name)} IS NOT NULL) NOT VALID`);
      }
    }
    for (const fk of s.foreignKeys) out.push(this.addForeignKey(fk, fk.name, fk.columns, fk.refColumns));
    return this.atomicAcrossTables(out);
  }

  /**
   * The contract moves keys and foreign keys between tables, which must happen atomically: every
   * ALTER in it may be where the second table gets locked (unneeded ignores are pruned after linting).
   */
  private atomicAcrossTables(statements: string[]): string[] {
    if (this.spec.tables.length < 2 && !this.spec.foreignKeys.some((f) => f.table !== this.spec.tables[0]?.table.name)) return statements;
    const why = 'the key and its foreign keys must move in one transaction; each table is locked for catalog changes only (milliseconds)';
    return statements.map((sql) => (/^(ALTER TABLE|DROP TRIGGER|LOCK TABLE)/.test(sql.replace(/^(--[^\n]*\n)*/, '')) ? explained(['many-tables-locked'], why, sql) : sql));
  }

  contractVerify(): string[] {
    const out: string[] = [];
    for (const t of this.spec.tables) {
      for (const c of this.restorable(t)) {
        out.push(`SELECT 1 / (count(*) = 0)::int FROM pg_attribute WHERE attrelid = ${lit(q(t.table.name))}::regclass AND attname = ${lit(c.column.name)} AND NOT attisdropped${
          t.newColumns.some((n) => n.finalName === c.column.name) ? ` AND atttypid <> ${lit(t.newColumns.find((n) => n.finalName === c.column.name)!.type)}::regtype` : ''
        }`);
      }
      for (const c of t.newColumns) out.push(`SELECT ${q(this.finalOf(t.table.name, c.name))} FROM ${q(t.table.name)} WHERE false`);
    }
    return out;
  }
}
