/** Kind 7: add a NOT NULL column whose existing rows get a value from a backfill. */
import { remapPlan } from '../engines/remap';
import { ScaffoldError } from '../plan';
import { arg, newColumnName, optionalArg, singleKey, planSlug, tableOf, type PlanKind } from './shared';

export const addNotNullColumn: PlanKind = {
  id: 'add-not-null-column',
  number: 7,
  title: 'Add a NOT NULL column with a backfill',
  description: 'Add it nullable, fill it for new rows with a trigger and for old rows in batches, then CHECK NOT VALID → VALIDATE → SET NOT NULL.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table to add the column to' },
    { name: 'column', label: 'New column', type: 'identifier', required: true, help: 'name of the new column' },
    { name: 'type', label: 'Type', type: 'type', required: true, help: 'e.g. text, bigint' },
    { name: 'backfill', label: 'Value for existing rows', type: 'expression', required: true, help: "SQL over the row, e.g. lower(email) or 'USD'" },
    { name: 'default', label: 'Default afterwards', type: 'expression', required: false, help: 'column default once the column is NOT NULL (optional)' },
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const column = newColumnName(table, arg(args, 'column'), 'column');
    const type = arg(args, 'type');
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])?$/.test(type)) throw new ScaffoldError(`--type "${type}" is not a type name such as text or numeric(12,2)`);
    const pk = singleKey(table);
    const backfill = arg(args, 'backfill');
    const def = optionalArg(args, 'default');
    const notes = [
      `Rows written by v1 (which does not know ${column}) get ${backfill} from the trigger until the contract; after it, ${def ? `the default ${def} fills them` : `every insert must set ${column}, so v1 must be gone`}.`,
    ];
    if (/^('([^']|'')*'|-?\d+(\.\d+)?|true|false)$/i.test(backfill.trim())) {
      notes.push(`${backfill} is a constant: on PostgreSQL 11+ "ALTER TABLE ${table.name} ADD COLUMN ${column} ${type} NOT NULL DEFAULT ${backfill}" is instant and needs no backfill. This plan does the same in steps, for when the value must not become a default.`);
    }
    return remapPlan(
      {
        kind: 'add-not-null-column',
        slug: planSlug(args, 'add', table.name, column),
        title: `Add NOT NULL column ${table.name}.${column}`,
        summary: `${table.name}.${column} (${type}) is added, filled for every existing row in batches and for new rows by a trigger, then made NOT NULL without a long lock.`,
        tables: [{ table, pk, newColumns: [{ name: column, type, mode: 'filled', fwd: backfill, notNull: true, default: def }], oldColumns: [] }],
        newIndexes: [],
        oldIndexes: [],
        foreignKeys: [],
        sequences: [],
        accuracy: false,
        mode: 'drop',
        apps: {
          v1: { reads: `${table.name} without ${column}`, writes: `${table.name} without ${column} (the trigger fills it)` },
          v2: { reads: `${table.name}.${column}`, writes: `${table.name}.${column} on every insert` },
        },
        notes,
      },
      options,
    );
  },
};
