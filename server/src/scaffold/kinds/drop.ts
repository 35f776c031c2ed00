/**
 * Kind 10: drop a column or a table safely. Code stops using it first; the data is kept so every
 * phase can roll back: a column is archived (copied in batches, kept in sync by a trigger until
 * the drop), a table is moved out of the application's schema. Dropping the archive for good is
 * left to a human.
 */
import type { Migration, Plan } from '../plan';
import { ScaffoldError, single, tx } from '../plan';
import { dependencyNotes } from '../dependencies';
import { rewriteDependentViews, viewRewriteNotes } from '../viewRewrite';
import { ARCHIVE_SCHEMA } from '../engines/crossTable';
import {
  BATCH_PARAMS, LOOP_VARIABLES, PlanNames, batchLoop, createProgressTable, ddl, ddlAcross, dropProgressTable, guardCheck, keyRange, noOp, procedure,
  retireIndexMigration, setNotNullInProcedure,
} from '../engines/common';
import { explained } from '../lintPass';
import { referencesTo } from '../schema';
import { dollar, indent, lit, q, qList } from '../sqlText';
import { arg, columnOf, indexesOn, optionalArg, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

/** A harmless value of the column's type, for rows that will never be read. */
function placeholderFor(type: string): string {
  if (/^(text|varchar|bpchar|citext)/.test(type)) return "''";
  if (/^(int|float|numeric|real|double|serial|money)/.test(type)) return '0';
  if (type === 'bool') return 'false';
  if (/^(timestamp|date)/.test(type)) return "'epoch'";
  if (type === 'uuid') return "'00000000-0000-0000-0000-000000000000'";
  if (/^jsonb?$/.test(type)) return "'{}'";
  throw new ScaffoldError(`${type} has no obvious placeholder: give --placeholder (a default for rows v2 inserts without the column)`);
}

export const dropColumn: PlanKind = {
  id: 'drop-column',
  number: 10,
  title: 'Drop a column safely',
  description: 'Relax it so code can stop writing it, archive its values (trigger + batched copy), then drop it; rolling back refills it from the archive.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table that has the column' },
    { name: 'column', label: 'Column to drop', type: 'column', of: 'table', required: true, help: 'the column' },
    { name: 'placeholder', label: 'Value for rows v2 inserts', type: 'expression', required: false, help: "a NOT NULL column without a default gets this default while v2 stops writing it (default: '' / 0 / false / epoch by type)" },
  ],
  build(args, schema, options): Plan {
    const table = tableOf(schema, arg(args, 'table'));
    const col = columnOf(table, arg(args, 'column'));
    const pk = singleKey(table);
    if (pk.name === col.name) throw new ScaffoldError(`${col.name} is the primary key of ${table.name}`);
    const inbound = referencesTo(schema, table.name).filter((f) => f.refColumns.includes(col.name));
    if (inbound.length) throw new ScaffoldError(`${inbound.map((f) => `${f.table}.${f.name}`).join(', ')} reference ${table.name}.${col.name}: drop those foreign keys first`);
    const outbound = table.foreignKeys.filter((f) => f.columns.includes(col.name));
    if (outbound.length) throw new ScaffoldError(`${outbound.map((f) => f.name).join(', ')} use${outbound.length > 1 ? '' : 's'} ${col.name}: drop ${outbound.length > 1 ? 'them' : 'it'} first`);
    const names = new PlanNames(planSlug(args, 'drop', table.name, col.name));
    const archive = names.obj('archive');
    const trigger = names.obj('archive_sync');
    const execute = options.pgVersion >= 11 ? 'FUNCTION' : 'PROCEDURE';
    // v2 stops writing the column; if it is NOT NULL without a default, inserts would fail. A
    // placeholder default keeps NOT NULL (so every rollback stays valid) at no cost: no rewrite.
    const placeholder = col.notNull && col.default === undefined ? (optionalArg(args, 'placeholder') ?? placeholderFor(col.type)) : undefined;
    const syncFn = `CREATE FUNCTION ${q(trigger)}() RETURNS trigger
LANGUAGE plpgsql
AS ${dollar(`BEGIN
${indent(guardCheck(names, 'NULL'))}
  -- Keep the archive equal to the column until it is dropped.
  INSERT INTO ${q(archive)} (${q(pk.name)}, ${q(col.name)}) VALUES (NEW.${q(pk.name)}, NEW.${q(col.name)})
  ON CONFLICT (${q(pk.name)}) DO UPDATE SET ${q(col.name)} = EXCLUDED.${q(col.name)};
  RETURN NULL;
END;`)}`;
    const archiveBatch = `INSERT INTO ${q(archive)} (${q(pk.name)}, ${q(col.name)}) SELECT ${q(pk.name)}, ${q(col.name)} FROM ${q(table.name)} WHERE ${keyRange(pk.name, pk.type)} ON CONFLICT (${q(pk.name)}) DO NOTHING`;
    const helpers = [
      createProgressTable(names),
      syncFn,
      `CREATE TRIGGER ${q(trigger)} AFTER INSERT OR UPDATE OF ${q(col.name)} ON ${q(table.name)} FOR EACH ROW EXECUTE ${execute} ${q(trigger)}()`,
      procedure(
        names.obj('backfill'),
        BATCH_PARAMS,
        LOOP_VARIABLES,
        batchLoop(names, options, {
          step: 'backfill_archive', table: table.name, pk: pk.name, pkType: pk.type, verb: `Archive ${col.name} of`,
          batch: archiveBatch,
        }),
      ),
      `CREATE PROCEDURE ${q(names.obj('verify'))}()
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  v_bad bigint;
BEGIN
  SELECT count(*) INTO v_bad FROM ${q(table.name)} t LEFT JOIN ${q(archive)} a USING (${q(pk.name)}) WHERE a.${q(pk.name)} IS NULL OR a.${q(col.name)} IS DISTINCT FROM t.${q(col.name)};
  RAISE NOTICE '${names.slug} verify: % rows of ${table.name} missing from the archive or different there', v_bad;
  IF v_bad > 0 THEN
    RAISE EXCEPTION '${names.slug}: % rows are not archived yet; rerun the backfill before dropping ${col.name}', v_bad;
  END IF;
END;`)}`,
      procedure(
        names.obj('restore'),
        BATCH_PARAMS,
        LOOP_VARIABLES,
        [
          batchLoop(names, options, {
            step: 'restore_column', table: table.name, pk: pk.name, pkType: pk.type, verb: `Refill ${col.name} from the archive for`,
            // Rows inserted after the drop were never archived: they get the placeholder (or stay NULL).
            batch: `UPDATE ${q(table.name)} t SET ${q(col.name)} = ${placeholder ? 'coalesce(' : ''}(SELECT a.${q(col.name)} FROM ${q(archive)} a WHERE a.${q(pk.name)} = t.${q(pk.name)})${placeholder ? `, ${placeholder})` : ''} WHERE ${keyRange(pk.name, pk.type, 't')} AND t.${q(col.name)} IS NULL`,
          }),
          // Rows inserted while the column was gone have no archive row yet: archive them too, so
          // the plan's verify passes again and the contract can be re-applied.
          batchLoop(names, options, { step: 'restore_archive', table: table.name, pk: pk.name, pkType: pk.type, verb: `Archive ${col.name} of`, batch: archiveBatch }),
          ...(col.notNull ? [setNotNullInProcedure(names, options, table.name, col.name)] : []),
        ].join('\n\n'),
      ),
    ];
    const dropHelpers = [
      `DROP TRIGGER IF EXISTS ${q(trigger)} ON ${q(table.name)}`,
      `DROP FUNCTION IF EXISTS ${q(trigger)}()`,
      `DROP PROCEDURE IF EXISTS ${q(names.obj('backfill'))}(integer, integer)`,
      `DROP PROCEDURE IF EXISTS ${q(names.obj('verify'))}()`,
      `DROP PROCEDURE IF EXISTS ${q(names.obj('restore'))}(integer, integer)`,
      dropProgressTable(names),
    ];
    const viewChange = { action: 'drop-column' as const, table: table.name, column: col.name, archive, key: pk.name };
    const views = rewriteDependentViews(schema.dependents, viewChange);
    const rewritten = new Set(views.map((v) => v.object));
    const expand: Migration = {
      name: 'expand',
      summary: `Create the archive ${archive} (${pk.name}, ${col.name}) and the trigger that keeps it equal to the column.`,
      up: ddl(options, `CREATE TABLE ${q(archive)} (${q(pk.name)} ${pk.type} PRIMARY KEY, ${q(col.name)} ${col.type})`, ...helpers),
      down: ddl(options, ...views.flatMap((v) => v.back), ...dropHelpers, explained(['drop-table'], `the archive was created by this plan's expand phase, and the column still holds every value`, `DROP TABLE ${q(archive)}`)),
      verify: [`SELECT ${q(col.name)} FROM ${q(archive)} WHERE false`],
    };
    const placeholderMigration: Migration[] = placeholder
      ? [
          {
            name: 'placeholder_default',
            summary: `Give ${table.name}.${col.name} the default ${placeholder}, so v2 can insert rows without it while it stays NOT NULL.`,
            up: ddl(options, `ALTER TABLE ${q(table.name)} ALTER COLUMN ${q(col.name)} SET DEFAULT ${placeholder}`),
            down: ddl(options, `ALTER TABLE ${q(table.name)} ALTER COLUMN ${q(col.name)} DROP DEFAULT`),
            verify: [],
          },
        ]
      : [];
    const backfill: Migration = {
      name: 'backfill',
      summary: `Copy ${col.name} of every existing row into the archive, ${options.batchSize} rows per transaction.`,
      up: single(`CALL ${q(names.obj('backfill'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
      down: tx(`DELETE FROM ${q(names.progress)} WHERE step LIKE 'backfill%'`),
      verify: [`SELECT 1 / count(*)::int FROM ${q(names.progress)} WHERE step = 'backfill_archive' AND finished_at IS NOT NULL`],
    };
    const verify: Migration = {
      name: 'verify',
      summary: 'Refuse to continue unless every row is archived; rolling back refills the column from the archive.',
      up: single(`CALL ${q(names.obj('verify'))}()`),
      down: single(`CALL ${q(names.obj('restore'))}(batch_size => ${options.batchSize}, pause_ms => ${options.pauseMs})`),
      verify: [`CALL ${q(names.obj('verify'))}()`],
    };
    const touched = indexesOn(table, [col.name]).filter((i) => i.columns.includes(col.name) || !i.simple);
    const retire = touched.filter((i) => i.simple && i.columns.includes(col.name)).map((i) => retireIndexMigration('retire', i, i.columns));
    const contract: Migration = {
      name: 'contract',
      summary: `Drop ${table.name}.${col.name} (its values stay in ${archive}).`,
      up: ddl(options, ...views.flatMap((v) => v.forward), ...dropHelpers, explained(['drop-column'], `no deployed code uses it any more (v1 is retired before this phase, PLAN.md), and ${archive} keeps its values`, `ALTER TABLE ${q(table.name)} DROP COLUMN ${q(col.name)}`)),
      down: ddl(options, `ALTER TABLE ${q(table.name)} ADD COLUMN ${q(col.name)} ${col.type}`, ...(col.default ?? placeholder ? [`ALTER TABLE ${q(table.name)} ALTER COLUMN ${q(col.name)} SET DEFAULT ${col.default ?? placeholder}`] : []), ...helpers),
      verify: [`SELECT 1 / (count(*) = 0)::int FROM pg_attribute WHERE attrelid = ${lit(q(table.name))}::regclass AND attname = ${lit(col.name)} AND NOT attisdropped`],
    };
    const verifySql = `-- rows whose ${col.name} is not in the archive yet: must be 0 before the contract\nSELECT count(*) AS mismatched FROM ${q(table.name)} t LEFT JOIN ${q(archive)} a USING (${q(pk.name)}) WHERE a.${q(pk.name)} IS NULL OR a.${q(col.name)} IS DISTINCT FROM t.${q(col.name)};\n`;
    return {
      kind: 'drop-column',
      slug: names.slug,
      title: `Drop column ${table.name}.${col.name}`,
      summary: `${table.name}.${col.name} is dropped once no code uses it. Its values are archived first (${archive}), so every step, the drop included, can be rolled back with the data.`,
      phases: [
        { title: 'Expand', goal: `Create the archive and keep it in sync${placeholder ? `, and give ${col.name} a placeholder default so v2 can omit it` : ''}.`, migrations: [expand, ...placeholderMigration], check: [`SELECT count(*) FROM ${q(archive)}`], rollback: `Drops the archive and the trigger${placeholder ? ` and the placeholder default` : ''}.` },
        { title: 'Backfill', goal: 'Archive every existing value in keyset batches.', migrations: [backfill], check: [verifySql.split('\n')[1]], rollback: 'Forgets the backfill progress (the archive keeps what it copied).' },
        { title: 'Contract', goal: `Drop the column once v1 is gone.`, migrations: [verify, ...retire, contract], check: [`SELECT count(*) FROM ${q(archive)}`], rollback: `Re-adds the column, rebuilds its indexes concurrently and refills it from ${archive} in batches.` },
      ],
      deploys: [
        { beforePhase: 1, action: 'start-v2', text: `Deploy v2, which never reads or writes ${table.name}.${col.name}.` },
        { beforePhase: 2, action: 'retire-v1', text: `Wait until no v1 instance is left (ORMs: check nothing maps ${col.name}, including SELECT *).` },
      ],
      apps: {
        v1: { reads: `${table.name}.${col.name}`, writes: `${table.name}.${col.name}` },
        v2: { reads: `${table.name} without ${col.name}`, writes: `${table.name} without ${col.name}` },
      },
      verifySql,
      notes: [
        ...dependencyNotes(schema.dependents?.filter((o) => !rewritten.has(o)), { action: 'drop-column', table: table.name, column: col.name }),
        ...viewRewriteNotes(views, viewChange),
        ...unsupportedIndexNotes(touched),
        ...(col.notNull ? [`Rolling back the contract refills ${col.name} from the archive in batches; until that finishes it holds NULL for old rows, so NOT NULL comes back afterwards (CHECK NOT VALID, VALIDATE, SET NOT NULL inside the restore procedure).`] : []),
        `The archive ${archive} stays after the contract: it is what a rollback refills the column from. Drop it yourself once you are sure (the only irreversible step, deliberately not a migration).`,
      ],
    };
  },
};

export const dropTable: PlanKind = {
  id: 'drop-table',
  number: 10,
  title: 'Drop a table safely',
  description: `Once no code uses it: drop the foreign keys that point at it, and move it to schema ${ARCHIVE_SCHEMA} (data kept, instant, reversible).`,
  params: [{ name: 'table', label: 'Table to drop', type: 'table', required: true, help: 'the table' }],
  build(args, schema, options): Plan {
    const table = tableOf(schema, arg(args, 'table'));
    const s = planSlug(args, 'drop', table.name);
    const inbound = referencesTo(schema, table.name).filter((f) => f.table !== table.name);
    const addBack = (f: (typeof inbound)[number]) =>
      `ALTER TABLE ${q(f.table)} ADD CONSTRAINT ${q(f.name)} FOREIGN KEY (${qList(f.columns)}) REFERENCES ${q(table.name)} (${qList(f.refColumns)})${f.actions ? ` ${f.actions}` : ''} NOT VALID`;
    const why = `no deployed code uses ${table.name} any more (v1 is retired before this phase, PLAN.md)`;
    const retire: Migration = {
      name: 'retire',
      summary: `${inbound.length ? `Drop the foreign keys that reference ${table.name} and move` : 'Move'} ${table.name} to schema ${ARCHIVE_SCHEMA}.`,
      up: (inbound.length ? ddlAcross : ddl)(
        options,
        ...inbound.map((f) => explained(['drop-foreign-key', 'many-tables-locked'], why, `ALTER TABLE ${q(f.table)} DROP CONSTRAINT ${q(f.name)}`)),
        `CREATE SCHEMA IF NOT EXISTS ${ARCHIVE_SCHEMA}`,
        explained(['rename-table', 'drop-table', 'many-tables-locked'], `${why}; moving it aside instead of dropping it keeps its data for a rollback`, `ALTER TABLE ${q(table.name)} SET SCHEMA ${ARCHIVE_SCHEMA}`),
      ),
      down: (inbound.length ? ddlAcross : ddl)(
        options,
        `ALTER TABLE ${ARCHIVE_SCHEMA}.${q(table.name)} SET SCHEMA public`,
        ...inbound.map((f) => explained(['many-tables-locked'], 'the foreign keys come back with the table, NOT VALID (validated by the next rollback step)', addBack(f))),
      ),
      verify: [`SELECT 1 / count(*)::int FROM pg_tables WHERE schemaname = ${lit(ARCHIVE_SCHEMA)} AND tablename = ${lit(table.name)}`],
    };
    // Validation of the restored foreign keys needs its own transaction: it runs as the rollback of
    // a migration placed before the move, which has nothing to do going forward.
    const validateOnRollback: Migration[] = inbound.length
      ? [
          {
            name: 'rollback_validate',
            summary: `Rollback support: validate the foreign keys to ${table.name} after they are re-added NOT VALID.`,
            up: single(noOp(`rolling back validates ${inbound.map((f) => f.name).join(', ')} here`)),
            down: ddlAcross(options, ...inbound.map((f) => `ALTER TABLE ${q(f.table)} VALIDATE CONSTRAINT ${q(f.name)}`)),
            verify: [],
          },
        ]
      : [];
    return {
      kind: 'drop-table',
      slug: s,
      title: `Drop table ${table.name}`,
      summary: `${table.name} leaves the application's schema once no code uses it: it is moved to ${ARCHIVE_SCHEMA} (instant, data kept), so rolling back is a move back.`,
      phases: [
        {
          title: 'Retire',
          goal: `Move ${table.name} out of the way${inbound.length ? ` after dropping the ${inbound.length} foreign key${inbound.length > 1 ? 's' : ''} that reference it` : ''}. Code that still uses it fails loudly, and nothing is lost.`,
          migrations: [...validateOnRollback, retire],
          check: [`SELECT schemaname FROM pg_tables WHERE tablename = ${lit(table.name)}`],
          rollback: `Moves ${table.name} back${inbound.length ? ', re-adds the foreign keys NOT VALID and validates them' : ''}.`,
        },
      ],
      deploys: [
        { beforePhase: 0, action: 'start-v2', text: `Deploy v2, which never uses ${table.name}.` },
        { beforePhase: 0, action: 'retire-v1', text: `Wait until no v1 instance is left; check pg_stat_user_tables for ${table.name} (seq_scan, idx_scan, n_tup_ins stop growing).` },
      ],
      apps: { v1: { reads: table.name, writes: table.name }, v2: { reads: `never ${table.name}`, writes: `never ${table.name}` } },
      verifySql: `-- ${table.name} should see no new reads or writes before it is retired; run twice a few minutes apart and compare\nSELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relname = ${lit(table.name)};\n`,
      notes: [
        ...dependencyNotes(schema.dependents, { action: 'drop-table', table: table.name }),
        `Drop ${ARCHIVE_SCHEMA}.${table.name} yourself once you are sure: that is the only irreversible step, deliberately not a migration.`,
        ...(inbound.length ? [`Foreign keys dropped with it: ${inbound.map((f) => `${f.table}.${f.name}`).join(', ')}.`] : []),
      ],
    };
  },
};
