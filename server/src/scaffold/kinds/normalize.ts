/**
 * Normalize one table into a core table and N part tables (1:1, or 1:N with history), keeping
 * the old shape as a view that old code reads and writes (INSTEAD OF triggers), under a new name
 * (`v_<table>_legacy`) or, after the contract, under the table's own name.
 */
import { dependencyNotes } from '../dependencies';
import { normalizePlan, type NormalizePart } from '../engines/normalize';
import { ScaffoldError } from '../plan';
import { referencesTo, type ColumnSchema } from '../schema';
import { arg, columnOf, identifier, optionalArg, planSlug, relationExists, renamedObject, singleKey, tableOf, type KindArgs, type PlanKind } from './shared';

/** "table=col,col; table=col" → [[table, [cols]]]. */
function groups(args: KindArgs, name: string): Array<[string, string[]]> {
  const raw = optionalArg(args, name);
  if (!raw) return [];
  return raw
    .split(';')
    .map((g) => g.trim())
    .filter(Boolean)
    .map((g) => {
      const m = /^([^=]+)=(.+)$/.exec(g);
      if (!m) throw new ScaffoldError(`--${name}: expected "table=column,column; table=column", got "${g}"`);
      const cols = m[2].split(',').map((c) => identifier(c, name)).filter(Boolean);
      return [identifier(m[1], name), cols] as [string, string[]];
    });
}

export const normalize: PlanKind = {
  id: 'normalize',
  number: 11,
  title: 'Normalize a table behind a legacy view',
  description: 'Move columns of one table into new 1:1 and 1:N (history) tables around a core table; old code keeps reading and writing the old shape through a view with INSTEAD OF triggers.',
  params: [
    { name: 'table', label: 'Table to normalize', type: 'table', required: true, help: 'e.g. patients' },
    { name: 'parts', label: '1:1 part tables', type: 'expression', required: false, help: 'new tables keyed by the same key: "patient_addresses=street,city,zip; …"' },
    { name: 'history', label: '1:N history tables', type: 'expression', required: false, help: 'new tables where every change is a new row and the newest is current: "patient_contacts=phone,email"' },
    { name: 'core', label: 'Core table', type: 'identifier', required: false, help: 'the new table for the key and every column not moved to a part (default <table>_core)' },
    { name: 'view', label: 'Legacy view', type: 'identifier', required: false, help: 'the view with the old shape (default v_<table>_legacy; give the table name itself to have the view take it over in the contract)' },
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const pk = singleKey(table);
    if (pk.identity) throw new ScaffoldError(`${table.name}.${pk.name} is an identity column; normalize needs a key with a sequence default (serial/bigserial) that the core table can share`);
    const one = groups(args, 'parts');
    const many = groups(args, 'history');
    if (!one.length && !many.length) throw new ScaffoldError('give --parts and/or --history: the new tables and the columns each one takes');
    const core = identifier(optionalArg(args, 'core') ?? `${table.name}_core`, 'core');
    const view = identifier(optionalArg(args, 'view') ?? `v_${table.name}_legacy`, 'view');
    const newTables = [core, ...one.map((g) => g[0]), ...many.map((g) => g[0])];
    const dup = newTables.find((n, i) => newTables.indexOf(n) !== i);
    if (dup) throw new ScaffoldError(`${dup} is named twice`);
    for (const n of newTables) if (relationExists(schema, n)) throw new ScaffoldError(`a table named "${n}" already exists`);
    if (view !== table.name && relationExists(schema, view)) throw new ScaffoldError(`a relation named "${view}" already exists`);
    const seen = new Set<string>();
    const columnsOf = (cols: string[]): ColumnSchema[] =>
      cols.map((n) => {
        const c = columnOf(table, n);
        if (c.name === pk.name) throw new ScaffoldError(`${pk.name} is the key: it stays in ${core}, and every part table references it`);
        if (seen.has(c.name)) throw new ScaffoldError(`${c.name} is given to two tables`);
        if (c.notNull && c.default === undefined) throw new ScaffoldError(`${table.name}.${c.name} is NOT NULL without a default: a row written to ${core} alone would have no value for it in ${table.name}; make it nullable (or give it a default) first`);
        seen.add(c.name);
        return c;
      });
    const parts: NormalizePart[] = [
      ...one.map(([name, cols]) => ({ table: name, columns: columnsOf(cols), shape: 'one' as const })),
      ...many.map(([name, cols]) => ({ table: name, columns: columnsOf(cols), shape: 'many' as const, id: 'id', ref: `${table.name}_${pk.name}` })),
    ];
    const coreColumns = table.columns.filter((c) => c.name !== pk.name && !seen.has(c.name));
    const inbound = referencesTo(schema, table.name).filter((f) => f.table !== table.name);
    if (inbound.length) throw new ScaffoldError(`${inbound.map((f) => `${f.table}.${f.name}`).join(', ')} reference ${table.name}: after the contract they would point at the archived table; point them at ${core} first`);
    const exists = (n: string) => relationExists(schema, n);
    const indexes = table.indexes
      .filter((i) => i.simple && i.constraint !== 'primary')
      .flatMap((i) => {
        const home = i.columns.every((c) => c === pk.name || coreColumns.some((x) => x.name === c)) ? core : parts.find((p) => p.shape === 'one' && i.columns.every((c) => c === pk.name || p.columns.some((x) => x.name === c)))?.table;
        return home ? [{ name: renamedObject(i.name, table.name, home, exists), table: home, columns: i.columns, unique: i.unique }] : [];
      });
    const skipped = table.indexes.filter((i) => i.constraint !== 'primary' && !indexes.some((x) => x.columns.join() === i.columns.join() && i.simple));
    const slug = planSlug(args, 'normalize', table.name);
    const describe = (p: NormalizePart) => `${p.table} (${p.shape === 'one' ? '1:1' : '1:N history'}: ${p.columns.map((c) => c.name).join(', ')})`;
    return normalizePlan(
      {
        slug,
        source: table,
        pk,
        core: { table: core, columns: coreColumns },
        parts,
        view,
        indexes,
        notes: [
          ...dependencyNotes(schema.dependents, { action: 'normalize', table: table.name, view }),
          ...skipped.map((i) => `Index ${i.name} on ${table.name} spans several new tables, is on a history table, or is not a plain b-tree: the plan does not re-create it. Create its counterpart on the new tables yourself.`),
          `${table.name}, ${core} and ${view} all draw new keys from ${pk.default ?? `the default of ${table.name}.${pk.name}`}, so keys stay unique whichever version inserts; after the contract the sequence belongs to ${core}. Keys cannot change through the view.`,
          ...parts.filter((p) => p.shape === 'many').map((p) => `${p.table} keeps every version: a write through the old shape that changes ${p.columns.map((c) => c.name).join(', ')} adds a row, and the newest row (highest id) is what the view shows.`),
          `v1 and v2 writing the same logical row at the same instant (v1 on ${table.name}, v2 on the new tables) can deadlock in the triggers: PostgreSQL aborts one of them with a deadlock error (40P01), which the application has to retry.`,
        ],
      },
      options,
      `Normalize ${table.name} into ${[core, ...parts.map((p) => p.table)].join(', ')} behind ${view}`,
      `${table.name} becomes ${core} (${[pk.name, ...coreColumns.map((c) => c.name)].join(', ')}) plus ${parts.map(describe).join(', ')}. The old shape stays available as the view ${view}, readable and writable (INSTEAD OF triggers), for code that is not migrated yet.`,
    );
  },
};
