/**
 * Views (and materialized views) over a column a plan renames or drops, re-created by the plan
 * itself: the contract moves them off the old column in its own transaction, before the DROP
 * COLUMN that would otherwise fail ("other objects depend on it"), and rolling back the expand
 * phase puts the original definition back before the new column (or the archive) goes.
 *
 * Rename: the view reads the new column under the old output name (`users.handle AS username`),
 * so its columns, and what it returns, do not change. Drop: the view reads the value from the
 * plan's archive (a correlated subquery on the key), so it keeps returning what it returned.
 * Between the contract and the end of a rollback's restore the view keeps reading the new
 * column (or the archive), which holds every value; only the expand rollback, after the restore,
 * points it back at the old column.
 *
 * The definition comes from the schema history (the CREATE VIEW statement) or from the database
 * (pg_get_viewdef). It is rewritten by position from PostgreSQL's own parse tree; anything this
 * cannot rewrite with certainty (`*`, JOIN … USING the column, ambiguous self-joins) is left to
 * the user as a PLAN.md blocker.
 */
import { parseSync } from 'libpg-query';
import { dependentsOf, type DependentObject } from './dependencies';
import { dollar, lit, q } from './sqlText';

export type ViewChange =
  | { action: 'rename-column'; table: string; column: string; to: string }
  | { action: 'drop-column'; table: string; column: string; archive: string; key: string };

export interface ViewRewrite {
  object: DependentObject;
  /** Contract, before the DROP COLUMN: the view on the new shape. */
  forward: string[];
  /** Expand rollback, before the new column or the archive is dropped: the original view. */
  back: string[];
}

/** The dependent views of the changed column this module re-creates, and the notes for PLAN.md. */
export function rewriteDependentViews(objects: readonly DependentObject[] | undefined, change: ViewChange): ViewRewrite[] {
  if (!objects?.length) return [];
  const out: ViewRewrite[] = [];
  for (const o of dependentsOf(objects, change.table, change.column)) {
    if (o.kind !== 'view' && o.kind !== 'materialized view') continue;
    const rewritten = rewriteView(o, change);
    if (rewritten) out.push(rewritten);
  }
  return out;
}

/** PLAN.md lines for the views the plan re-creates. */
export function viewRewriteNotes(rewrites: readonly ViewRewrite[], change: ViewChange): string[] {
  return rewrites.map(({ object }) => {
    const how =
      change.action === 'rename-column'
        ? `reads ${change.to} under the old output name ${change.column}`
        : `reads ${change.column} from ${change.archive} (the values it had; NULL for rows added later)`;
    if (object.kind === 'materialized view') {
      return `materialized view ${object.name} depends on ${change.table}.${change.column}: the contract drops it and re-creates it WITH DATA in the same transaction, before the DROP COLUMN, so it ${how} (rolling back the expand phase re-creates the original). Its indexes and grants are not re-created: add them to the contract and to the expand rollback.`;
    }
    return `view ${object.name} depends on ${change.table}.${change.column}: the contract re-creates it in the same transaction, before the DROP COLUMN, so it ${how}, with the same columns and rows; rolling back the expand phase puts its original definition back.`;
  });
}

// ---- Rewriting one definition by position ----

type Json = Record<string, unknown>;

interface Found {
  columnRefs: Array<{ fields: string[]; star: boolean; location: number; topLevelUnnamed: boolean }>;
  ranges: Array<{ relname: string; alias?: string }>;
  usingColumns: string[];
}

function walk(node: unknown, found: Found, topTargets: Set<unknown>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, found, topTargets);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Json;
  const ref = obj.ColumnRef as Json | undefined;
  if (ref) {
    const fields = (ref.fields as Json[] | undefined) ?? [];
    found.columnRefs.push({
      fields: fields.map((f) => ((f.String as Json | undefined)?.sval as string | undefined) ?? '*'),
      star: fields.some((f) => 'A_Star' in f),
      location: Number(ref.location ?? -1),
      topLevelUnnamed: topTargets.has(node),
    });
    return;
  }
  const range = obj.RangeVar as Json | undefined;
  if (range) found.ranges.push({ relname: String(range.relname), alias: ((range.alias as Json | undefined)?.aliasname as string | undefined) ?? undefined });
  const join = obj.JoinExpr as Json | undefined;
  if (join) {
    for (const u of (join.usingClause as Json[] | undefined) ?? []) found.usingColumns.push(String((u.String as Json | undefined)?.sval));
    if (join.isNatural) found.usingColumns.push('*');
  }
  for (const value of Object.values(obj)) walk(value, found, topTargets);
}

/** The ColumnRef nodes that are whole, unnamed output columns of the view's top SELECT. */
function topLevelTargets(query: Json | undefined): Set<unknown> {
  const select = query?.SelectStmt as Json | undefined;
  const out = new Set<unknown>();
  for (const t of (select?.targetList as Json[] | undefined) ?? []) {
    const rt = t.ResTarget as Json | undefined;
    if (rt && !rt.name && rt.val && (rt.val as Json).ColumnRef) out.add(rt.val);
  }
  // A set operation's columns are named by its first branch.
  if (select?.op && select.op !== 'SETOP_NONE') for (const x of topLevelTargets(select.larg ? { SelectStmt: (select.larg as Json) } : undefined)) out.add(x);
  return out;
}

const IDENT = /"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;

