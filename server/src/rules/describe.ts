/**
 * Words for lock facts. Every rule message and hover names locks through these helpers,
 * which read the lock model and the conflict matrix, so no message restates a lock level.
 */
import type { StatementInfo } from '../document/model';
import { blockedBy, sqlName } from '../locks/modes';
import type { LockEffect, PartEffect } from '../locks/types';
import type { AstNode } from '../parse/ast';
import type { TextSpan } from '../findings';

/** `a SHARE lock on orders, blocking writes (INSERT/UPDATE/DELETE)`. */
export function describeLock(effect: LockEffect): string {
  const blocked = blockedBy(effect.mode);
  const what = blocked.reads ? 'reads and writes' : blocked.writes ? 'writes (INSERT/UPDATE/DELETE)' : blocked.ddl ? 'schema changes and maintenance' : 'nothing but the strongest locks';
  const name = sqlName(effect.mode);
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} lock on ${effect.object}, blocking ${what}`;
}

/** The effect on `object` (the table a rule is about), if the model reports one. */
export function effectOn(stmt: StatementInfo | PartEffect, object: string): LockEffect | undefined {
  const effects = 'locks' in stmt ? stmt.locks.effects : stmt.effects;
  return effects.find((e) => e.object === object && e.kind !== 'index') ?? effects.find((e) => e.object === object);
}

/** The first effect on a table or matview (the statement's main target). */
export function mainEffect(effects: LockEffect[]): LockEffect | undefined {
  return effects.find((e) => (e.kind === 'table' || e.kind === 'matview') && !e.implied) ?? effects[0];
}

/** Span of an AST sub-node (an ALTER TABLE subcommand, say), falling back to the statement. */
export function spanOf(stmt: StatementInfo, node: AstNode | undefined): TextSpan {
  const inner = node ? (Object.values(node)[0] as AstNode | undefined) : undefined;
  // AlterTableCmd has no location of its own; its definition (ColumnDef, Constraint) does.
  const def = inner?.def ? (Object.values(inner.def)[0] as AstNode | undefined) : undefined;
  const location = inner?.location ?? def?.location;
  if (typeof location !== 'number' || location < 0) return stmt.span;
  const start = stmt.toDocOffset(location);
  if (start < stmt.span.start || start >= stmt.span.end) return stmt.span;
  // Underline from the subcommand to the end of its line or statement, whichever comes first.
  const rest = stmt.text.slice(start - stmt.span.start);
  const stop = rest.search(/[,;\n]/);
  return { start, end: stop > 0 ? start + stop : stmt.span.end };
}

/** The ALTER TABLE target, when the statement is one. */
export function alteredTable(stmt: StatementInfo): string | undefined {
  if (!('AlterTableStmt' in stmt.ast)) return undefined;
  const relation = (stmt.ast as AstNode).AlterTableStmt.relation;
  return relation?.relname;
}

/** Parts of an ALTER TABLE with one of the given subcommand types. */
export function partsWithAction(stmt: StatementInfo, ...actions: string[]): PartEffect[] {
  return stmt.locks.parts.filter((p) => actions.includes(p.action));
}
