/**
 * Facts about expressions and types that decide whether PostgreSQL must rewrite a table:
 * volatility of defaults, and which type changes are binary-coercible.
 */
import { AstNode, as, calledFunctions, kindOf, TypeInfo, walk } from '../parse/ast';
import type { Certainty } from './types';

/** Built-in functions marked VOLATILE in pg_proc that people put in defaults. */
const VOLATILE_FUNCTIONS = new Set([
  'random', 'random_normal', 'setseed', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'uuid_generate_v1', 'uuid_generate_v1mc',
  'uuid_generate_v4', 'gen_random_bytes', 'clock_timestamp', 'timeofday', 'nextval', 'currval', 'lastval', 'setval',
  'txid_current', 'pg_current_xact_id', 'txid_current_if_assigned',
]);

/** Common built-ins that are STABLE or IMMUTABLE, so a default using them is evaluated once (PG 11+). */
const NON_VOLATILE_FUNCTIONS = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_timestamp', 'localtimestamp', 'current_date',
  'to_timestamp', 'to_date', 'to_char', 'date_trunc', 'make_interval', 'make_date', 'make_timestamp', 'make_timestamptz',
  'lower', 'upper', 'concat', 'concat_ws', 'length', 'coalesce', 'nullif', 'greatest', 'least', 'abs', 'round',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'array_fill', 'to_jsonb',
  'to_json', 'timezone', 'md5', 'current_setting', 'current_user', 'session_user', 'current_schema', 'pg_backend_pid',
  'gen_salt', 'encode', 'decode', 'replace', 'trim', 'btrim', 'substring', 'left', 'right', 'format',
]);

export interface Volatility {
  volatile: Certainty;
  /** The function that makes it volatile (or unknown). */
  culprit?: string;
}

/** Volatility of user functions the migration (or the schema before it) declared with CREATE FUNCTION. */
export type DeclaredVolatility = (fn: string) => 'immutable' | 'stable' | 'volatile' | undefined;

/**
 * Is a DEFAULT expression volatile (so that ADD COLUMN … DEFAULT rewrites the table on PG 11+)?
 * A user function counts by the volatility its CREATE FUNCTION declared, when Lockstep saw it.
 */
export function defaultVolatility(expr: AstNode | undefined, declared: DeclaredVolatility = () => undefined): Volatility {
  if (!expr) return { volatile: false };
  let unknown: string | undefined;
  for (const fn of calledFunctions(expr)) {
    const own = declared(fn);
    if (VOLATILE_FUNCTIONS.has(fn) || own === 'volatile') return { volatile: true, culprit: `${fn}()` };
    if (!NON_VOLATILE_FUNCTIONS.has(fn) && !own) unknown ??= `${fn}()`;
  }
  let subquery = false;
  walk(expr, (kind) => {
    if (kind === 'SubLink') subquery = true;
  });
  if (subquery) return { volatile: 'maybe', culprit: 'a subquery' };
  return unknown ? { volatile: 'maybe', culprit: unknown } : { volatile: false };
}

/** Is this expression just a constant (literal, cast literal, array of constants, CURRENT_*)? */
export function isConstantExpression(expr: AstNode | undefined): boolean {
  return defaultVolatility(expr).volatile === false;
}

/** A column reference to exactly `column`, possibly cast: `col` or `col::type`. */
export function isPlainColumnRef(expr: AstNode | undefined, column: string): boolean {
  const cast = as(expr, 'TypeCast');
  const target = cast ? cast.arg : expr;
  if (kindOf(target) !== 'ColumnRef') return false;
  const fields = (target?.ColumnRef?.fields ?? []) as AstNode[];
  const last = fields[fields.length - 1]?.String?.sval;
  return last === column;
}

const LENGTH_LIMITED = new Set(['varchar', 'varbit']);
/** Types whose modifier is a fractional-second precision (0–6). */
const TEMPORAL_PRECISION = new Set(['timestamp', 'timestamptz', 'time']);
const MAX_TEMPORAL_PRECISION = 6;