/** The end (code-unit offset) of the dotted name starting at `start`, and where its last part starts. */
function dottedName(text: string, start: number): { end: number; lastStart: number } | undefined {
  let pos = start;
  let lastStart = start;
  for (;;) {
    IDENT.lastIndex = pos;
    const m = IDENT.exec(text);
    if (!m) return undefined;
    lastStart = pos;
    pos += m[0].length;
    const dot = /\s*\.\s*/y;
    dot.lastIndex = pos;
    const d = dot.exec(text);
    if (!d || text[pos + d[0].length] === '*') return { end: pos, lastStart };
    pos += d[0].length;
  }
}

function rewriteView(o: DependentObject, change: ViewChange): ViewRewrite | undefined {
  const source = o.definition.trim().replace(/;\s*$/, '');
  const isStatement = /^create\b/i.test(source);
  let stmt: Json | undefined;
  try {
    stmt = (parseSync(source).stmts?.[0]?.stmt ?? undefined) as Json | undefined;
  } catch {
    return undefined;
  }
  if (!stmt) return undefined;
  const view = stmt.ViewStmt as Json | undefined;
  const ctas = stmt.CreateTableAsStmt as Json | undefined;
  const query = isStatement ? ((view?.query ?? ctas?.query) as Json | undefined) : stmt;
  if (!query?.SelectStmt) return undefined;
  if (view && ((view.options as unknown[] | undefined)?.length || (view.aliases as unknown[] | undefined)?.length || (view.withCheckOption && view.withCheckOption !== 'NO_CHECK_OPTION'))) return undefined;

  const found: Found = { columnRefs: [], ranges: [], usingColumns: [] };
  walk(query, found, topLevelTargets(query));
  const own = found.ranges.filter((r) => r.relname === change.table);
  const qualifiers = new Set(own.map((r) => r.alias ?? r.relname));
  if (!own.length || found.usingColumns.includes(change.column) || found.usingColumns.includes('*')) return undefined;
  if (found.columnRefs.some((r) => r.star && (r.fields.length === 1 || qualifiers.has(r.fields[0])))) return undefined;

  // Work in UTF-8 bytes: the parser's locations are byte offsets.
  const bytes = Buffer.from(source, 'utf8');
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const ref of found.columnRefs) {
    if (ref.star || ref.fields[ref.fields.length - 1] !== change.column) continue;
    const qualifier = ref.fields.length > 1 ? ref.fields[ref.fields.length - 2] : undefined;
    if (qualifier !== undefined && !qualifiers.has(qualifier)) continue;
    if (qualifier === undefined && own.length > 1) return undefined;
    const startChar = bytes.subarray(0, ref.location).toString('utf8').length;
    const span = dottedName(source, startChar);
    if (!span) return undefined;
    const alias = ref.topLevelUnnamed ? ` AS ${q(change.column)}` : '';
    if (change.action === 'rename-column') {
      edits.push({ start: span.lastStart, end: span.end, text: `${q(change.to)}${alias}` });
    } else {
      const row = qualifier ?? own[0].alias ?? own[0].relname;
      const sub = `(SELECT lockstep_archive.${q(change.column)} FROM ${q(change.archive)} lockstep_archive WHERE lockstep_archive.${q(change.key)} = ${q(row)}.${q(change.key)})`;
      edits.push({ start: startChar, end: span.end, text: `${sub}${alias}` });
    }
  }
  if (!edits.length) return undefined;
  let rewritten = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) rewritten = rewritten.slice(0, e.start) + e.text + rewritten.slice(e.end);

  const name = q(o.name);
  const materialized = o.kind === 'materialized view';
  const queryOf = (text: string) => (isStatement ? text.replace(/^[\s\S]*?\bAS\b\s*/i, '').replace(/\s+WITH\s+(NO\s+)?DATA\s*$/i, '') : text);
  // The statement text up to AS is `CREATE [OR REPLACE] VIEW name`: only the query part is kept.
  if (isStatement && !/^create\s+(or\s+replace\s+)?(materialized\s+)?view\s+("(?:[^"]|"")*"|[\w$.]+)\s+as\b/i.test(source)) return undefined;
  if (!materialized) return { object: o, forward: [`CREATE OR REPLACE VIEW ${name} AS ${queryOf(rewritten)}`], back: [`CREATE OR REPLACE VIEW ${name} AS ${queryOf(source)}`] };
  const create = (text: string) => [`DROP MATERIALIZED VIEW IF EXISTS ${name}`, `CREATE MATERIALIZED VIEW ${name} AS ${queryOf(text)} WITH DATA`];
  // A materialized view cannot be replaced, only dropped (with its indexes): the rollback re-creates
  // it only if the contract did, i.e. if it reads what the rollback is about to drop.
  const [table, column] = change.action === 'rename-column' ? [change.table, change.to] : [change.archive, undefined];
  const dependsOn = `SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = 'pg_rewrite'::regclass AND r.ev_class = ${lit(name)}::regclass AND d.refobjid = ${lit(q(table))}::regclass${
    column ? ` AND d.refobjsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = ${lit(q(table))}::regclass AND attname = ${lit(column)})` : ''
  }`;
  const back = `DO ${dollar(`BEGIN\n  IF EXISTS (${dependsOn}) THEN\n${create(source).map((s) => `    ${s};`).join('\n')}\n  END IF;\nEND`)}`;
  return { object: o, forward: create(rewritten), back: [back] };
}
