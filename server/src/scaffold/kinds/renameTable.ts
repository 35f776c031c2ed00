/**
 * Kind 2: rename a table, with a compatibility view under the old name during the transition.
 * A view over one table with plain columns is automatically updatable (and the table's defaults
 * apply through it), so v1 keeps reading and writing the old name while v2 uses the new one.
 */
import type { Migration, Plan } from '../plan';
import { ScaffoldError } from '../plan';
import { ddl } from '../engines/common';
import { dependencyNotes } from '../dependencies';
import { explained } from '../lintPass';
import { lit, q, qList } from '../sqlText';
import { arg, identifier, planSlug, tableOf, type PlanKind } from './shared';

export const renameTable: PlanKind = {
  id: 'rename-table',
  number: 2,
  title: 'Rename a table',
  description: 'Rename it and leave an updatable view under the old name in the same transaction; drop the view once v1 is gone.',
  params: [
    { name: 'table', label: 'Table to rename', type: 'table', required: true, help: 'current table name' },
    { name: 'to', label: 'New name', type: 'identifier', required: true, help: 'new table name' },
  ],
  build(args, schema, options): Plan {
    const table = tableOf(schema, arg(args, 'table'));
    const to = identifier(arg(args, 'to'), 'to');
    if (schema.tables.has(to)) throw new ScaffoldError(`a table named "${to}" already exists`);
    const columns = table.columns.map((c) => c.name);
    const view = `CREATE VIEW ${q(table.name)} AS SELECT ${qList(columns)} FROM ${q(to)}`;
    const s = planSlug(args, 'rename', table.name);
    const rename: Migration = {
      name: 'rename_with_view',
      summary: `Rename ${table.name} to ${to} and create the view ${table.name} over it, in one transaction.`,
      up: ddl(
        options,
        explained(['rename-table'], `the view ${table.name} created right after it in this transaction keeps v1's queries working`, `ALTER TABLE ${q(table.name)} RENAME TO ${q(to)}`),
        view,
        `COMMENT ON VIEW ${q(table.name)} IS ${lit(`Compatibility view for code that still uses ${table.name}; dropped by lockstep plan ${s}.`)}`,
      ),
      down: ddl(options, `DROP VIEW ${q(table.name)}`, `ALTER TABLE ${q(to)} RENAME TO ${q(table.name)}`),
      verify: [`SELECT ${qList(columns)} FROM ${q(to)} WHERE false`, `SELECT ${qList(columns)} FROM ${q(table.name)} WHERE false`],
    };
    const contract: Migration = {
      name: 'drop_view',
      summary: `Drop the compatibility view ${table.name}.`,
      up: ddl(options, explained(['drop-view', 'drop-table'], `v1, the last code that uses ${table.name}, is retired before this phase (PLAN.md)`, `DROP VIEW ${q(table.name)}`)),
      down: ddl(options, view, `COMMENT ON VIEW ${q(table.name)} IS ${lit(`Compatibility view for code that still uses ${table.name}; dropped by lockstep plan ${s}.`)}`),
      verify: [`SELECT 1 / (count(*) = 0)::int FROM pg_views WHERE viewname = ${lit(table.name)}`],
    };
    return {
      kind: 'rename-table',
      slug: s,
      title: `Rename table ${table.name} to ${to}`,
      summary: `${table.name} becomes ${to}. In the same transaction a view named ${table.name} takes its place, so running code keeps working until it is gone.`,
      phases: [
        {
          title: 'Expand',
          goal: `Rename the table and create the compatibility view ${table.name} (no data moves; the lock is held for milliseconds).`,
          migrations: [rename],
          check: [`SELECT count(*) FROM ${q(to)}`, `SELECT count(*) FROM ${q(table.name)}`],
          rollback: `Drops the view and renames ${to} back to ${table.name}.`,
        },
        {
          title: 'Contract',
          goal: `Drop the view once no code uses ${table.name}.`,
          migrations: [contract],
          check: [`SELECT viewname FROM pg_views WHERE viewname = ${lit(table.name)}`],
          rollback: `Re-creates the view ${table.name}.`,
        },
      ],
      deploys: [
        { beforePhase: 1, action: 'start-v2', text: `Deploy v2, which uses ${to}. v1 and v2 run side by side: ${table.name} is a view over ${to}.` },
        { beforePhase: 1, action: 'retire-v1', text: `Wait until no v1 instance is left: the next phase drops the view ${table.name}.` },
      ],
      apps: {
        v1: { reads: `${table.name} (the view, after phase 1)`, writes: `${table.name} (INSERT/UPDATE/DELETE go through the view)` },
        v2: { reads: to, writes: to },
      },
      verifySql: `-- No data moves: ${table.name} is a view over ${to}. Both must count the same rows.\nSELECT (SELECT count(*) FROM ${q(to)}) - (SELECT count(*) FROM ${q(table.name)}) AS mismatched;\n`,
      notes: [
        ...dependencyNotes(schema.dependents, { action: 'rename-table', table: table.name, to }),
        `Indexes, constraints and the sequence keep their names (e.g. ${table.primaryKey?.name ?? `${table.name}_pkey`}); rename them later if you care (ALTER INDEX … RENAME takes only SHARE UPDATE EXCLUSIVE).`,
        `Writes through the view cannot use INSERT … ON CONFLICT ON CONSTRAINT or table-specific features such as TRUNCATE ${table.name}; code that does must move to ${to} first.`,
        `Columns added to ${to} during the transition do not appear in the view.`,
      ],
    };
  },
};
