/**
 * Split one column into several (full_name → first_name, last_name) and the reverse, with a
 * preset or user-supplied transforms in both directions. The verify counts rows where neither
 * direction holds (must be 0); the review step measures agreement with the rule and round trip
 * (engines/accuracy.ts), and `--min-accuracy` gates the contract on the first.
 */
import { DEFAULT_SAMPLE_ROWS, parsePercent, reviewTableName, sampleRowsOf, type AccuracyCheck } from '../engines/accuracy';
import { PlanNames } from '../engines/common';
import { dependencyNotes } from '../dependencies';
import { remapPlan, type NewColumn } from '../engines/remap';
import { ScaffoldError } from '../plan';
import { arg, columnOf, indexesOn, listArg, newColumnName, optionalArg, singleKey, planSlug, tableOf, unsupportedIndexNotes, type KindArgs, type PlanKind } from './shared';

/**
 * The last-space rule, exactly: trim, collapse runs of whitespace to one space; the first name is
 * everything before the last space, the last name the word after it; a single word is the first
 * name with an empty ('' , not NULL) last name; NULL stays NULL. The reverse joins the non-empty
 * parts with one space, so ('Madonna', '') gives 'Madonna', never 'Madonna '.
 */
const WHITESPACE = '[ \\t\\n\\r\\f\\v]+';
function normalized(full: string): string {
  return `btrim(regexp_replace(${full}, '${WHITESPACE}', ' ', 'g'), ' ')`;
}

export const PRESETS: Record<string, { describe: string; split: (full: string, parts: string[]) => string[]; merge: (full: string, parts: string[]) => string }> = {
  'last-space': {
    describe: "trimmed, spaces collapsed; first = everything before the last space, last = the word after it ('' for a single word); the reverse joins the non-empty parts with one space",
    split: (full) => {
      const n = normalized(full);
      return [`CASE WHEN strpos(${n}, ' ') > 0 THEN substring(${n} FROM '^(.*) ') ELSE ${n} END`, `CASE WHEN strpos(${n}, ' ') > 0 THEN substring(${n} FROM ' ([^ ]*)$') ELSE CASE WHEN ${full} IS NOT NULL THEN '' END END`];
    },
    merge: (_full, [first, last]) => `CASE WHEN ${first} IS NULL AND ${last} IS NULL THEN NULL ELSE concat_ws(' ', NULLIF(${first}, ''), NULLIF(${last}, '')) END`,
  },
};

/** The last-space rule in JavaScript (tests and review tooling predict the SQL with it). */
export function lastSpaceSplit(full: string | null): [string | null, string | null] {
  if (full === null) return [null, null];
  const n = full.replace(/[ \t\n\r\f\v]+/g, ' ').replace(/^ +| +$/g, '');
  const at = n.lastIndexOf(' ');
  return at < 0 ? [n, ''] : [n.slice(0, at), n.slice(at + 1)];
}

export function lastSpaceMerge(first: string | null, last: string | null): string | null {
  if (first === null && last === null) return null;
  return [first, last].filter((x) => x !== null && x !== '').join(' ');
}

function transforms(args: KindArgs, names: string[], param: string): Record<string, string> | undefined {
  const raw = optionalArg(args, param);
  if (!raw) return undefined;
  // "first_name=<expr>; last_name=<expr>"
  const out: Record<string, string> = {};
  for (const part of raw.split(/;\s*(?=[a-z_][a-z0-9_]*\s*=)/i)) {
    const m = /^\s*([a-z_][a-z0-9_]*)\s*=\s*([\s\S]+?)\s*;?\s*$/i.exec(part);
    if (!m) throw new ScaffoldError(`--${param}: expected "column=expression; column=expression", got "${part}"`);
    out[m[1].toLowerCase()] = m[2];
  }
  for (const n of names) if (!out[n]) throw new ScaffoldError(`--${param} has no expression for ${n}`);
  return out;
}

function preset(args: KindArgs) {
  const name = optionalArg(args, 'preset');
  if (!name) return undefined;
  const p = PRESETS[name];
  if (!p) throw new ScaffoldError(`unknown --preset "${name}"; presets: ${Object.keys(PRESETS).join(', ')}`);
  return p;
}

const TRANSFORM_PARAMS = [
  { name: 'preset', label: 'Transform preset', type: 'choice' as const, choices: Object.keys(PRESETS), required: false, help: `ready-made transforms: ${Object.entries(PRESETS).map(([k, p]) => `${k} (${p.describe})`).join('; ')}` },
];

const ACCURACY_PARAMS = [
  { name: 'min-accuracy', label: 'Required agreement with the rule (%)', type: 'expression' as const, required: false, help: 'e.g. 99.9: the verify step refuses to continue when fewer rows of the whole table agree with the rule (default: report only)' },
  { name: 'sample', label: 'Rows in the random sample', type: 'expression' as const, required: false, help: `rows in the random sample the accuracy report also measures (default ${DEFAULT_SAMPLE_ROWS})` },
];

