/**
 * CREATE FUNCTION / PROCEDURE: PostgreSQL takes no lock on a relation to store a routine, but a
 * SQL-language body is parse-analysed when it is created, and analysis opens every relation the
 * body names in the mode its statement will need. A string body (`AS $$ … $$`) is analysed (and
 * rewritten, which expands views) only with check_function_bodies on (the default) and no
 * polymorphic argument; a SQL-standard body (`BEGIN ATOMIC … END`, `RETURN …`) always is.
 * PL/pgSQL and other languages' bodies are only parsed: no relation is opened.
 */
import { parseSync } from 'libpg-query';
import { relationsRead, routineBody } from '../catalog/catalog';
import { isOff, settingChange } from '../document/settings';
import { as, baseName, list, names, rangeVarName, walk, type AstNode } from '../parse/ast';
import type { LockMode } from './modes';
import { effect } from './queries';
import type { LockContext, LockEffect, ObjectKind } from './types';

/** Statements whose target relation parse analysis opens ROW EXCLUSIVE. */
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** Pseudo-types that make an argument polymorphic: PostgreSQL then analyses the body at the first call. */
const POLYMORPHIC = /^any(element|array|nonarray|enum|range|multirange|compatible|compatiblearray|compatiblenonarray|compatiblerange|compatiblemultirange)$/;

export function routineBodyLocks(s: AstNode, ctx: LockContext): { effects: LockEffect[]; notes: string[] } {
  const options = list(s.options).map((o) => as(o, 'DefElem'));
  const language = String(options.find((d) => d?.defname === 'language')?.arg?.String?.sval ?? 'sql').toLowerCase();
  if (language !== 'sql') return { effects: [], notes: [] };
  let body: unknown = s.sql_body;
  if (!body) {
    if (!checksBodies(options, ctx) || hasPolymorphicArgument(s)) return { effects: [], notes: [] };
    body = parseBody(routineBody(s.options));
  }
  const effects = relationLocks(body, ctx);
  const notes = effects.length ? ['the SQL body is analysed when the routine is created: each relation it names is locked in the mode its statement needs, until the transaction ends'] : [];
  return { effects, notes };
}

/** check_function_bodies as the session has it, unless the routine's own `SET check_function_bodies` (applied while it is validated) overrides it. */
function checksBodies(options: (AstNode | undefined)[], ctx: LockContext): boolean {
  for (const d of options) {
    const change = d?.defname === 'set' && d.arg ? settingChange(d.arg, 'check_function_bodies') : undefined;
    if (change) return !isOff(change.value);
  }
  return ctx.checkFunctionBodies ?? true;
}

function hasPolymorphicArgument(s: AstNode): boolean {
  return list(s.parameters).some((p) => {
    const param = as(p, 'FunctionParameter');
    if (!param || param.mode === 'FUNC_PARAM_OUT' || param.mode === 'FUNC_PARAM_TABLE') return false;
    return POLYMORPHIC.test(names(param.argType?.names).pop() ?? '');
  });
}

/** The body's statements; a body the parser rejects is rejected by PostgreSQL too, so it locks nothing. */
function parseBody(text: string | undefined): AstNode[] {
  if (!text || !text.trim()) return [];
  try {
    return (parseSync(text).stmts ?? []).map((raw: AstNode) => raw.stmt);
  } catch {
    return [];
  }
}

/**
 * The locks parse analysis and the rewriter take for `body`: ACCESS SHARE on what it reads, ROW SHARE on
 * what `SELECT … FOR UPDATE/SHARE` locks, ROW EXCLUSIVE on what INSERT/UPDATE/DELETE/MERGE write, and a
 * view's own relations in the view's mode. Nothing is planned: no index is opened and nothing is read.
 */
export function relationLocks(body: unknown, ctx: LockContext): LockEffect[] {
  const modes = new Map<string, LockMode>(relationsRead({ body }, (t) => !!ctx.catalog.relation(t)).map((t) => [t, 'AccessShareLock']));
  walk(body, (kind, value) => {
    if (WRITES.has(kind) && value.relation) modes.set(baseName(rangeVarName(value.relation)), 'RowExclusiveLock');
    if (kind === 'SelectStmt' && list(value.lockingClause).length) {
      for (const t of lockedRelations(value)) if (modes.get(t) !== 'RowExclusiveLock') modes.set(t, 'RowShareLock');
    }
  });
  const effects: LockEffect[] = [];
  const seen = new Set<string>();
  const open = (name: string, mode: LockMode): void => {
    if (seen.has(`${name} ${mode}`)) return;
    seen.add(`${name} ${mode}`);
    const relation = ctx.catalog.relation(name);
    effects.push(effect(name, KINDS[relation?.kind ?? ''] ?? 'table', mode));
    // The rewriter expands a view into its query, opening the view's relations in the view's mode.
    if (relation?.kind === 'view') for (const base of relation.dependsOn ?? []) open(base, mode);
  };
  for (const [name, mode] of modes) open(name, mode);
  return effects;
}

const KINDS: Record<string, ObjectKind> = { view: 'view', matview: 'matview', sequence: 'sequence' };

/** The relations a `FOR UPDATE/SHARE` clause locks: those it names (by name or alias), or all of the FROM list. */
function lockedRelations(select: AstNode): string[] {
  const from: { name: string; alias?: string }[] = [];
  walk(select.fromClause, (kind, value) => {
    if (kind === 'RangeVar') from.push({ name: baseName(rangeVarName(value)), alias: value.alias?.aliasname });
  });
  const named = list(select.lockingClause).flatMap((c) => list(as(c, 'LockingClause')?.lockedRels).map((r) => as(r, 'RangeVar')?.relname as string));
  if (list(select.lockingClause).some((c) => list(as(c, 'LockingClause')?.lockedRels).length === 0)) return from.map((f) => f.name);
  return from.filter((f) => named.includes(f.alias ?? f.name)).map((f) => f.name);
}
