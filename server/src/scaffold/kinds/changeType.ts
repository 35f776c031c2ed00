/**
 * Kind 5: change a column's type without a rewrite under ACCESS EXCLUSIVE: a new column of the
 * new type, synced both ways through the conversion, backfilled, then swapped in under the old
 * name in one short transaction.
 */
import { dependencyNotes } from '../dependencies';
import { ScaffoldError } from '../plan';
import { remapPlan, type MirroredForeignKey, type NewIndex } from '../engines/remap';
import { referencesTo } from '../schema';
import { arg, columnOf, freshName, indexesOn, optionalArg, relationExists, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

export const changeType: PlanKind = {
  id: 'change-type',
  number: 5,
  title: "Change a column's type",
  description: 'Add a column of the new type, sync it both ways through the conversion, backfill, then swap it in under the old name.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table that has the column' },
    { name: 'column', label: 'Column', type: 'column', of: 'table', required: true, help: 'column whose type changes' },
    { name: 'type', label: 'New type', type: 'type', required: true, help: 'e.g. bigint, timestamptz, numeric(12,2)' },
    { name: 'using', label: 'Old → new conversion', type: 'expression', required: false, help: 'SQL over the row, as in ALTER … TYPE … USING (default: <column>::<type>)' },
    { name: 'reverse', label: 'New → old conversion', type: 'expression', required: false, help: 'SQL where <column> is the new value (default: <column>::<old type>)' },
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const old = columnOf(table, arg(args, 'column'));
    const type = arg(args, 'type');
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])?$/.test(type)) throw new ScaffoldError(`--type "${type}" is not a type name such as bigint or numeric(12,2)`);
    const pk = singleKey(table);
    if (pk.name === old.name) throw new ScaffoldError(`${old.name} is the primary key of ${table.name}: use the change-primary-key kind (it rewires every foreign key)`);
    if (old.identity) throw new ScaffoldError(`${table.name}.${old.name} is an identity column; changing its type this way is not supported`);
    const inbound = referencesTo(schema, table.name).filter((fk) => fk.refColumns.includes(old.name));
    if (inbound.length) throw new ScaffoldError(`${inbound.map((f) => `${f.table}.${f.name}`).join(', ')} reference ${table.name}.${old.name}: use the change-primary-key kind`);
    const temp = freshName(`${old.name}_new`, (n) => table.columns.some((c) => c.name === n));
    const exists = (n: string) => relationExists(schema, n);
    const touched = indexesOn(table, [old.name]).filter((i) => i.columns.includes(old.name) || !i.simple);
    const rebuilt = touched.filter((i) => i.simple && i.columns.includes(old.name));
    const newIndexes: NewIndex[] = rebuilt.map((i) => {
      const columns = i.columns.map((c) => (c === old.name ? temp : c));
      const finalColumns = i.columns;
      const name = freshName(`${i.name}_new`, exists);
      return i.constraint === 'unique'
        ? { name, table: table.name, columns, finalColumns, unique: true, becomes: { kind: 'unique' as const, name: i.name }, why: `the counterpart of ${i.name}` }
        : { name, table: table.name, columns, finalColumns, unique: i.unique, finalName: i.name, why: `the counterpart of ${i.name}` };
    });
    const foreignKeys: MirroredForeignKey[] = table.foreignKeys
      .filter((fk) => fk.columns.includes(old.name))
      .map((fk) => ({
        old: fk,
        name: freshName(`${fk.name}_new`, exists),
        finalName: fk.name,
        table: table.name,
        columns: fk.columns.map((c) => (c === old.name ? temp : c)),
        refTable: fk.refTable,
        refColumns: fk.refColumns,
        actions: fk.actions,
      }));
    const sequence = [...schema.sequenceOwners].find(([, o]) => o.table === table.name && o.column === old.name)?.[0];
    return remapPlan(
      {
        kind: 'change-type',
        slug: planSlug(args, 'retype', table.name, old.name),
        title: `Change ${table.name}.${old.name} from ${old.type} to ${type}`,
        summary: `${table.name}.${old.name} becomes ${type} without rewriting the table under ACCESS EXCLUSIVE: a ${type} column is kept identical to it while both versions run, then takes its name in one short transaction.`,
        tables: [
          {
            table,
            pk,
            newColumns: [
              { name: temp, finalName: old.name, type, mode: 'derived', fwd: optionalArg(args, 'using') ?? `${old.name}::${type}`, notNull: old.notNull, default: old.default },
            ],
            oldColumns: [{ column: old, rev: optionalArg(args, 'reverse') ?? `${old.name}::${old.type}` }],
            revNames: { [old.name]: temp },
          },
        ],
        newIndexes,
        oldIndexes: rebuilt,
        foreignKeys,
        sequences: sequence ? [{ sequence, from: { table: table.name, column: old.name }, to: { table: table.name, column: temp } }] : [],
        accuracy: false,
        mode: 'swap',
        apps: {
          v1: { reads: `${table.name}.${old.name} (as ${old.type})`, writes: `${table.name}.${old.name} (values ${old.type} can hold)` },
          v2: { reads: `${table.name}.${old.name} (as ${type}, after the swap)`, writes: `${table.name}.${old.name} (any ${type} value, after the swap)` },
        },
        notes: [
          ...dependencyNotes(schema.dependents, { action: 'change-type', table: table.name, column: old.name, type }),
          ...unsupportedIndexNotes(touched),
          `Until the swap, ${table.name}.${old.name} still has type ${old.type}: a value only ${type} can hold is rejected. After it, rolling back fails for rows whose new value ${old.type} cannot hold.`,
          'Server-side prepared statements that return this column must be re-prepared after the swap ("cached plan must not change result type"): reconnect the pool, or use unnamed statements.',
        ],
      },
      options,
    );
  },
};