function accuracyOf(args: KindArgs, base: Omit<AccuracyCheck, 'minAccuracy' | 'sampleRows'>): AccuracyCheck {
  const min = optionalArg(args, 'min-accuracy');
  return { ...base, minAccuracy: min === undefined ? undefined : parsePercent(min, '--min-accuracy'), sampleRows: sampleRowsOf(optionalArg(args, 'sample')) };
}

export const splitColumn: PlanKind = {
  id: 'split-column',
  number: 9,
  title: 'Split one column into several',
  description: 'New columns derived from the old one (and it from them), synced both ways while both versions write, backfilled, verified with an accuracy report, then the old column is dropped.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table that has the column' },
    { name: 'column', label: 'Column to split', type: 'column', of: 'table', required: true, help: 'e.g. full_name' },
    { name: 'into', label: 'New columns', type: 'identifiers', required: true, help: 'comma-separated, e.g. first_name,last_name' },
    ...TRANSFORM_PARAMS,
    { name: 'split', label: 'Old → new transforms', type: 'expression', required: false, help: "per new column: \"first_name=<SQL over the row>; last_name=<SQL>\"" },
    { name: 'merge', label: 'New → old transform', type: 'expression', required: false, help: 'SQL over the new columns giving the old value' },
    ...ACCURACY_PARAMS,
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const old = columnOf(table, arg(args, 'column'));
    const into = listArg(args, 'into').map((n) => newColumnName(table, n, 'into'));
    if (into.length < 2) throw new ScaffoldError('--into needs at least two new columns');
    const pk = singleKey(table);
    if (pk.name === old.name) throw new ScaffoldError(`${old.name} is the primary key of ${table.name}`);
    const p = preset(args);
    if (p && into.length !== 2) throw new ScaffoldError(`--preset ${optionalArg(args, 'preset')} splits into exactly two columns`);
    const split = transforms(args, into, 'split') ?? (p ? Object.fromEntries(into.map((n, i) => [n, p.split(old.name, into)[i]])) : undefined);
    const merge = optionalArg(args, 'merge') ?? p?.merge(old.name, into);
    if (!split || !merge) throw new ScaffoldError('give --preset, or both --split and --merge');
    const touched = indexesOn(table, [old.name]).filter((i) => i.columns.includes(old.name) || !i.simple);
    const newColumns: NewColumn[] = into.map((name) => ({ name, type: old.type, mode: 'derived', fwd: split[name], notNull: false }));
    const s = planSlug(args, 'split', table.name, old.name);
    const accuracyCheck = accuracyOf(args, {
      table: table.name, pk: pk.name, pkType: pk.type,
      oldColumns: [{ name: old.name, type: old.type }], newColumns: into.map((name) => ({ name, type: old.type })),
      rule: split, reverse: { [old.name]: merge },
    });
    return remapPlan(
      {
        kind: 'split-column',
        slug: s,
        title: `Split ${table.name}.${old.name} into ${into.join(', ')}`,
        summary: `${table.name}.${old.name} becomes ${into.join(' + ')}. While v1 writes ${old.name} and v2 writes ${into.join(', ')}, a trigger derives each side from the other.`,
        tables: [{ table, pk, newColumns, oldColumns: [{ column: old, rev: merge }] }],
        newIndexes: [],
        oldIndexes: touched.filter((i) => i.simple && i.columns.includes(old.name)),
        foreignKeys: [],
        sequences: [],
        accuracy: false,
        accuracyCheck,
        mode: 'drop',
        apps: {
          v1: { reads: `${table.name}.${old.name}`, writes: `${table.name}.${old.name}` },
          v2: { reads: `${table.name}.${into.join(', ')}`, writes: `${table.name}.${into.join(', ')}` },
        },
        notes: [
          ...dependencyNotes(schema.dependents, { action: 'drop-column', table: table.name, column: old.name }),
          ...unsupportedIndexNotes(touched),
          ...touched.filter((i) => i.simple).map((i) => `Index ${i.name} on ${old.name} is dropped before the contract and has no counterpart: add indexes on ${into.join(', ')} yourself if queries need them.`),
          `A row is consistent when the new columns equal the split of ${old.name}, or ${old.name} equals the merge of the new columns (whichever version wrote last).`,
          accuracyNote(accuracyCheck, new PlanNames(s), `${into.join(', ')} equal the rule applied to ${old.name}`, `${old.name} comes back unchanged from the split and the merge`),
          `${old.name} NOT NULL is ${old.notNull ? 'restored on rollback' : 'not set (the column is nullable)'}; the new columns are nullable.`,
        ],
      },
      options,
    );
  },
};

