/**
 * Normalization behind a legacy view: one wide table becomes a core table and N part tables (1:1
 * keyed by the core key, or 1:N with history: every change is a new row and the newest is
 * current). A view with the old shape, written through INSTEAD OF triggers, keeps old code
 * working; triggers keep the old table and the new ones identical in both directions until the
 * contract, and after it the old table (moved to the archive schema) keeps receiving every write,
 * so rolling the contract back is a move back and loses nothing.
 */
import type { Migration, Plan, PlanOptions } from '../plan';
import { single, tx } from '../plan';
import type { ColumnSchema, TableSchema } from '../schema';
import { explained } from '../lintPass';
import { dollar, indent, lit, q, qList } from '../sqlText';
import { ARCHIVE_SCHEMA } from './crossTable';
import { BATCH_PARAMS, LOOP_VARIABLES, PlanNames, batchLoop, createProgressTable, ddl, ddlAcross, dropProgressTable, guardCheck, guarded, keyRange, procedure } from './common';

export interface NormalizePart {
  table: string;
  columns: ColumnSchema[];
  /** `one`: at most one row per core row, keyed by the core key. `many`: a history, newest row current. */
  shape: 'one' | 'many';
  /** 1:N only: the part's own key and its reference to the core. */
  id?: string;
  ref?: string;
}

export interface NormalizeSpec {
  slug: string;
  source: TableSchema;
  pk: ColumnSchema;
  core: { table: string; columns: ColumnSchema[] };
  parts: NormalizePart[];
  /** The legacy view's final name; the old table's name means the view takes its place in the contract. */
  view: string;
  /** Simple indexes of the source to re-create on the new tables (they are empty at expand). */
  indexes: Array<{ name: string; table: string; columns: string[]; unique: boolean }>;
  notes: string[];
}

/** Builds the SQL and the plan. */
class NormalizeSql {
  readonly names: PlanNames;
  readonly t: string;
  readonly pk: string;
  /** The view's name until the contract (differs when it takes the old table's name). */
  readonly viewNow: string;

  constructor(readonly s: NormalizeSpec, readonly options: PlanOptions) {
    this.names = new PlanNames(s.slug);
    this.t = s.source.name;
    this.pk = s.pk.name;
    this.viewNow = s.view === this.t ? this.names.obj('legacy') : s.view;
  }

  /** Columns of the old shape, in their order. */
  get columns(): ColumnSchema[] {
    return this.s.source.columns;
  }

  private def(c: ColumnSchema, notNull: boolean): string {
    return `${q(c.name)} ${c.type}${c.default !== undefined ? ` DEFAULT ${c.default}` : ''}${notNull && c.notNull ? ' NOT NULL' : ''}`;
  }

