/**
 * Kind 6: change a primary key that other tables reference — int → bigint (swapped in under the
 * same name), int → uuid, or a rename — rewriting every referencing foreign key. The dependents
 * come from the schema the caller discovered: a connected database (pg_constraint) or the
 * workspace's earlier migrations replayed into Lockstep's catalog.
 */
import { dependencyNotes, type Change } from '../dependencies';
import { rewriteDependentViewsForRenames, viewRewriteNotes } from '../viewRewrite';
import { ScaffoldError } from '../plan';
import { remapPlan, type MirroredForeignKey, type NewColumn, type NewIndex, type OldColumn, type RemapTable, type SequenceMove } from '../engines/remap';
import { referencesTo, type ColumnSchema, type IndexSchema, type TableSchema } from '../schema';
import { arg, freshName, identifier, optionalArg, relationExists, renamedObject, singleKey, planSlug, tableOf, unsupportedIndexNotes, type PlanKind } from './shared';

const SMALL_INTS = ['int2', 'int4'];
const SOURCES = {
  database: 'the connected database (pg_constraint)',
  pglite: "the workspace's earlier migrations replayed into embedded PostgreSQL (PGlite)",
  migrations: "the workspace's earlier migrations replayed into Lockstep's catalog",
  none: 'no schema',
};
const SEQUENCE_TYPES: Record<string, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

