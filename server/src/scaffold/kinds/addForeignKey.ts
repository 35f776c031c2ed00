/**
 * Kind 8: add a foreign key safely — an index for it built concurrently, the constraint added
 * NOT VALID (new writes are checked at once), then validated under SHARE UPDATE EXCLUSIVE.
 */
import type { Migration, Plan } from '../plan';
import { ScaffoldError } from '../plan';
import { buildIndexMigration, ddlAcross } from '../engines/common';
import { lit, q } from '../sqlText';
import { arg, columnOf, freshName, identifier, optionalArg, relationExists, planSlug, tableOf, type PlanKind } from './shared';

const ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'];

export const addForeignKey: PlanKind = {
  id: 'add-foreign-key',
  number: 8,
  title: 'Add a foreign key safely',
  description: 'Index the referencing column concurrently, add the constraint NOT VALID, check for orphans, then VALIDATE.',
  params: [
    { name: 'table', label: 'Referencing table', type: 'table', required: true, help: 'e.g. orders' },
    { name: 'column', label: 'Referencing column', type: 'column', of: 'table', required: true, help: 'e.g. user_id' },
    { name: 'references', label: 'Referenced table', type: 'table', required: true, help: 'e.g. users' },
    { name: 'ref-column', label: 'Referenced column', type: 'column', of: 'references', required: false, help: 'default: its primary key' },
    { name: 'on-delete', label: 'ON DELETE', type: 'choice', choices: ACTIONS, required: false, help: 'default: NO ACTION' },
    { name: 'name', label: 'Constraint name', type: 'identifier', required: false, help: 'default: <table>_<column>_fkey' },
  ],
  build(args, schema, options): Plan {
    const table = tableOf(schema, arg(args, 'table'));
    const column = columnOf(table, arg(args, 'column'));
    const parent = tableOf(schema, arg(args, 'references'));
    const refName = optionalArg(args, 'ref-column') ?? (parent.primaryKey?.columns.length === 1 ? parent.primaryKey.columns[0] : undefined);
    if (!refName) throw new ScaffoldError(`${parent.name} has no single-column primary key: give --ref-column`);
    const ref = columnOf(parent, refName);
    if (!parent.indexes.some((i) => i.unique && i.columns.length === 1 && i.columns[0] === ref.name)) throw new ScaffoldError(`${parent.name}.${ref.name} has no unique index or key for a foreign key to reference`);
    const onDelete = (optionalArg(args, 'on-delete') ?? 'NO ACTION').toUpperCase();
    if (!ACTIONS.includes(onDelete)) throw new ScaffoldError(`--on-delete must be one of ${ACTIONS.join(', ')}`);
    const exists = (n: string) => relationExists(schema, n);
    const name = optionalArg(args, 'name') ? identifier(optionalArg(args, 'name')!, 'name') : freshName(`${table.name}_${column.name}_fkey`, exists);
    if (table.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === column.name && f.refTable === parent.name)) throw new ScaffoldError(`${table.name}.${column.name} already references ${parent.name}`);
    const actions = onDelete === 'NO ACTION' ? '' : ` ON DELETE ${onDelete}`;
    const add = `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${q(column.name)}) REFERENCES ${q(parent.name)} (${q(ref.name)})${actions} NOT VALID`;
    const indexed = table.indexes.some((i) => i.columns[0] === column.name);
    const indexName = freshName(`${table.name}_${column.name}_idx`, exists);
    const orphans = `SELECT count(*) AS mismatched FROM ${q(table.name)} c WHERE c.${q(column.name)} IS NOT NULL AND NOT EXISTS (SELECT FROM ${q(parent.name)} p WHERE p.${q(ref.name)} = c.${q(column.name)})`;
    const addMigration: Migration = {
      name: 'add_not_valid',
      summary: `Add ${name} NOT VALID: every new or changed ${table.name} row is checked from now on; existing rows are not scanned.`,
      up: ddlAcross(options, add),
      down: ddlAcross(options, `ALTER TABLE ${q(table.name)} DROP CONSTRAINT ${q(name)}`),
      verify: [`SELECT 1 / count(*)::int FROM pg_constraint WHERE conname = ${lit(name)} AND conrelid = ${lit(q(table.name))}::regclass`],
    };
    const validate: Migration = {
      name: 'validate',
      summary: `VALIDATE ${name}: scans ${table.name} under SHARE UPDATE EXCLUSIVE (reads and writes continue). It fails if an orphan is left.`,
      up: ddlAcross(options, `ALTER TABLE ${q(table.name)} VALIDATE CONSTRAINT ${q(name)}`),
      // There is no "unvalidate": the constraint goes back to NOT VALID by being re-added so.
      down: ddlAcross(options, `ALTER TABLE ${q(table.name)} DROP CONSTRAINT ${q(name)}`, add),
      verify: [`SELECT 1 / count(*)::int FROM pg_constraint WHERE conname = ${lit(name)} AND convalidated`],
    };
    const phases: Plan['phases'] = [];
    if (!indexed) {
      phases.push({
        title: 'Index',
        goal: `Build an index on ${table.name}.${column.name} concurrently, so the constraint's checks on ${parent.name} deletes and updates do not scan ${table.name}.`,
        migrations: [buildIndexMigration(indexName, table.name, [column.name], false, 'the foreign key checks look rows up by it')],
        check: [`SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indexrelid = ${lit(indexName)}::regclass`],
        rollback: 'Drops the index concurrently.',
      });
    }
    phases.push(
      {
        title: 'Add NOT VALID',
        goal: `Add the constraint without checking existing rows (a brief SHARE ROW EXCLUSIVE lock on both tables).`,
        migrations: [addMigration],
        check: [`SELECT conname, convalidated FROM pg_constraint WHERE conname = ${lit(name)}`, orphans],
        rollback: 'Drops the constraint.',
      },
      {
        title: 'Validate',
        goal: 'Prove every existing row has its parent; fix or delete orphans first (the count above must be 0).',
        migrations: [validate],
        check: [`SELECT conname, convalidated FROM pg_constraint WHERE conname = ${lit(name)}`],
        rollback: 'Re-adds the constraint NOT VALID (it keeps checking new writes).',
      },
    );
    return {
      kind: 'add-foreign-key',
      slug: planSlug(args, 'fk', table.name, column.name),
      title: `Add foreign key ${table.name}.${column.name} → ${parent.name}.${ref.name}`,
      summary: `${table.name}.${column.name} gets a foreign key to ${parent.name}.${ref.name} without blocking writes: NOT VALID first, VALIDATE later${indexed ? '' : ', with an index built concurrently before either'}.`,
      phases,
      deploys: [
        { beforePhase: phases.length - 2, action: 'start-v2', text: `Deploy v2 if the application must handle the new error (inserting a ${table.name} row whose ${column.name} has no ${parent.name} row now fails).` },
        { beforePhase: phases.length - 2, action: 'retire-v1', text: `From the NOT VALID step on, any code that writes orphans gets errors: make sure none does.` },
      ],
      apps: {
        v1: { reads: `${table.name}, ${parent.name}`, writes: `${table.name}.${column.name} (valid references)` },
        v2: { reads: 'the same', writes: 'the same, and handles foreign-key violations' },
      },
      verifySql: `-- ${table.name} rows whose ${column.name} has no ${parent.name} row: must be 0 before VALIDATE\n${orphans};\n`,
      notes: [
        ...(indexed ? [] : [`${table.name}.${column.name} had no index; the plan builds ${indexName}.`]),
        `There is no data to backfill: orphans (rows pointing at no ${parent.name} row) must be fixed by hand — UPDATE them to NULL or a valid parent, or DELETE them — in batches. VALIDATE fails and changes nothing while any is left.`,
      ],
    };
  },
};

