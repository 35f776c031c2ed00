/** Kind 1: rename a column used by live traffic (new column, two-way sync, backfill, drop the old one). */
import { ScaffoldError } from '../plan';
import { remapPlan, type MirroredForeignKey, type NewIndex } from '../engines/remap';
import { referencesTo } from '../schema';
import { dependencyNotes } from '../dependencies';
import { rewriteDependentViews, viewRewriteNotes } from '../viewRewrite';
import { arg, columnOf, freshName, indexesOn, newColumnName, relationExists, renamedObject, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

export const renameColumn: PlanKind = {
  id: 'rename-column',
  number: 1,
  title: 'Rename a column',
  description: 'Add the new column, keep both in sync with a trigger while v1 and v2 run, backfill, then drop the old column.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table that has the column' },
    { name: 'column', label: 'Column to rename', type: 'column', of: 'table', required: true, help: 'current column name' },
    { name: 'to', label: 'New name', type: 'identifier', required: true, help: 'new column name' },
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const old = columnOf(table, arg(args, 'column'));
    const to = newColumnName(table, arg(args, 'to'), 'to');
    const pk = singleKey(table);
    if (pk.name === old.name) throw new ScaffoldError(`${old.name} is the primary key of ${table.name}: use the change-primary-key kind (it rewires every foreign key)`);
    if (old.identity) throw new ScaffoldError(`${table.name}.${old.name} is an identity column; renaming one is not supported by this plan`);
    const inbound = referencesTo(schema, table.name).filter((fk) => fk.refColumns.includes(old.name));
    if (inbound.length) throw new ScaffoldError(`${inbound.map((f) => `${f.table}.${f.name}`).join(', ')} reference ${table.name}.${old.name}: use the change-primary-key kind`);
    const exists = (n: string) => relationExists(schema, n);
    const touched = indexesOn(table, [old.name]).filter((i) => i.columns.includes(old.name) || !i.simple);
    const newIndexes: NewIndex[] = touched
      .filter((i) => i.simple && i.columns.includes(old.name))
      .map((i) => {
        const mapped = renamedObject(i.name, old.name, to, exists);
        const columns = i.columns.map((c) => (c === old.name ? to : c));
        return i.constraint === 'unique'
          ? { name: freshName(`${mapped}_tmp`, exists), table: table.name, columns, unique: true, becomes: { kind: 'unique' as const, name: mapped }, why: `the counterpart of ${i.name}` }
          : { name: mapped, table: table.name, columns, unique: i.unique, why: `the counterpart of ${i.name}` };
      });
    const foreignKeys: MirroredForeignKey[] = table.foreignKeys
      .filter((fk) => fk.columns.includes(old.name))
      .map((fk) => ({
        old: fk,
        name: renamedObject(fk.name, old.name, to, exists),
        table: table.name,
        columns: fk.columns.map((c) => (c === old.name ? to : c)),
        refTable: fk.refTable,
        refColumns: fk.refColumns,
        actions: fk.actions,
      }));
    const viewChange = { action: 'rename-column' as const, table: table.name, column: old.name, to };
    const views = rewriteDependentViews(schema.dependents, viewChange);
    const rewritten = new Set(views.map((v) => v.object));
    const sequence = [...schema.sequenceOwners].find(([, o]) => o.table === table.name && o.column === old.name)?.[0];
    return remapPlan(
      {
        kind: 'rename-column',
        slug: planSlug(args, 'rename', table.name, old.name),
        title: `Rename ${table.name}.${old.name} to ${to}`,
        summary: `${table.name}.${old.name} becomes ${table.name}.${to} without downtime: both columns exist and stay identical while v1 (old name) and v2 (new name) run side by side.`,
        tables: [
          {
            table,
            pk,
            newColumns: [{ name: to, type: old.type, mode: 'derived', fwd: old.name, notNull: old.notNull, default: old.default }],
            oldColumns: [{ column: old, rev: to }],
          },
        ],
        newIndexes,
        oldIndexes: touched.filter((i) => i.simple && i.columns.includes(old.name)),
        foreignKeys,
        sequences: sequence ? [{ sequence, from: { table: table.name, column: old.name }, to: { table: table.name, column: to } }] : [],
        accuracy: false,
        mode: 'drop',
        apps: {
          v1: { reads: `${table.name}.${old.name}`, writes: `${table.name}.${old.name}` },
          v2: { reads: `${table.name}.${to}`, writes: `${table.name}.${to} (never ${old.name})` },
        },
        notes: [
          ...dependencyNotes(schema.dependents?.filter((o) => !rewritten.has(o)), { action: 'rename-column', table: table.name, column: old.name, to }),
          ...viewRewriteNotes(views, viewChange),
          ...unsupportedIndexNotes(touched),
        ],
        views: { contract: views.flatMap((v) => v.forward), expandDown: views.flatMap((v) => v.back) },
      },
      options,
    );
  },
};
