/**
 * The whole-document lock indexes (each transaction's lock window, each unit's missing lock_timeout)
 * carried over from the language server's previous lint of the same document when the edit cannot
 * have changed them: every statement still in the same place, transaction, section and settings,
 * and any statement whose text changed (a comment, a string, a backfill's WHERE) still taking the
 * same locks, naming the same schemas and creating the same relations. Rebuilding them walked every
 * lock of every statement on each keystroke (a quarter of a 20,000-line relint).
 * The carried-over index points at the new document's statements (by index) and their lock effects.
 */
import { createdBy, createdIn, schemasNaming, type MigrationDocument, type StatementInfo } from '../document/model';
import { lockTimeoutChange } from '../document/settings';
import type { LockEffect } from '../locks/types';
import { sameData } from '../document/sameData';

export { sameData };

const previousOf = new WeakMap<MigrationDocument, MigrationDocument>();
const verdicts = new WeakMap<MigrationDocument, boolean>();

/** `doc` is a relint of `previous`'s text after an edit (engine.ts, with a cache). */
export function derivedFrom(doc: MigrationDocument, previous: MigrationDocument): void {
  previousOf.set(doc, previous);
}

/**
 * `doc` is the engine's patch of `previous` (document/patch.ts): its statements' places, transactions,
 * settings and locks are the previous ones by construction, so the indexes carry over without comparing.
 */
export function derivedWithSameLockFacts(doc: MigrationDocument, previous: MigrationDocument): void {
  previousOf.set(doc, previous);
  verdicts.set(doc, true);
  patches.set(doc, previous);
}

const patches = new WeakMap<MigrationDocument, MigrationDocument>();

/**
 * The document `doc` patches (during its lint): every statement has the previous one's kind, place,
 * transaction, settings and locks, and every schema-changing statement the same AST but for locations.
 */
export function patchedFrom(doc: MigrationDocument): MigrationDocument | undefined {
  return patches.get(doc);
}

/** After the lint: `doc` no longer holds on to its predecessor (a chain of every version otherwise). */
export function forgetPrevious(doc: MigrationDocument): void {
  previousOf.delete(doc);
  verdicts.delete(doc);
  patches.delete(doc);
}

/** The previous lint's document when every fact the lock indexes read is the same in both; else undefined. */
export function previousWithSameLockFacts(doc: MigrationDocument): MigrationDocument | undefined {
  const previous = previousOf.get(doc);
  if (!previous) return undefined;
  let same = verdicts.get(doc);
  if (same === undefined) verdicts.set(doc, (same = sameLockFacts(previous, doc)));
  return same ? previous : undefined;
}

function sameLockFacts(a: MigrationDocument, b: MigrationDocument): boolean {
  if (a.statements.length !== b.statements.length || a.path !== b.path) return false;
  for (let i = 0; i < a.statements.length; i++) {
    const s = a.statements[i];
    const t = b.statements[i];
    if (s.section !== t.section || s.inTransaction !== t.inTransaction || s.transactionId !== t.transactionId) return false;
    if (s.lockTimeoutMs !== t.lockTimeoutMs || s.searchSchema !== t.searchSchema) return false;
    // The same parse and the same analysis: nothing to compare further (every untouched statement).
    if (s.ast === t.ast && s.locks === t.locks) continue;
    if (!sameStatementFacts(s, t)) return false;
  }
  return true;
}

/** What the indexes read of one statement besides its place: its locks, the relations it creates, the schemas it names for them, a lock_timeout it sets. */
export function sameStatementFacts(s: StatementInfo, t: StatementInfo): boolean {
  if (!sameData(s.locks.effects, t.locks.effects)) return false;
  if (!sameData(createdBy(s.ast), createdBy(t.ast)) || !sameData(createdIn(s.ast, s.searchSchema), createdIn(t.ast, t.searchSchema))) return false;
  for (const e of s.locks.effects) if (!sameData(schemasNaming(s.ast, e.object), schemasNaming(t.ast, e.object))) return false;
  return sameData(lockTimeoutChange(s.ast), lockTimeoutChange(t.ast));
}

/** Maps objects of the previous document's index to the new document's statements and effects. */
export class Remap {
  private readonly seen = new Map<object, object>();

  constructor(private readonly doc: MigrationDocument) {}

  statement(s: StatementInfo): StatementInfo {
    return this.doc.statements[s.index];
  }

  effect(s: StatementInfo, e: LockEffect): LockEffect {
    const now = this.statement(s).locks;
    return now === s.locks ? e : now.effects[s.locks.effects.indexOf(e)];
  }

  /** The same mapped object for the same old one (indexes share records between statements). */
  once<T extends object>(old: T, map: (old: T) => T): T {
    let mapped = this.seen.get(old) as T | undefined;
    if (!mapped) this.seen.set(old, (mapped = map(old)));
    return mapped;
  }
}
