/** Kind 3: split a table — move some of its columns to a new 1:1 table keyed by its primary key. */
import { crossTablePlan, type MovedColumn } from '../engines/crossTable';
import { dependencyNotes } from '../dependencies';
import { ScaffoldError } from '../plan';
import { q, qList } from '../sqlText';
import { arg, columnOf, freshName, identifier, indexesOn, listArg, optionalArg, relationExists, renamedObject, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

export const splitTable: PlanKind = {
  id: 'split-table',
  number: 3,
  title: 'Split a table',
  description: 'Move columns to a new 1:1 table (its key references the old primary key), mirrored both ways by triggers until the contract drops them from the old table.',
  params: [
    { name: 'table', label: 'Table to split', type: 'table', required: true, help: 'e.g. users' },
    { name: 'columns', label: 'Columns to move', type: 'columns', of: 'table', required: true, help: 'comma-separated, e.g. bio,avatar_url' },
    { name: 'into', label: 'New table', type: 'identifier', required: true, help: 'e.g. user_profiles' },
    { name: 'key', label: 'Key column of the new table', type: 'identifier', required: false, help: 'defaults to <table without s>_id, e.g. user_id' },
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const pk = singleKey(table);
    const into = identifier(arg(args, 'into'), 'into');
    if (schema.tables.has(into)) throw new ScaffoldError(`a table named "${into}" already exists`);
    const cols = listArg(args, 'columns').map((n) => columnOf(table, n));
    if (!cols.length) throw new ScaffoldError('--columns names no column');
    if (cols.some((c) => c.name === pk.name)) throw new ScaffoldError(`${pk.name} is the primary key: it stays, and the new table's key references it`);
    if (cols.length >= table.columns.length - 1 && table.columns.length > 2) throw new ScaffoldError('at least one column besides the key must stay in the table');
    const fkCols = table.foreignKeys.filter((fk) => fk.columns.some((c) => cols.some((x) => x.name === c)));
    if (fkCols.length) throw new ScaffoldError(`${fkCols.map((f) => f.name).join(', ')} cover moved columns; move foreign keys by hand (or move other columns)`);
    const key = identifier(optionalArg(args, 'key') ?? `${table.name.replace(/s$/, '')}_${pk.name}`, 'key');
    if (cols.some((c) => c.name === key)) throw new ScaffoldError(`--key ${key} clashes with a moved column`);
    const exists = (n: string) => relationExists(schema, n);
    const moved: MovedColumn[] = cols.map((c) => ({ from: c, to: c.name, notNull: c.notNull, default: c.default }));
    const columnsSql = moved.map((m) => `${q(m.to)} ${m.from.type}${m.default !== undefined ? ` DEFAULT ${m.default}` : ''}`);
    const fkName = `${into}_${key}_fkey`;
    // CHECKs on moved columns only go with them (the new table is empty: added valid at once);
    // every CHECK that reads a moved column is restored on the old table if the contract is rolled back.
    const oldChecks = table.checks.filter((c) => c.columns.some((n) => cols.some((x) => x.name === n)));
    const movedChecks = oldChecks.filter((c) => c.columns.every((n) => cols.some((x) => x.name === n)));
    const checksSql = movedChecks.map((c) => `CONSTRAINT ${q(renamedObject(c.name, table.name, into, exists))} ${c.definition}`);
    const create = `CREATE TABLE ${q(into)} (
  ${q(key)} ${pk.type} PRIMARY KEY CONSTRAINT ${q(fkName)} REFERENCES ${q(table.name)} (${q(pk.name)}) ON DELETE CASCADE,
  ${[...columnsSql, ...checksSql].join(',\n  ')}
)`;
    const touched = indexesOn(table, cols.map((c) => c.name)).filter((i) => i.columns.some((c) => cols.some((x) => x.name === c)) || !i.simple);
    const movable = touched.filter((i) => i.simple && i.columns.every((c) => cols.some((x) => x.name === c)));
    const stuck = touched.filter((i) => i.simple && !movable.includes(i));
    return crossTablePlan(
      {
        kind: 'split-table',
        slug: planSlug(args, 'split', table.name),
        title: `Split ${cols.map((c) => c.name).join(', ')} out of ${table.name} into ${into}`,
        summary: `${cols.map((c) => `${table.name}.${c.name}`).join(', ')} move${cols.length === 1 ? 's' : ''} to the new table ${into} (one row per ${table.name} row, keyed by ${key} → ${table.name}.${pk.name}). Triggers mirror every write between the two while v1 and v2 run.`,
        old: { table: table.name, key: pk },
        target: { table: into, key: { name: key, type: pk.type, notNull: true }, create },
        moved,
        shape: 'split',
        relax: cols.filter((c) => c.notNull && c.default === undefined),
        newIndexes: movable.map((i) => ({ name: renamedObject(i.name, table.name, into, exists), columns: i.columns, unique: i.unique, why: `the counterpart of ${i.name}` })),
        oldIndexes: [...movable, ...stuck],
        oldChecks,
        apps: {
          v1: { reads: `${table.name}.${qList(cols.map((c) => c.name))}`, writes: `${table.name} (all columns)` },
          v2: {
            reads: `${table.name} JOIN ${into} USING (${table.name}.${pk.name} = ${into}.${key})`,
            writes: `${table.name} without the moved columns, then ${into} with INSERT … ON CONFLICT (${key}) DO UPDATE (the trigger may have created the row); write ${table.name} first in a transaction that writes both, so locks are taken in the triggers' order`,
          },
        },
        notes: [
          ...cols.flatMap((c) => dependencyNotes(schema.dependents, { action: 'move-column', table: table.name, column: c.name, into })),
          ...unsupportedIndexNotes(touched),
          ...stuck.map((i) => `Index ${i.name} mixes moved and staying columns; it goes with the moved columns and has no counterpart.`),
          ...oldChecks.filter((c) => !movedChecks.includes(c)).map((c) => `CHECK ${c.name} reads moved and staying columns; the contract drops it with the moved columns and ${into} has no counterpart (rolling back restores it).`),
          `Rows that v1 and v2 write at the same moment to the same logical row, in opposite tables, can deadlock in the triggers: PostgreSQL aborts one of them with a deadlock error (40P01), which the application has to retry.`,
          `${into}.${key} references ${table.name}.${pk.name} ON DELETE CASCADE, so deleting a ${table.name} row deletes its ${into} row.`,
        ],
      },
      options,
    );
  },
};
