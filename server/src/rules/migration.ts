/**
 * Facts about a statement's place in its migration that several rules share: which relations
 * existed before the migration, which statements share its transaction, and which blocking
 * locks that transaction already holds when it starts.
 */
import { createdEarlier, type MigrationDocument, type StatementInfo } from '../document/model';
import { isRollbackFile } from '../document/runner';
import { blockedBy, conflicts, LOCK_MODES } from '../locks/modes';
import type { LockEffect } from '../locks/types';

/** Did `relation` exist before this migration (so running code may be using it)? */
export function preexisting(doc: MigrationDocument, stmt: StatementInfo, relation: string): boolean {
  return !createdEarlier(doc, relation, stmt.index) && !stmt.locks.effects.some((e) => e.object === relation && e.created);
}

/**
 * Does the statement undo a migration (a down file or section)? Rolling back removes what the up
 * migration added, after the code that used it was rolled back, so the rules about breaking
 * running code stay quiet there; the lock rules do not.
 */
export function inRollback(doc: MigrationDocument, stmt: StatementInfo): boolean {
  return stmt.section === 'down' || isRollbackFile(doc.path);
}

/** Both run in one transaction block (explicit or the runner's). */
export function sameTransaction(a: StatementInfo, b: StatementInfo): boolean {
  return a.inTransaction && b.inTransaction && a.transactionId === b.transactionId && a.section === b.section;
}

/** The statements before `stmt` in its transaction, nearest first. */
export function earlierInTransaction(doc: MigrationDocument, stmt: StatementInfo): StatementInfo[] {
  const found: StatementInfo[] = [];
  for (let i = stmt.index - 1; i >= 0 && sameTransaction(doc.statements[i], stmt); i--) found.push(doc.statements[i]);
  return found;
}

/** The statements after `stmt` in its transaction, in order. */
export function laterInTransaction(doc: MigrationDocument, stmt: StatementInfo): StatementInfo[] {
  const found: StatementInfo[] = [];
  for (let i = stmt.index + 1; i < doc.statements.length && sameTransaction(doc.statements[i], stmt); i++) found.push(doc.statements[i]);
  return found;
}

/** Cache a whole-document computation for as long as that document object lives (one lint). */
export function memoByDocument<T>(compute: (doc: MigrationDocument) => T): (doc: MigrationDocument) => T {
  const memo = new WeakMap<MigrationDocument, T>();
  return (doc) => {
    if (!memo.has(doc)) memo.set(doc, compute(doc));
    return memo.get(doc)!;
  };
}

export interface HeldLock {
  effect: LockEffect;
  /** The statement that took it. */
  by: StatementInfo;
}

/** What one transaction does while it holds locks that block reads. */
export interface LockWindow {
  /** ACCESS EXCLUSIVE (read-blocking) locks on pre-existing tables, in the order the transaction took them. */
  tables: HeldLock[];
  /** Statements that read or rewrite a whole pre-existing table while such a lock from an earlier statement is held. */
  slow: { stmt: StatementInfo; work: LockEffect; held: HeldLock[] }[];
}

/**
 * Each transaction's lock window, by statement index. Only read-blocking locks count: weaker locks
 * held to COMMIT are what every transactional migration does, and the lock rules judge each of
 * those statements on its own. PostgreSQL releases every lock only at COMMIT.
 */
export const lockWindows = memoByDocument((doc): Map<number, LockWindow> => {
  const byStatement = new Map<number, LockWindow>();
  let window: LockWindow = { tables: [], slow: [] };
  for (const stmt of doc.statements) {
    const previous = doc.statements[stmt.index - 1];
    if (!previous || !sameTransaction(previous, stmt)) window = { tables: [], slow: [] };
    byStatement.set(stmt.index, window);
    if (!stmt.inTransaction) continue;
    const existing = (e: LockEffect) =>
      (e.kind === 'table' || e.kind === 'matview') && !e.created && isNamed(e) && !createdEarlier(doc, e.object, stmt.index);
    // A lock this statement takes itself anyway (blocking at least as much) is not held longer because of the earlier one.
    const extended = window.tables.filter((h) => {
      const own = stmt.locks.effects.find((e) => e.object === h.effect.object);
      return !own || !LOCK_MODES.every((m) => !conflicts(h.effect.mode, m) || conflicts(own.mode, m));
    });
    const work = stmt.locks.effects.find((e) => existing(e) && (e.scan === true || e.rewrite === true));
    if (work && extended.length) window.slow.push({ stmt, work, held: extended });
    for (const e of stmt.locks.effects) {
      if (existing(e) && blockedBy(e.mode, e.kind).reads && !window.tables.some((h) => h.effect.object === e.object)) window.tables.push({ effect: e, by: stmt });
    }
  }
  return byStatement;
});

/** The lock model names the table of an index it has never seen `the table of <index>`: not a real relation name. */
function isNamed(e: LockEffect): boolean {
  return !e.object.startsWith('the table of ');
}

/** The statement's text on one line, shortened, to point at it in a message without a line number (messages are cached). */
export function quote(stmt: StatementInfo, max = 70): string {
  const line = stmt.text.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
