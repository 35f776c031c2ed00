/** Quoting and small text helpers for generated SQL. */

/** Keywords that cannot be bare column or table names (PostgreSQL's reserved list, the ones that matter). */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric system_user table then to trailing true union unique user using variadic when ' +
    'where window with authorization binary collation concurrently cross current_schema freeze full ilike inner is ' +
    'isnull join left like natural notnull outer overlaps right similar tablesample verbose').split(' '),
);

/** An identifier, quoted only when PostgreSQL needs it. */
export function q(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A string literal. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function qList(names: readonly string[]): string {
  return names.map(q).join(', ');
}

/**
 * A name for a generated object, at most 63 bytes (PostgreSQL truncates silently, which could
 * make two names collide): long names keep their start and get a short hash of the rest.
 */
export function objectName(...parts: string[]): string {
  const full = parts.filter(Boolean).join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (full.length <= 63) return full;
  return `${full.slice(0, 54)}_${hash(full).toString(36).padStart(8, '0').slice(0, 8)}`;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A plpgsql or SQL body in dollar quotes that cannot clash with its content. */
export function dollar(body: string): string {
  let tag = '$body$';
  for (let i = 1; body.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}\n${body}\n${tag}`;
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}