  createTables(): string[] {
    const core = this.s.core;
    const out = [`CREATE TABLE ${q(core.table)} (\n${indent([`${this.def(this.s.pk, true)} PRIMARY KEY`, ...core.columns.map((c) => this.def(c, true))].join(',\n'))}\n)`];
    for (const p of this.s.parts) {
      const cols = p.columns.map((c) => this.def(c, false));
      if (p.shape === 'one') {
        out.push(`CREATE TABLE ${q(p.table)} (\n${indent([`${q(this.pk)} ${this.s.pk.type} PRIMARY KEY REFERENCES ${q(core.table)} (${q(this.pk)}) ON DELETE CASCADE`, ...cols].join(',\n'))}\n)`);
      } else {
        out.push(`CREATE TABLE ${q(p.table)} (\n${indent([`${q(p.id!)} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`, `${q(p.ref!)} ${this.s.pk.type} NOT NULL REFERENCES ${q(core.table)} (${q(this.pk)}) ON DELETE CASCADE`, ...cols, 'recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()'].join(',\n'))}\n)`);
        // The current row of a parent is its newest: the view and the triggers look it up by this index.
        out.push(`CREATE INDEX ${q(this.names.obj(p.table, 'current'))} ON ${q(p.table)} (${q(p.ref!)}, ${q(p.id!)} DESC)`);
      }
    }
    for (const i of this.s.indexes) out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(i.name)} ON ${q(i.table)} (${qList(i.columns)})`);
    return out;
  }

  dropTables(): string[] {
    const tables = [...this.s.parts.map((p) => p.table).reverse(), this.s.core.table];
    const why = `created empty by this plan's expand phase; the old table ${this.t} still holds every row`;
    return tables.map((t) => explained(['drop-table', 'many-tables-locked'], why, `DROP TABLE ${q(t)}`));
  }

  /** `alias.col` for the current values of a part, in the view. */
  private partAlias(i: number): string {
    return `p${i + 1}`;
  }

  /** The old shape computed from the new tables. */
  shapeSelect(): string {
    const core = this.s.core;
    const select = this.columns.map((c) => {
      if (c.name === this.pk || core.columns.some((x) => x.name === c.name)) return `c.${q(c.name)}`;
      const i = this.s.parts.findIndex((p) => p.columns.some((x) => x.name === c.name));
      return `${this.partAlias(i)}.${q(c.name)}`;
    });
    const joins = this.s.parts.map((p, i) =>
      p.shape === 'one'
        ? `LEFT JOIN ${q(p.table)} ${this.partAlias(i)} ON ${this.partAlias(i)}.${q(this.pk)} = c.${q(this.pk)}`
        : `LEFT JOIN LATERAL (SELECT ${qList(p.columns.map((x) => x.name))} FROM ${q(p.table)} h WHERE h.${q(p.ref!)} = c.${q(this.pk)} ORDER BY h.${q(p.id!)} DESC LIMIT 1) ${this.partAlias(i)} ON true`,
    );
    return `SELECT ${select.join(', ')}\nFROM ${q(core.table)} c\n${joins.join('\n')}`;
  }

  /**
   * Until the contract the legacy view is a plain view of the old table (automatically updatable,
   * complete from the first moment), so old code may switch to it at any time.
   */
  createView(): string[] {
    return [
      `CREATE VIEW ${q(this.viewNow)} AS SELECT ${qList(this.columns.map((c) => c.name))} FROM ${q(this.t)}`,
      this.viewTriggerFunction(),
      `COMMENT ON VIEW ${q(this.viewNow)} IS ${lit(`The old shape of ${this.t}, readable and writable; over ${[this.s.core.table, ...this.s.parts.map((p) => p.table)].join(', ')} from the contract on (lockstep plan ${this.s.slug}).`)}`,
    ];
  }

  /** The contract: the view now reads the new tables and writes them through its INSTEAD OF trigger. */
  private viewOverNew(view: string): string[] {
    return [
      `CREATE OR REPLACE VIEW ${q(view)} AS\n${this.shapeSelect()}`,
      // Old code that omits a column gets the old table's default through the view.
      ...this.columns.filter((x) => x.default !== undefined).map((c) => `ALTER VIEW ${q(view)} ALTER COLUMN ${q(c.name)} SET DEFAULT ${c.default}`),
      `CREATE TRIGGER ${q(this.names.obj('legacy_write'))} INSTEAD OF INSERT OR UPDATE OR DELETE ON ${q(view)} FOR EACH ROW EXECUTE FUNCTION ${q(this.names.obj('legacy_write'))}()`,
    ];
  }

  private viewOverOld(view: string): string[] {
    return [
      `DROP TRIGGER ${q(this.names.obj('legacy_write'))} ON ${q(view)}`,
      ...this.columns.filter((x) => x.default !== undefined).map((c) => `ALTER VIEW ${q(view)} ALTER COLUMN ${q(c.name)} DROP DEFAULT`),
      `CREATE OR REPLACE VIEW ${q(view)} AS SELECT ${qList(this.columns.map((c) => c.name))} FROM ${q(this.t)}`,
    ];
  }

  dropView(): string[] {
    return [`DROP VIEW IF EXISTS ${q(this.viewNow)}`, `DROP FUNCTION IF EXISTS ${q(this.names.obj('legacy_write'))}()`];
  }

  private allNull(row: string, cols: ColumnSchema[]): string {
    return cols.map((c) => `${row}.${q(c.name)} IS NULL`).join(' AND ');
  }

  /** Write one row's values (`row`.col) to the core and part tables: INSERT, UPDATE or DELETE. */
  private writeNew(row: string, op: 'upsert' | 'delete'): string {
    const core = this.s.core;
    if (op === 'delete') return `DELETE FROM ${q(core.table)} WHERE ${q(this.pk)} = ${row}.${q(this.pk)};`;
    const coreCols = [this.pk, ...core.columns.map((c) => c.name)];
    const lines = [
      `INSERT INTO ${q(core.table)} (${qList(coreCols)}) VALUES (${coreCols.map((c) => `${row}.${q(c)}`).join(', ')})
  ON CONFLICT (${q(this.pk)}) DO UPDATE SET ${core.columns.length ? core.columns.map((c) => `${q(c.name)} = EXCLUDED.${q(c.name)}`).join(', ') : `${q(this.pk)} = EXCLUDED.${q(this.pk)}`};`,
    ];
    for (const p of this.s.parts) {
      const cols = p.columns.map((c) => c.name);
      if (p.shape === 'one') {
        lines.push(`IF ${this.allNull(row, p.columns)} THEN
  DELETE FROM ${q(p.table)} WHERE ${q(this.pk)} = ${row}.${q(this.pk)};
ELSE
  INSERT INTO ${q(p.table)} (${qList([this.pk, ...cols])}) VALUES (${[this.pk, ...cols].map((c) => `${row}.${q(c)}`).join(', ')})
    ON CONFLICT (${q(this.pk)}) DO UPDATE SET ${cols.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')};
END IF;`);
      } else {
        // History: a new row only when the values change (the newest row is the current one).
        lines.push(`IF ROW(${cols.map((c) => `${row}.${q(c)}`).join(', ')}) IS DISTINCT FROM (SELECT ROW(${qList(cols)}) FROM ${q(p.table)} WHERE ${q(p.ref!)} = ${row}.${q(this.pk)} ORDER BY ${q(p.id!)} DESC LIMIT 1)
   AND NOT (${this.allNull(row, p.columns)} AND NOT EXISTS (SELECT FROM ${q(p.table)} WHERE ${q(p.ref!)} = ${row}.${q(this.pk)})) THEN
  INSERT INTO ${q(p.table)} (${qList([p.ref!, ...cols])}) VALUES (${[this.pk, ...cols].map((c) => `${row}.${q(c)}`).join(', ')});
END IF;`);
      }
    }
    return lines.join('\n');
  }

  private viewTriggerFunction(): string {
    const pkDefault = this.s.pk.default;
    return `CREATE FUNCTION ${q(this.names.obj('legacy_write'))}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`BEGIN
  IF TG_OP = 'DELETE' THEN
${indent(this.writeNew('OLD', 'delete'), '    ')}
    RETURN OLD;
  END IF;${pkDefault ? `\n  IF NEW.${q(this.pk)} IS NULL THEN\n    NEW.${q(this.pk)} := ${pkDefault};\n  END IF;` : ''}
  IF TG_OP = 'UPDATE' AND NEW.${q(this.pk)} IS DISTINCT FROM OLD.${q(this.pk)} THEN
    RAISE EXCEPTION 'the key of ${this.t} cannot change through the legacy view';
  END IF;
${indent(this.writeNew('NEW', 'upsert'), '  ')}
  RETURN NEW;
END;`)}`;
  }

  /** Old table → new tables (v1 writing the old table before the contract). */
  private forwardFunction(): string {
    return `CREATE FUNCTION ${q(this.names.obj('sync_old'))}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`BEGIN
${indent(guardCheck(this.names, 'NULL'))}
  IF TG_OP = 'DELETE' THEN
${indent(guarded(this.names, this.writeNew('OLD', 'delete')), '    ')}
  ELSE
${indent(guarded(this.names, this.writeNew('NEW', 'upsert')), '    ')}
  END IF;
  RETURN NULL;
END;`)}`;
  }

  /** `old` is how the old table is named: unqualified before the contract, in the archive schema after it. */
  private backFunction(old: string): string {
    const core = this.s.core;
    const cols = this.columns.map((c) => c.name);
    // Whatever changed, the old table's row becomes the view's row for that key (or goes).
    const keyColumn = `CASE TG_TABLE_NAME ${[`WHEN ${lit(core.table)} THEN ${lit(this.pk)}`, ...this.s.parts.map((p) => `WHEN ${lit(p.table)} THEN ${lit(p.shape === 'one' ? this.pk : p.ref!)}`)].join(' ')} END`;
    return `CREATE OR REPLACE FUNCTION ${q(this.names.obj('sync_new'))}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  k ${this.s.pk.type};
BEGIN
${indent(guardCheck(this.names, 'NULL'))}
  IF TG_OP = 'DELETE' THEN
    k := (to_jsonb(OLD) ->> ${keyColumn})::${this.s.pk.type};
  ELSE
    k := (to_jsonb(NEW) ->> ${keyColumn})::${this.s.pk.type};
  END IF;
  PERFORM set_config(${lit(this.names.guard)}, 'on', true);
  IF EXISTS (SELECT FROM ${q(core.table)} WHERE ${q(this.pk)} = k) THEN
    INSERT INTO ${old} (${qList(cols)}) SELECT ${qList(cols)} FROM (${this.shapeSelect().replace(/\n/g, ' ')}) AS v WHERE ${q(this.pk)} = k
      ON CONFLICT (${q(this.pk)}) DO UPDATE SET ${cols.filter((c) => c !== this.pk).map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')};
  ELSE
    DELETE FROM ${old} WHERE ${q(this.pk)} = k;
  END IF;
  PERFORM set_config(${lit(this.names.guard)}, '', true);
  RETURN NULL;
END;`)}`;
  }

  createSync(): string[] {
    const out = [this.forwardFunction(), `CREATE TRIGGER ${q(this.names.obj('sync_old'))} AFTER INSERT OR UPDATE OR DELETE ON ${q(this.t)} FOR EACH ROW EXECUTE FUNCTION ${q(this.names.obj('sync_old'))}()`, this.backFunction(q(this.t))];
    for (const table of [this.s.core.table, ...this.s.parts.map((p) => p.table)]) {
      out.push(`CREATE TRIGGER ${q(this.names.obj('sync_new'))} AFTER INSERT OR UPDATE OR DELETE ON ${q(table)} FOR EACH ROW EXECUTE FUNCTION ${q(this.names.obj('sync_new'))}()`);
    }
    return out;
  }

  /** Before the new tables are dropped: the old table's trigger (the new tables' triggers go with their tables). */
  dropSyncOld(): string[] {
    return [`DROP TRIGGER IF EXISTS ${q(this.names.obj('sync_old'))} ON ${q(this.t)}`, `DROP FUNCTION IF EXISTS ${q(this.names.obj('sync_old'))}()`];
  }

  dropSyncNewFunction(): string {
    return `DROP FUNCTION IF EXISTS ${q(this.names.obj('sync_new'))}()`;
  }

  /** The batch: copy one key range of the old table, its rows locked so a concurrent delete cannot leave an orphan. */
  private backfillBatch(): string {
    const core = this.s.core;
    const coreCols = [this.pk, ...core.columns.map((c) => c.name)];
    const ctes = [`src AS (SELECT * FROM ${q(this.t)} WHERE ${keyRange(this.pk, this.s.pk.type)} FOR SHARE)`, `c AS (INSERT INTO ${q(core.table)} (${qList(coreCols)}) SELECT ${qList(coreCols)} FROM src ON CONFLICT (${q(this.pk)}) DO NOTHING)`];
    this.s.parts.forEach((p, i) => {
      const cols = p.columns.map((c) => c.name);
      const some = `NOT (${p.columns.map((c) => `src.${q(c.name)} IS NULL`).join(' AND ')})`;
      ctes.push(
        p.shape === 'one'
          ? `p${i} AS (INSERT INTO ${q(p.table)} (${qList([this.pk, ...cols])}) SELECT ${qList([this.pk, ...cols])} FROM src WHERE ${some} ON CONFLICT (${q(this.pk)}) DO NOTHING)`
          : `p${i} AS (INSERT INTO ${q(p.table)} (${qList([p.ref!, ...cols])}) SELECT src.${q(this.pk)}, ${cols.map((c) => `src.${q(c)}`).join(', ')} FROM src WHERE ${some} AND NOT EXISTS (SELECT FROM ${q(p.table)} h WHERE h.${q(p.ref!)} = src.${q(this.pk)}))`,
      );
    });
    return `WITH ${ctes.join(',\n')}\nSELECT count(*) FROM src`;
  }

  backfillProcedure(): string {
    const loop = batchLoop(this.names, this.options, { step: 'backfill', table: this.t, pk: this.pk, pkType: this.s.pk.type, verb: `Copy into ${[this.s.core.table, ...this.s.parts.map((p) => p.table)].join(', ')}`, batch: this.backfillBatch() });
    return procedure(this.names.obj('backfill'), BATCH_PARAMS, LOOP_VARIABLES, loop);
  }

  /** Rows where the old table and the view differ (in one snapshot: the triggers are synchronous). */
  /** Rows where the old table and the new tables differ (in one snapshot: the triggers are synchronous). */
  mismatchQuery(old = q(this.t), shape = `(${this.shapeSelect()})`): string {
    const cols = this.columns.map((c) => c.name);
    return `SELECT count(*) AS mismatched, (SELECT count(*) FROM ${old}) AS old_rows, (SELECT count(*) FROM ${q(this.s.core.table)}) AS new_rows