export const mergeColumns: PlanKind = {
  id: 'merge-columns',
  number: 9,
  title: 'Merge several columns into one',
  description: 'The reverse of split-column: a new column derived from the old ones (and they from it), synced both ways, backfilled, verified, then the old columns are dropped.',
  params: [
    { name: 'table', label: 'Table', type: 'table', required: true, help: 'table that has the columns' },
    { name: 'columns', label: 'Columns to merge', type: 'columns', of: 'table', required: true, help: 'comma-separated, e.g. first_name,last_name' },
    { name: 'into', label: 'New column', type: 'identifier', required: true, help: 'e.g. full_name' },
    ...TRANSFORM_PARAMS,
    { name: 'merge', label: 'Old → new transform', type: 'expression', required: false, help: 'SQL over the old columns giving the new value' },
    { name: 'split', label: 'New → old transforms', type: 'expression', required: false, help: 'per old column: "first_name=<SQL over the row>; last_name=<SQL>"' },
    ...ACCURACY_PARAMS,
  ],
  build(args, schema, options) {
    const table = tableOf(schema, arg(args, 'table'));
    const olds = listArg(args, 'columns').map((n) => columnOf(table, n));
    if (olds.length < 2) throw new ScaffoldError('--columns needs at least two columns');
    const into = newColumnName(table, arg(args, 'into'), 'into');
    const pk = singleKey(table);
    if (olds.some((c) => c.name === pk.name)) throw new ScaffoldError(`${pk.name} is the primary key of ${table.name}`);
    const p = preset(args);
    if (p && olds.length !== 2) throw new ScaffoldError(`--preset ${optionalArg(args, 'preset')} merges exactly two columns`);
    const names = olds.map((c) => c.name);
    const merge = optionalArg(args, 'merge') ?? p?.merge(into, names);
    const split = transforms(args, names, 'split') ?? (p ? Object.fromEntries(names.map((n, i) => [n, p.split(into, names)[i]])) : undefined);
    if (!split || !merge) throw new ScaffoldError('give --preset, or both --merge and --split');
    const touched = indexesOn(table, names).filter((i) => i.columns.some((c) => names.includes(c)) || !i.simple);
    const s = planSlug(args, 'merge', table.name, into);
    const accuracyCheck = accuracyOf(args, {
      table: table.name, pk: pk.name, pkType: pk.type,
      oldColumns: olds.map((c) => ({ name: c.name, type: c.type })), newColumns: [{ name: into, type: olds[0].type }],
      rule: { [into]: merge }, reverse: split,
    });
    return remapPlan(
      {
        kind: 'merge-columns',
        slug: s,
        title: `Merge ${names.map((n) => `${table.name}.${n}`).join(' + ')} into ${into}`,
        summary: `${names.join(' + ')} become ${table.name}.${into}. While v1 writes ${names.join(', ')} and v2 writes ${into}, a trigger derives each side from the other.`,
        tables: [{ table, pk, newColumns: [{ name: into, type: olds[0].type, mode: 'derived', fwd: merge, notNull: olds.every((c) => c.notNull) }], oldColumns: olds.map((c) => ({ column: c, rev: split[c.name] })) }],
        newIndexes: [],
        oldIndexes: touched.filter((i) => i.simple && i.columns.some((c) => names.includes(c))),
        foreignKeys: [],
        sequences: [],
        accuracy: false,
        accuracyCheck,
        mode: 'drop',
        apps: {
          v1: { reads: names.map((n) => `${table.name}.${n}`).join(', '), writes: names.join(', ') },
          v2: { reads: `${table.name}.${into}`, writes: `${table.name}.${into}` },
        },
        notes: [
          ...names.flatMap((column) => dependencyNotes(schema.dependents, { action: 'drop-column', table: table.name, column })),
          ...unsupportedIndexNotes(touched),
          `A row is consistent when ${into} equals the merge of ${names.join(', ')}, or they equal its split (whichever version wrote last).`,
          accuracyNote(accuracyCheck, new PlanNames(s), `${into} equals the rule applied to ${names.join(', ')}`, `${names.join(', ')} come back unchanged from the merge and the split`),
        ],
      },
      options,
    );
  },
};

function accuracyNote(a: AccuracyCheck, names: PlanNames, agrees: string, roundTrips: string): string {
  const gate = a.minAccuracy === undefined
    ? 'Nothing is gated on them (give --min-accuracy to make the verify step refuse to continue below a percentage).'
    : `The verify step refuses to continue unless at least ${a.minAccuracy} % of the whole table agrees with the rule.`;
  return `Accuracy: the review step (CALL ${names.obj('review')}()) reports, on a random sample of ${a.sampleRows} rows and on the whole table, the share of rows that agree with the rule (${agrees}) and the share that round-trip (${roundTrips}), and copies every row failing either into ${reviewTableName(names)} (kept after the contract; drop it when reviewed). ${gate}`;
}