export const changePrimaryKey: PlanKind = {
  id: 'change-primary-key',
  number: 6,
  title: 'Change a primary key',
  description: 'int → bigint, int → uuid, or a rename of the key column, with every referencing foreign key rewritten.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table whose primary key changes' },
    { name: 'to', label: 'Change', type: 'choice', choices: ['bigint', 'uuid', 'rename'], required: true, help: 'bigint (same name), uuid (new key column), or rename' },
    { name: 'column', label: 'New key column name', type: 'identifier', required: false, help: 'rename: the new name (required); uuid: defaults to <key> with id → uuid' },
  ],
  build(args, schema, options) {
    const parent = tableOf(schema, arg(args, 'table'));
    const pk = singleKey(parent);
    const to = arg(args, 'to');
    if (!['bigint', 'uuid', 'rename'].includes(to)) throw new ScaffoldError(`--to must be bigint, uuid or rename, not "${to}"`);
    if (pk.identity) throw new ScaffoldError(`${parent.name}.${pk.name} is an identity column; this plan supports serial/sequence-default keys`);
    const pkName = parent.primaryKey!.name;
    const fks = referencesTo(schema, parent.name);
    for (const fk of fks) {
      if (fk.columns.length !== 1 || fk.refColumns[0] !== pk.name) throw new ScaffoldError(`foreign key ${fk.name} on ${fk.table} is not a single column referencing ${parent.name}.${pk.name}`);
    }
    const exists = (n: string) => relationExists(schema, n);
    const swap = to === 'bigint';
    if (swap && !SMALL_INTS.includes(pk.type)) throw new ScaffoldError(`${parent.name}.${pk.name} is ${pk.type}, not a smaller integer`);
    const newPk = swap ? freshName(`${pk.name}_new`, (n) => parent.columns.some((c) => c.name === n)) : to === 'rename' ? identifier(arg(args, 'column'), 'column') : identifier(optionalArg(args, 'column') ?? uuidNameFor(pk.name), 'column');
    if (!swap && parent.columns.some((c) => c.name === newPk)) throw new ScaffoldError(`${parent.name} already has a column "${newPk}"`);

    const tables = new Map<string, RemapTable>();
    const entry = (t: TableSchema): RemapTable => {
      let e = tables.get(t.name);
      if (!e) tables.set(t.name, (e = { table: t, pk: singleKey(t), newColumns: [], oldColumns: [], ...(swap ? { revNames: {} } : {}) }));
      return e;
    };
    const newIndexes: NewIndex[] = [];
    const oldIndexes: IndexSchema[] = [];
    const foreignKeys: MirroredForeignKey[] = [];
    const sequences: SequenceMove[] = [];
    const notes: string[] = [];
    // What happens to each old key column, for the dependency notes: a swap keeps the name with a
    // new type; otherwise the new column has a new name and the old one is dropped.
    const changes: Change[] = [];
    const replaced = (table: string, column: string, by: string) =>
      changes.push(swap ? { action: 'change-type', table, column, type: 'bigint' } : { action: 'rename-column', table, column, to: by });
    const p = entry(parent);
    const seq = [...schema.sequenceOwners].find(([, o]) => o.table === parent.name && o.column === pk.name)?.[0];
    if (to === 'uuid') {
      p.newColumns.push({ name: newPk, type: 'uuid', mode: 'generated', fwd: 'gen_random_uuid()', notNull: true, default: 'gen_random_uuid()' });
      notes.push(`${parent.name}.${pk.name} stays as an ordinary column (it is no longer the key): nothing else derives it, so rolling back needs it. Drop it later with the drop-column plan, which archives it.`);
      if (options.pgVersion < 13) notes.push('gen_random_uuid() is built in from PostgreSQL 13; on older versions CREATE EXTENSION pgcrypto first.');
    } else {
      p.newColumns.push({ name: newPk, finalName: swap ? pk.name : undefined, type: swap ? 'int8' : pk.type, mode: 'derived', fwd: pk.name, notNull: true, default: pk.default });
      p.oldColumns.push({ column: pk, rev: swap ? pk.name : newPk });
      replaced(parent.name, pk.name, newPk);
      if (swap) p.revNames![pk.name] = newPk;
      if (seq) sequences.push({ sequence: seq, from: { table: parent.name, column: pk.name }, to: { table: parent.name, column: newPk }, ...(swap ? { fromType: SEQUENCE_TYPES[pk.type], toType: 'bigint' } : {}) });
    }
    const keyIndex = freshName(`${parent.name}_${swap ? `${pk.name}_new` : newPk}_key`, exists);
    newIndexes.push({ name: keyIndex, table: parent.name, columns: [newPk], finalColumns: swap ? [pk.name] : undefined, unique: true, becomes: { kind: 'primary', name: pkName }, why: 'the new primary key, and what the new foreign keys reference' });
    const pkIndex = parent.indexes.find((i) => i.name === pkName) ?? { name: pkName, table: parent.name, columns: [pk.name], unique: true, constraint: 'primary' as const, simple: true };
    oldIndexes.push(pkIndex);
    if (to !== 'uuid') mirrorIndexes(parent, pk, newPk, swap, exists, newIndexes, oldIndexes, notes, pkName);

    // Every referencing column.
    for (const fk of fks) {
      const child = schema.tables.get(fk.table)!;
      const col = child.columns.find((c) => c.name === fk.columns[0])!;
      const c = entry(child);
      let column = col.name;
      if (to === 'uuid') {
        column = freshName(renamedObject(col.name, pk.name, newPk, () => false), (n) => child.columns.some((x) => x.name === n) || c.newColumns.some((x) => x.name === n));
        c.newColumns.push({ name: column, type: 'uuid', mode: 'derived', fwd: `(SELECT p.${newPk} FROM ${parent.name} p WHERE p.${pk.name} = r0.${col.name})`, notNull: col.notNull });
        c.oldColumns.push({ column: col, rev: `(SELECT p.${pk.name} FROM ${parent.name} p WHERE p.${newPk} = r0.${column})` });
        replaced(child.name, col.name, column);
        mirrorIndexes(child, col, column, false, exists, newIndexes, oldIndexes, notes);
      } else if (swap ? SMALL_INTS.includes(col.type) : new RegExp(`(^|_)${pk.name}(_|$)`).test(col.name)) {
        column = swap ? freshName(`${col.name}_new`, (n) => child.columns.some((x) => x.name === n)) : freshName(renamedObject(col.name, pk.name, newPk, () => false), (n) => child.columns.some((x) => x.name === n));
        c.newColumns.push({ name: column, finalName: swap ? col.name : undefined, type: swap ? 'int8' : col.type, mode: 'derived', fwd: col.name, notNull: col.notNull, default: col.default });
        c.oldColumns.push({ column: col, rev: swap ? col.name : column });
        replaced(child.name, col.name, column);
        if (swap) c.revNames![col.name] = column;
        mirrorIndexes(child, col, column, swap, exists, newIndexes, oldIndexes, notes);
      }
      const renamedFk = column !== col.name && !swap;
      foreignKeys.push({
        old: fk,
        name: renamedFk ? renamedObject(fk.name, col.name, column, exists) : freshName(`${fk.name}_new`, exists),
        finalName: renamedFk ? undefined : fk.name,
        table: child.name,
        columns: [column],
        refTable: parent.name,
        refColumns: [newPk],
        actions: fk.actions,
      });
    }

    // A rename keeps every value: dependent views are rewritten to read the new names (uuid keys
    // hold other values, and a bigint swap keeps the names, so neither rewrites).
    const renames = to === 'rename' ? changes.filter((c): c is Extract<Change, { action: 'rename-column' }> => c.action === 'rename-column') : [];
    const views = rewriteDependentViewsForRenames(schema.dependents, renames);
    const rewritten = new Set(views.map((v) => v.object));
    const children = [...new Set(fks.map((f) => f.table))].filter((t) => t !== parent.name);
    const label = to === 'bigint' ? `${parent.name}.${pk.name} to bigint` : to === 'uuid' ? `the key of ${parent.name} to uuid (${newPk})` : `${parent.name}.${pk.name} to ${newPk}`;
    const refs = children.length ? `, and ${fks.length} referencing column${fks.length > 1 ? 's' : ''} (${fks.map((f) => `${f.table}.${f.columns[0]}`).join(', ')})` : '';
    const v2Names = [...tables.values()].flatMap((t) => t.newColumns.map((n) => `${t.table.name}.${n.finalName ?? n.name}`)).join(', ');
    return remapPlan(
      {
        kind: 'change-primary-key',
        slug: planSlug(args, to === 'bigint' ? 'bigint' : to === 'uuid' ? 'uuid' : 'rekey', parent.name, pk.name),
        title: `Change primary key: ${label}`,
        summary: `The primary key of ${parent.name}${refs} change${to === 'bigint' ? ' to bigint under the same names' : ''}; new key columns are kept identical to the old ones (both ways) while both versions run, foreign keys are added NOT VALID and validated, and the key moves in one short transaction.`,
        tables: [p, ...[...tables.values()].filter((t) => t !== p)],
        newIndexes,
        oldIndexes,
        foreignKeys,
        dropPrimaryKey: { table: parent.name, name: pkName, columns: [pk.name] },
        sequences,
        accuracy: false,
        mode: swap ? 'swap' : 'drop',
        ...(views.length ? { views: { contract: views.flatMap((v) => v.forward), expandDown: views.flatMap((v) => v.back) } } : {}),
        apps: swap
          ? {
              v1: { reads: `${parent.name}.${pk.name} and the referencing columns`, writes: 'the same columns, integer values' },
              v2: { reads: 'the same names, now bigint', writes: 'any bigint value, after the swap' },
            }
          : {
              v1: { reads: `${parent.name}.${pk.name}${fks.map((f) => `, ${f.table}.${f.columns[0]}`).join('')}`, writes: 'the same columns' },
              v2: { reads: v2Names, writes: `${v2Names} (never the old key columns)` },
            },
        notes: [
          ...changes.flatMap((c) => dependencyNotes(schema.dependents?.filter((o) => !rewritten.has(o)), c)),
          ...views.flatMap((v) => viewRewriteNotes([v], v.changes[0]).map((n) => (v.changes.length > 1 ? n.replace(`${v.changes[0].table}.${v.changes[0].column}`, v.changes.map((c) => `${c.table}.${c.column}`).join(', ')).replace(`reads ${v.changes[0].to} under the old output name ${v.changes[0].column}`, 'reads the new names under the old output names') : n))),
          ...notes,
          `Dependents found in ${SOURCES[schema.source]}: ${fks.length ? fks.map((f) => `${f.table}.${f.name}`).join(', ') : 'none'}.`,
          'The contract takes ACCESS EXCLUSIVE on every table above together, for catalog changes only (milliseconds): the key and the foreign keys must move atomically.',
          ...(swap ? ['Rolling back the swap fails once a key or sequence value exceeds the old type.'] : []),
        ],
      },
      options,
    );
  },
};