FROM ${old} o FULL JOIN ${shape} v ON v.${q(this.pk)} = o.${q(this.pk)}
WHERE ROW(${cols.map((c) => `o.${q(c)}`).join(', ')}) IS DISTINCT FROM ROW(${cols.map((c) => `v.${q(c)}`).join(', ')})`;
  }

  verifyProcedure(): string {
    return `CREATE PROCEDURE ${q(this.names.obj('verify'))}()
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  v_bad bigint;
  v_old bigint;
  v_view bigint;
BEGIN
  SELECT * INTO v_bad, v_old, v_view FROM (${this.mismatchQuery()}) AS m;
  RAISE NOTICE '${this.s.slug} verify: % rows in ${this.t}, % in ${this.s.core.table}, % differ', v_old, v_view, v_bad;
  IF v_bad > 0 THEN
    RAISE EXCEPTION '${this.s.slug}: % rows differ between ${this.t} and the new tables; rerun the backfill (or fix them) before the contract', v_bad;
  END IF;
END;`)}`;
  }

  dropProcedures(): string[] {
    return [`DROP PROCEDURE IF EXISTS ${q(this.names.obj('backfill'))}(integer, integer)`, `DROP PROCEDURE IF EXISTS ${q(this.names.obj('verify'))}()`];
  }

  /**
   * The legacy view, the new tables, then the old table: the order a write through the view or by
   * v2 takes them. The new tables must be locked too: a write to them waiting for the lock then
   * runs the re-pointed trigger function, not the one that still names the moved table.
   */
  private lockAll(view: string, old: string): string {
    return `LOCK TABLE ${[q(view), q(this.s.core.table), ...this.s.parts.map((p) => q(p.table)), old].join(', ')} IN ACCESS EXCLUSIVE MODE`;
  }

  contractUp(): string[] {
    const archived = `${ARCHIVE_SCHEMA}.${q(this.t)}`;
    const why = `old code reads and writes ${this.s.view} from now on; the old table keeps every row in ${ARCHIVE_SCHEMA} and stays in sync, so rolling back is a move back`;
    const seq = this.s.pk.default?.match(/nextval\('([^']+)'/)?.[1]?.replace(/::regclass$/, '');
    return [
      this.lockAll(this.viewNow, q(this.t)),
      `DROP TRIGGER ${q(this.names.obj('sync_old'))} ON ${q(this.t)}`,
      ...this.viewOverNew(this.viewNow),
      `CREATE SCHEMA IF NOT EXISTS ${ARCHIVE_SCHEMA}`,
      ...(seq ? [`ALTER SEQUENCE ${seq.replace(/"/g, '')} OWNED BY ${q(this.s.core.table)}.${q(this.pk)}`] : []),
      explained(['rename-table'], why, `ALTER TABLE ${q(this.t)} SET SCHEMA ${ARCHIVE_SCHEMA}`),
      // The back-sync now names the archived table (a view may take the old name right below).
      this.backFunction(archived),
      ...(this.viewNow !== this.s.view ? [`ALTER VIEW ${q(this.viewNow)} RENAME TO ${q(this.s.view)}`] : []),
    ].map((sql) => explained(['many-tables-locked'], 'the old table, its view and the new tables must change in one transaction; catalog changes only (milliseconds)', sql));
  }

  contractDown(): string[] {
    const seq = this.s.pk.default?.match(/nextval\('([^']+)'/)?.[1]?.replace(/::regclass$/, '');
    return [
      this.lockAll(this.s.view, `${ARCHIVE_SCHEMA}.${q(this.t)}`),
      ...(this.viewNow !== this.s.view ? [`ALTER VIEW ${q(this.s.view)} RENAME TO ${q(this.viewNow)}`] : []),
      `ALTER TABLE ${ARCHIVE_SCHEMA}.${q(this.t)} SET SCHEMA public`,
      ...(seq ? [`ALTER SEQUENCE ${seq.replace(/"/g, '')} OWNED BY ${q(this.t)}.${q(this.pk)}`] : []),
      this.backFunction(q(this.t)),
      ...this.viewOverOld(this.viewNow),
      this.forwardFunction().replace(/^CREATE FUNCTION/, 'CREATE OR REPLACE FUNCTION'),
      `CREATE TRIGGER ${q(this.names.obj('sync_old'))} AFTER INSERT OR UPDATE OR DELETE ON ${q(this.t)} FOR EACH ROW EXECUTE FUNCTION ${q(this.names.obj('sync_old'))}()`,
    ].map((sql) => explained(['many-tables-locked'], 'the old table, its view and the new tables must change back in one transaction; catalog changes only (milliseconds)', sql));
  }
}