/** Targets that some current types reach without a rewrite, and which types those are. */
const NO_REWRITE_SOURCES: Record<string, string> = {
  text: 'varchar or text',
  varchar: 'a shorter varchar, or text when the new type has no length limit',
  numeric: 'numeric with a lower precision and the same scale',
  inet: 'cidr',
  timestamptz: 'timestamp and the session TimeZone is UTC (PG 12+)',
  timestamp: 'timestamptz and the session TimeZone is UTC (PG 12+)',
  varbit: 'a shorter varbit',
};

export interface TypeChangeVerdict {
  rewrite: Certainty;
  reason: string;
}

/**
 * Does changing a column from `from` to `to` rewrite the table? Mirrors PostgreSQL's
 * binary-coercion rules (ATColumnChangeRequiresRewrite): relabels and length widenings don't.
 */
export function typeChangeRewrites(
  from: TypeInfo | undefined,
  to: TypeInfo,
  opts: { pgVersion: number; timeZoneIsUtc?: boolean },
): TypeChangeVerdict {
  const target = describe(to);
  if (!from) {
    // Without the current type we can only say which targets are ever reachable without a rewrite.
    const unless = NO_REWRITE_SOURCES[to.name];
    return unless
      ? { rewrite: 'maybe', reason: `rewrites the table and its indexes unless the current type is ${unless} (Lockstep does not know the column's current type)` }
      : { rewrite: true, reason: `changing a column to ${target} rewrites the table and all its indexes` };
  }
  const source = describe(from);
  if (from.isArray !== to.isArray) return rewrite(source, target);
  if (from.name === to.name) {
    if (sameMods(from, to)) return { rewrite: false, reason: `${source} → ${target} is a no-op` };
    if (LENGTH_LIMITED.has(to.name) && (to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]))) {
      return { rewrite: false, reason: `${source} → ${target} only raises the length limit` };
    }
    // timestamp(3) → timestamp: raising (or removing) the fractional-second precision keeps every value (timestamp_support).
    if (TEMPORAL_PRECISION.has(to.name) && (to.mods.length === 0 || to.mods[0] >= MAX_TEMPORAL_PRECISION || (from.mods.length > 0 && to.mods[0] >= from.mods[0]))) {
      return { rewrite: false, reason: `${source} → ${target} only raises the precision` };
    }
    if (to.name === 'numeric' && (to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0] && (to.mods[1] ?? 0) === (from.mods[1] ?? 0)))) {
      return { rewrite: false, reason: `${source} → ${target} raises the precision at the same scale` };
    }
    return rewrite(source, target);
  }
  if ((from.name === 'varchar' && to.name === 'text') || (from.name === 'text' && to.name === 'varchar' && to.mods.length === 0)) {
    return { rewrite: false, reason: `${source} → ${target} is binary-coercible` };
  }
  if (from.name === 'cidr' && to.name === 'inet') return { rewrite: false, reason: 'cidr → inet is binary-coercible' };
  // PostgreSQL 12+ relabels in both directions when the session TimeZone is UTC (the values are then the same).
  const timestamps = [from.name, to.name].sort().join(' ') === 'timestamp timestamptz';
  if (timestamps && opts.pgVersion >= 12) {
    const change = `${from.name} → ${to.name}`;
    if (opts.timeZoneIsUtc === true) return { rewrite: false, reason: `${change} needs no rewrite when the session TimeZone is UTC (PG 12+)` };
    if (opts.timeZoneIsUtc === false) return rewrite(source, target);
    return {
      rewrite: 'maybe',
      reason: `${change} rewrites the table unless the session TimeZone is UTC (PG 12+ then skips the rewrite)`,
    };
  }
  return rewrite(source, target);
}

function rewrite(source: string, target: string): TypeChangeVerdict {
  return { rewrite: true, reason: `${source} → ${target} is not binary-coercible: the table and its indexes are rewritten` };
}

function sameMods(a: TypeInfo, b: TypeInfo): boolean {
  return a.mods.length === b.mods.length && a.mods.every((m, i) => m === b.mods[i]);
}

function describe(t: TypeInfo): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.isArray ? '[]' : ''}`;
}
