/**
 * Kind 4: merge two tables — move the columns of one (e.g. push_prefs) into another with the
 * same key (e.g. email_prefs). The source table is archived by the contract (moved to schema
 * lockstep_archive, data kept), so rolling back needs no copy.
 */
import { ARCHIVE_SCHEMA, crossTablePlan, type MovedColumn } from '../engines/crossTable';
import { dependencyNotes } from '../dependencies';
import { ScaffoldError } from '../plan';
import { referencesTo } from '../schema';
import { arg, columnOf, identifier, indexesOn, listArg, optionalArg, relationExists, renamedObject, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

export const mergeTables: PlanKind = {
  id: 'merge-tables',
  number: 4,
  title: 'Merge two tables into one',
  description: "Add the source table's columns to the target (joined on the key), mirror both ways while v1 and v2 run, backfill, then archive the source.",
  params: [
    { name: 'table', label: 'Source table (merged in, then archived)', type: 'table', required: true, help: 'the table whose columns move, e.g. push_prefs' },
    { name: 'into', label: 'Target table (stays)', type: 'table', required: true, help: 'the table that receives them, e.g. email_prefs' },
    { name: 'columns', label: 'Columns to move', type: 'columns', of: 'table', required: false, help: 'default: every column of the source except its key' },
  ],
  retiredParams: {
    from: (args) =>
      `merge-tables takes the source as --table (like every other kind) and the target as --into; --from is gone: use --table ${args.from ?? '<source>'} --into ${args.table ?? '<target>'}`,
  },
  build(args, schema, options) {
    const source = tableOf(schema, arg(args, 'table'));
    const target = tableOf(schema, arg(args, 'into'));
    if (target.name === source.name) throw new ScaffoldError('--table and --into are the same table');
    const tkey = singleKey(target);
    const skey = singleKey(source);
    if (tkey.type !== skey.type) throw new ScaffoldError(`the keys differ in type: ${target.name}.${tkey.name} is ${tkey.type}, ${source.name}.${skey.name} is ${skey.type}`);
    const names = optionalArg(args, 'columns') ? listArg(args, 'columns') : source.columns.filter((c) => c.name !== skey.name).map((c) => c.name);
    const cols = names.map((n) => columnOf(source, n));
    if (cols.some((c) => c.name === skey.name)) throw new ScaffoldError(`${skey.name} is the source's key: it is the join, not a column to move`);
    const clash = cols.filter((c) => target.columns.some((t) => t.name === c.name));
    if (clash.length) throw new ScaffoldError(`${target.name} already has ${clash.map((c) => c.name).join(', ')}`);
    const inbound = referencesTo(schema, source.name);
    if (inbound.length) throw new ScaffoldError(`${inbound.map((f) => `${f.table}.${f.name}`).join(', ')} reference ${source.name}: point them elsewhere first`);
    const required = target.columns.filter((c) => c.notNull && c.default === undefined && c.name !== tkey.name);
    if (required.length) {
      throw new ScaffoldError(`${source.name} rows without a ${target.name} row would have to create one, but ${required.map((c) => `${target.name}.${c.name}`).join(', ')} ${required.length > 1 ? 'are' : 'is'} NOT NULL without a default`);
    }
    const notNullNoDefault = cols.filter((c) => c.notNull && c.default === undefined);
    if (notNullNoDefault.length) {
      throw new ScaffoldError(`${notNullNoDefault.map((c) => `${source.name}.${c.name}`).join(', ')} ${notNullNoDefault.length > 1 ? 'are' : 'is'} NOT NULL without a default: v2 could not leave ${notNullNoDefault.length > 1 ? 'them' : 'it'} unset in ${target.name}`);
    }
    const exists = (n: string) => relationExists(schema, n);
    const moved: MovedColumn[] = cols.map((c) => ({ from: c, to: c.name, notNull: false, default: c.default }));
    const touched = indexesOn(source, names).filter((i) => i.columns.some((c) => names.includes(c)) || !i.simple);
    const movable = touched.filter((i) => i.simple && i.columns.every((c) => names.includes(c)));
    return crossTablePlan(
      {
        kind: 'merge-tables',
        slug: planSlug(args, 'merge', source.name, 'into', target.name),
        title: `Merge ${source.name} into ${target.name}`,
        summary: `${cols.map((c) => `${source.name}.${c.name}`).join(', ')} move${cols.length === 1 ? 's' : ''} into ${target.name} (joined on ${source.name}.${skey.name} = ${target.name}.${tkey.name}). Triggers mirror every write between the two while v1 and v2 run; the contract archives ${source.name}.`,
        old: { table: source.name, key: skey },
        target: { table: target.name, key: tkey },
        moved,
        shape: 'merge',
        relax: [],
        newIndexes: movable.map((i) => ({ name: renamedObject(i.name, source.name, target.name, exists), columns: i.columns, unique: i.unique, why: `the counterpart of ${i.name}` })),
        oldIndexes: [],
        apps: {
          v1: { reads: `${source.name} and ${target.name}`, writes: `${source.name} (its columns), ${target.name} (its own)` },
          v2: { reads: `${target.name} only`, writes: `${target.name} only (INSERT … ON CONFLICT (${tkey.name}) DO UPDATE: a row may exist)` },
        },
        notes: [
          ...dependencyNotes(schema.dependents, { action: 'drop-table', table: source.name }),
          ...unsupportedIndexNotes(touched),
          `A ${source.name} row exists while its ${target.name} row has any of the moved values: v2 setting them all to NULL deletes it, setting one creates it.`,
          `v1 may insert a ${source.name} row before its ${target.name} row, in one transaction or two: the trigger creates the ${target.name} row at once (with its defaults, visible to readers until v1 inserts its own), and v1's INSERT then takes that row's place instead of failing with a duplicate key. A ${target.name} row the application wrote itself is never replaced.`,
          `Rows that v1 and v2 write at the same moment to the same logical row, v1 in ${source.name} and v2 in ${target.name}, can deadlock in the triggers: PostgreSQL aborts one of them with a deadlock error (40P01), which the application has to retry.`,
          `The contract moves ${source.name} to schema ${ARCHIVE_SCHEMA} instead of dropping it, so rolling back loses nothing. Drop ${ARCHIVE_SCHEMA}.${source.name} yourself once you are sure; that is the only irreversible step, and it is not a migration.`,
          `The moved columns are nullable in ${target.name}${cols.some((c) => c.notNull) ? ` (${cols.filter((c) => c.notNull).map((c) => c.name).join(', ')} ${cols.filter((c) => c.notNull).length > 1 ? 'were' : 'was'} NOT NULL in ${source.name}, where a row only exists when it has values)` : ''}.`,
        ],
      },
      options,
    );
  },
};