/** `id` → `uuid`, `user_id` → `user_uuid`, `code` → `code_uuid`. */
function uuidNameFor(pk: string): string {
  return /(^|_)id$/.test(pk) ? pk.replace(/id$/, 'uuid') : `${pk}_uuid`;
}

/** Counterparts of the other simple indexes on `col` (the key's own index is handled by the caller). */
function mirrorIndexes(
  table: TableSchema, col: ColumnSchema, newName: string, swap: boolean, exists: (n: string) => boolean,
  newIndexes: NewIndex[], oldIndexes: IndexSchema[], notes: string[], skip?: string,
): void {
  const touched = table.indexes.filter((i) => i.name !== skip && (i.columns.includes(col.name) || !i.simple));
  notes.push(...unsupportedIndexNotes(touched));
  for (const i of touched.filter((x) => x.simple && x.columns.includes(col.name))) {
    const columns = i.columns.map((c) => (c === col.name ? newName : c));
    const name = swap ? freshName(`${i.name}_new`, exists) : renamedObject(i.name, col.name, newName, exists);
    newIndexes.push(
      i.constraint
        ? { name: freshName(`${name}_tmp`, exists), table: table.name, columns, finalColumns: swap ? i.columns : undefined, unique: true, becomes: { kind: 'unique', name: swap ? i.name : name }, why: `the counterpart of ${i.name}` }
        : { name, table: table.name, columns, finalColumns: swap ? i.columns : undefined, unique: i.unique, finalName: swap ? i.name : undefined, why: `the counterpart of ${i.name}` },
    );
    oldIndexes.push(i);
  }
}

export type { NewColumn, OldColumn };
