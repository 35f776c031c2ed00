/**
 * Words for lock facts. Every rule message and hover names locks through these helpers,
 * which read the lock model and the conflict matrix, so no message restates a lock level.
 */
import type { StatementInfo } from '../document/model';
import { blockedBy, conflicts, sqlName } from '../locks/modes';
import type { LockEffect, PartEffect } from '../locks/types';
import { as, inner, kindOf, list, type AstNode } from '../parse/ast';
import { Catalog } from '../catalog/catalog';
import { analyzeLocks } from '../locks/model';
import type { TextSpan } from '../findings';

/** `a SHARE lock on orders, blocking writes (INSERT/UPDATE/DELETE)`. */
export function describeLock(effect: LockEffect): string {
  const blocked = blockedBy(effect.mode, effect.kind);
  const what = blocked.reads
    ? 'reads and writes'
    : blocked.writes
      ? 'writes (INSERT/UPDATE/DELETE)'
      : conflicts(effect.mode, 'ShareUpdateExclusiveLock')
        ? 'schema changes and maintenance (VACUUM, CREATE INDEX CONCURRENTLY)'
        : conflicts(effect.mode, 'ShareLock')
          ? 'CREATE INDEX and most ALTER TABLE forms'
          : 'only ACCESS EXCLUSIVE statements (most ALTER TABLE forms)';
  const name = sqlName(effect.mode);
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} lock on ${effect.object}, blocking ${what}`;
}

/** The name the per-table lock of a database- or schema-wide statement is described with. */
export const EACH_TABLE = 'each table';

/**
 * The lock a statement without a table (`CLUSTER;`, `VACUUM FULL;`, `REINDEX SCHEMA s`) takes on
 * each table it works through, asked from the lock model by naming a stand-in table.
 */
export function lockOnEachTable(stmt: StatementInfo, pgVersion: number): LockEffect | undefined {
  const s = inner(stmt.ast);
  const relation = { relname: EACH_TABLE, inh: true, relpersistence: 'p' };
  const kind = kindOf(stmt.ast);
  const named: AstNode | undefined =
    kind === 'ClusterStmt'
      ? { ClusterStmt: { ...s, relation } }
      : kind === 'VacuumStmt'
        ? { VacuumStmt: { ...s, rels: [{ VacuumRelation: { relation } }] } }
        : kind === 'ReindexStmt'
          ? { ReindexStmt: { ...s, kind: 'REINDEX_OBJECT_TABLE', name: undefined, relation } }
          : undefined;
  if (!named) return undefined;
  return analyzeLocks(named, { pgVersion, catalog: new Catalog() }).effects.find((e) => e.object === EACH_TABLE);
}

/** A boolean option of a parenthesised list (`(CONCURRENTLY)`, `(FULL false)`): on when named without a value or with a true one. */
export function optionOn(options: unknown, name: string): boolean {
  const option = list(options).map((o) => as(o, 'DefElem')).find((d) => d?.defname === name);
  if (!option) return false;
  const arg = option.arg;
  if (arg === undefined) return true;
  // The parser leaves out zero and false values: `{ Integer: {} }` is 0, `{ Boolean: {} }` is false.
  const value = arg.String ? String(arg.String.sval ?? '') : arg.Integer ? String(arg.Integer.ival ?? 0) : arg.Boolean ? String(arg.Boolean.boolval ?? false) : 'true';
  return !['false', 'off', '0', 'no', 'f', 'n'].includes(value.toLowerCase());
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

/** The `lockstep scaffold` command line that writes the whole plan, with the names filled in (shell-quoted when needed). */
export function scaffoldCommand(kind: string, args: Record<string, string>): string {
  const word = (v: string) => (/^[A-Za-z0-9_.-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return ['lockstep scaffold', kind, ...Object.entries(args).map(([k, v]) => `--${k} ${word(v)}`)].join(' ');
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
  // Underline from the subcommand to the comma, semicolon or line end that closes it.
  const rest = stmt.text.slice(start - stmt.span.start);
  const stop = endOfClause(rest);
  return { start, end: stop > 0 ? start + stop : stmt.span.end };
}

/** Index of the first `,`, `;`, newline or unmatched `)` outside parentheses and quotes, or -1. */
function endOfClause(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      // The `)` that closes the list the clause sits in (the last column of CREATE TABLE) ends it.
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (c === ',' || c === ';' || c === '\n')) return i;
  }
  return -1;
}

/** Span of the first match of `pattern` in the statement's text, or the statement. */
export function spanOfMatch(stmt: StatementInfo, pattern: RegExp): TextSpan {
  const m = pattern.exec(stmt.text);
  return m ? { start: stmt.span.start + m.index, end: stmt.span.start + m.index + m[0].length } : stmt.span;
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

/** Span of a clause given by its words (`SET UNLOGGED`, `DETACH PARTITION events_2024`), whatever the spacing between them. */
export function spanOfWords(stmt: StatementInfo, words: string): TextSpan {
  return spanOfMatch(stmt, new RegExp(words.trim().split(/\s+/).map((w) => `"?${escapeRegExp(w)}"?`).join('\\s+'), 'i'));
}

/** `name` as a literal inside a RegExp (for spanOfMatch patterns built from identifiers). */
export function escapeRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The constraint of type `contype` a part adds, as ADD CONSTRAINT or inside ADD COLUMN,
 * with the added column when it came from one.
 */
export function addedConstraint(part: PartEffect, contype: string): { con: AstNode; column?: AstNode } | undefined {
  const cmd = (part.node as AstNode).AlterTableCmd;
  const column = cmd?.def?.ColumnDef as AstNode | undefined;
  const con = column
    ? (column.constraints as AstNode[] | undefined)?.map((c) => c.Constraint as AstNode | undefined).find((c) => c?.contype === contype)
    : (cmd?.def?.Constraint as AstNode | undefined);
  return con && con.contype === contype ? { con, column } : undefined;
}
