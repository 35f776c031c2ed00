/** SQL spelling shared by the builder translations, and the idioms several frameworks share. */
import type { TextSpan } from '../findings';
import type { TextEdit } from '../fixes/types';
import type { Literal } from './tsAst';
import { hostOffset } from './tsAst';
import type { ExtractedStatement } from './types';

/** `"name"`, or `"schema"."name"` for a dotted name (how Knex, Sequelize and node-pg-migrate quote). */
export function ident(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

export function identList(names: readonly string[]): string {
  return names.map(ident).join(', ');
}

/** A JS literal as a SQL constant; undefined for values a migration would not write literally. */
export function sqlConstant(value: Literal): string | undefined {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/** A literal list of names (`'email'` or `['a', 'b']`); undefined when dynamic. */
export function nameList(value: Literal): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

const INDEX_VERB = /\b(create\s+(?:unique\s+)?index|drop\s+index|reindex\s+(?:index|table)|refresh\s+materialized\s+view|detach\s+partition\s+\S+)\b/i;

/** Insert ` CONCURRENTLY` after `CREATE INDEX` / `DROP INDEX` … inside the string literal that holds it. */
export function concurrentlyInLiteral(stmt: ExtractedStatement): TextEdit[] | undefined {
  if (stmt.origin !== 'literal' || !stmt.runs) return undefined;
  const m = INDEX_VERB.exec(stmt.sql);
  if (!m || /\bconcurrently\b/i.test(stmt.sql.slice(m.index, m.index + m[0].length + 16))) return undefined;
  const at = hostOffset(stmt.runs, m.index + m[0].length - 1, stmt.range.start) + 1;
  // Written in the case the user wrote the verb in.
  return [{ start: at, end: at, newText: m[0] === m[0].toLowerCase() ? ' concurrently' : ' CONCURRENTLY' }];
}

/** Indentation of the line `offset` is on. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** `add_user_email_index` → `AddUserEmailIndex`. */
export function pascal(slug: string): string {
  return slug
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** `20240102030405`: the UTC timestamp Knex, Sequelize and MikroORM put in front of migration names. */
export function timestamp14(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Facts a builder statement keeps so `{ concurrently: true }` can be written into its options. */
export interface OptionsData {
  /** The options object literal, when the call has one. */
  options?: TextSpan;
  /** The last argument: a new options object goes after it. */
  afterArg?: TextSpan;
  concurrently?: boolean;
}

/** `concurrently: true` in the call's options (Sequelize, node-pg-migrate), or CONCURRENTLY in its SQL string. */
export function concurrentlyOption(text: string, stmt: ExtractedStatement): TextEdit[] | undefined {
  if (stmt.origin === 'literal') return concurrentlyInLiteral(stmt);
  const data = stmt.data as OptionsData | undefined;
  if (!data || data.concurrently) return undefined;
  if (data.options) {
    const open = data.options.start + 1;
    const empty = /^\{\s*\}$/.test(text.slice(data.options.start, data.options.end));
    return [{ start: open, end: open, newText: empty ? ' concurrently: true ' : ' concurrently: true,' }];
  }
  if (data.afterArg) return [{ start: data.afterArg.end, end: data.afterArg.end, newText: ', { concurrently: true }' }];
  return undefined;
}