export function normalizePlan(spec: NormalizeSpec, options: PlanOptions, title: string, summary: string): Plan {
  const n = new NormalizeSql(spec, options);
  const names = n.names;
  const t = spec.source.name;
  const newTables = [spec.core.table, ...spec.parts.map((p) => p.table)];
  const expand: Migration = {
    name: 'expand',
    summary: `Create ${newTables.join(', ')}, the legacy view ${n.viewNow} (over ${t} until the contract), and the triggers that keep ${t} and the new tables identical.`,
    up: ddl(options, createProgressTable(names), ...n.createTables(), ...n.createView(), ...n.createSync(), n.backfillProcedure(), n.verifyProcedure()),
    down: ddlAcross(
      options,
      ...[...n.dropProcedures(), ...n.dropSyncOld(), ...n.dropView(), ...n.dropTables(), n.dropSyncNewFunction(), dropProgressTable(names)].map((sql) =>
        explained(['many-tables-locked'], `undoes this plan's expand in one transaction: ${t} loses its trigger, the rest was created by the plan`, sql),
      ),
    ),
    verify: [`SELECT ${qList(spec.source.columns.map((c) => c.name))} FROM ${q(n.viewNow)} WHERE false`],
  };
  const backfill: Migration = {
    name: 'backfill',
    summary: `Copy every row of ${t} into ${newTables.join(', ')}, ${options.batchSize} rows per transaction.`,
    up: single(`CALL ${q(names.obj('backfill'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
    down: tx(`DELETE FROM ${q(names.progress)} WHERE step = 'backfill'`),
    verify: [`SELECT 1 / count(*)::int FROM ${q(names.progress)} WHERE step = 'backfill' AND finished_at IS NOT NULL`],
  };
  const verify: Migration = {
    name: 'verify',
    summary: `Refuse to continue unless ${t} and the new tables hold the same rows.`,
    up: single(`CALL ${q(names.obj('verify'))}()`),
    down: single(`SELECT ${lit('verify only reads')} AS nothing_to_do`),
    verify: [`CALL ${q(names.obj('verify'))}()`],
  };
  const contract: Migration = {
    name: 'contract',
    summary: `Switch the legacy view to the new tables (INSTEAD OF trigger for writes) and move ${t} to ${ARCHIVE_SCHEMA}, still kept in sync${n.viewNow !== spec.view ? `; the view takes the name ${spec.view}` : ''}.`,
    up: ddlAcross(options, ...n.contractUp()),
    down: ddlAcross(options, ...n.contractDown()),
    verify: [`SELECT 1 / (count(*) = 0)::int FROM pg_tables WHERE schemaname = 'public' AND tablename = ${lit(t)}`],
  };
  const archived = `${ARCHIVE_SCHEMA}.${q(t)}`;
  const flag = spec.view === t ? '' : ` (a feature flag that switches its table name from ${t} to ${spec.view} is enough: same columns, same behaviour)`;
  return {
    kind: 'normalize',
    slug: spec.slug,
    title,
    summary,
    phases: [
      {
        title: 'Expand',
        goal: `Create the new tables (empty, so their indexes are built at once), the legacy view ${n.viewNow} (a plain view of ${t} until the contract, so old code can switch to it at once) and the triggers that keep ${t} and the new tables identical whichever is written.`,
        migrations: [expand],
        check: [`SELECT * FROM ${q(n.viewNow)} LIMIT 5`],
        rollback: `Drops the view, the triggers, the helpers and the new tables. ${t} was never changed.`,
      },
      {
        title: 'Backfill',
        goal: `Copy every existing row of ${t} into the new tables in keyset batches; each batch locks its rows of ${t} (FOR SHARE) so a concurrent delete cannot leave an orphan.`,
        migrations: [backfill],
        check: [`SELECT step, last_key, rows_done, finished_at FROM ${q(names.progress)}`, n.mismatchQuery()],
        rollback: 'Forgets the backfill progress; the copied rows stay until the expand is rolled back.',
      },
      {
        title: 'Contract',
        goal: `Check that ${t} and the new tables agree on every row, then in one short transaction point the legacy view at the new tables (writes go through its INSTEAD OF trigger) and move ${t} to ${ARCHIVE_SCHEMA}${n.viewNow !== spec.view ? `; the view takes the name ${spec.view}` : ''}. The new tables keep ${archived} up to date, so a rollback is a move back with nothing lost.`,
        migrations: [verify, contract],
        check: [n.mismatchQuery(archived, q(spec.view))],
        rollback: `Moves ${t} back, points the view at it again and re-creates its trigger${n.viewNow !== spec.view ? `; the view gets back its transition name ${n.viewNow}` : ''}. ${t} is complete because the new tables kept it in sync.`,
      },
    ],
    deploys: [
      { beforePhase: 2, action: 'start-v2', text: `Deploy v2 behind a feature flag: it reads and writes ${newTables.join(', ')}. The triggers keep ${t} complete, so turning the flag off (back to v1) is safe at any point.` },
      ...(spec.view === t
        ? []
        : [{ beforePhase: 2, action: 'start-v2' as const, text: `Point the old code at ${spec.view} instead of ${t}${flag}; it must not use ${t} after the contract. The view exists from the expand on and is complete at once (a plain view of ${t} until the contract).` }]),
    ],
    apps: {
      v1: { reads: spec.view === t ? `${t} (the table, then the view that takes its name)` : `${t}, then ${spec.view}`, writes: spec.view === t ? `${t} (INSERT/UPDATE/DELETE; through the view after the contract)` : `${t}, then ${spec.view} (INSTEAD OF trigger)` },
      v2: { reads: newTables.join(', '), writes: newTables.join(', ') },
    },
    verifySql: `-- ${t} against the new tables (in its old shape): mismatched must be 0 before the contract\n${n.mismatchQuery()};\n`,
    notes: [
      ...spec.notes,
      `The old table is never dropped by a migration: after the contract it is ${archived}, and the triggers on the new tables keep writing it (that is what makes the contract roll back without a copy). Once you are sure, run \`DROP TRIGGER ${names.obj('sync_new')} ON …\` on ${newTables.join(', ')}, \`DROP FUNCTION ${names.obj('sync_new')}()\` and \`DROP TABLE ${archived}\` yourself: the one irreversible step, deliberately not a migration.`,
      `Writes through the view cannot use INSERT … ON CONFLICT, and TRUNCATE ${spec.view} is not possible; code that does must move to the new tables first.`,
    ],
  };
}
