/**
 * Facts about a statement's place in its migration that several rules share: which relations
 * existed before the migration, which statements share its transaction, and which blocking
 * locks that transaction already holds when it starts.
 */
import type { LockstepConfig } from '../config/types';
import { createdEarlier, runToEnd, schemasNaming, type MigrationDocument, type StatementInfo } from '../document/model';
import { isRollbackFile } from '../document/runner';
import { durationMs, lockTimeoutChange } from '../document/settings';
import { baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import { blockedBy, conflicts, LOCK_MODES, strongest, type LockMode } from '../locks/modes';
import type { LockEffect } from '../locks/types';
import { patchedFrom, previousWithSameLockFacts, Remap } from './documentReuse';

/** Did `relation` exist before this migration (so running code may be using it)? */
export function preexisting(doc: MigrationDocument, stmt: StatementInfo, relation: string): boolean {
  if (createdEarlier(doc, relation, stmt.index)) return false;
  // A loop, not `some` with a closure: a dozen rules ask this of every ALTER TABLE.
  for (const e of stmt.locks.effects) if (e.object === relation && e.created) return false;
  return true;
}

/**
 * Does the statement undo a migration (a down file or section)? Rolling back removes what the up
 * migration added, after the code that used it was rolled back, so the rules about breaking
 * running code stay quiet there; the lock rules do not.
 */
export function inRollback(doc: MigrationDocument, stmt: StatementInfo): boolean {
  return stmt.section === 'down' || isRollbackFile(doc.path);
}

/**
 * In a rollback, was `relation` created by the up migration it undoes? A down section: the up
 * section of the same file created it. A down file (golang-migrate `.down.sql`, Diesel `down.sql`,
 * …): its up file is not among the earlier migrations replayed into the schema, so a relation the
 * schema does not know came from that up (the lock model then names it `the table of <index>`).
 */
export function createdByUp(doc: MigrationDocument, stmt: StatementInfo, relation: string): boolean {
  if (!inRollback(doc, stmt)) return false;
  if (stmt.section === 'down') {
    const schema = schemasNaming(stmt.ast, relation)[0] ?? stmt.searchSchema;
    return (doc.createdIn.get(`${schema}.${relation}`) ?? []).some((at) => doc.statements[at].section === 'up');
  }
  return stmt.locks.effects.some((e) => !isNamed(e) && e.object === `the table of ${relation}`);
}

/**
 * The table a statement loads rows into (INSERT, COPY … FROM, CREATE TABLE AS with data), else
 * undefined: all a rule with `reach.loads` reads of an earlier statement besides its kind.
 */
export function loadedTable(s: Pick<StatementInfo, 'ast'>): string | undefined {
  const x = inner(s.ast);
  switch (kindOf(s.ast)) {
    case 'InsertStmt':
      return baseName(rangeVarName(x.relation));
    case 'CopyStmt':
      return x.is_from ? baseName(rangeVarName(x.relation)) : undefined;
    case 'CreateTableAsStmt':
      return x.into?.skipData ? undefined : baseName(rangeVarName(x.into?.rel));
    default:
      return undefined;
  }
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

/**
 * Whole-document indexes that cost a walk over every statement (hundreds of ms on a 10,000-statement
 * file). A rule builds one in one go on first use; the language server's sliced lint builds them
 * before the rules run, pausing after each statement (`warmDocumentIndexes`, engine.ts lintSteps),
 * so no single slice of a lint holds the event loop for a whole walk.
 */
const warmers: ((doc: MigrationDocument, config: LockstepConfig) => Generator<void, void>)[] = [];

/**
 * `memoByDocument` for a computation written as steps (a `yield` after each statement while `pauses`:
 * the warmers pause, a rule asking first builds it in one go, with no generator resumed per statement).
 * `keptByPatches`: the index reads nothing an engine patch changes (documentReuse.ts patchedFrom: kinds,
 * places, transactions, settings, locks, schema-changing ASTs), so a patched document shares its
 * predecessor's (statement records in it may be the predecessor's: find them by index).
 */
export function memoByDocumentSteps<T>(compute: (doc: MigrationDocument, pauses: boolean) => Generator<void, T>, keptByPatches = false): (doc: MigrationDocument) => T {
  const memo = new WeakMap<MigrationDocument, T>();
  const carried = (doc: MigrationDocument): boolean => {
    const from = keptByPatches ? patchedFrom(doc) : undefined;
    if (!from || !memo.has(from)) return false;
    memo.set(doc, memo.get(from)!);
    return true;
  };
  warmers.push(function* (doc) {
    if (!memo.has(doc) && !carried(doc)) memo.set(doc, yield* compute(doc, true));
  });
  return (doc) => {
    if (!memo.has(doc) && !carried(doc)) memo.set(doc, runToEnd(compute(doc, false)));
    return memo.get(doc)!;
  };
}

/** Builds every `memoByDocumentSteps` index of `doc` (and its lock_timeout gaps) in steps; the rules then find them built. */
export function* warmDocumentIndexes(doc: MigrationDocument, config: LockstepConfig): Generator<void, void> {
  for (const warm of warmers) yield* warm(doc, config);
}

export interface HeldLock {
  effect: LockEffect;
  /**
   * The statement that took it: after a relint the index may be carried over from an earlier lint of
   * the same document, whose record has the same index and locks but maybe another text and span.
   * Read its text through `doc.statements[by.index]`.
   */
  by: StatementInfo;
}

/** What one transaction does while it holds locks that block reads (statements: see HeldLock.by). */
export interface LockWindow {
  /** ACCESS EXCLUSIVE (read-blocking) locks on pre-existing tables, in the order the transaction took them. */
  tables: HeldLock[];
  /** Statements that read or rewrite a whole pre-existing table while such a lock from an earlier statement is held. */
  slow: { stmt: StatementInfo; work: LockEffect; held: HeldLock[] }[];
}

/**
 * A whole-document index built by visiting the statements in order, one call per statement. Written
 * as a fold rather than a generator so a lint that needs it at once (the CLI) walks the statements in
 * a plain loop: resuming nested generators once per statement cost more than the work itself.
 */
export interface StatementFold<T> {
  add(stmt: StatementInfo): void;
  result(): T;
}

/**
 * `memoByDocumentSteps` for a fold: built in steps (a pause before each statement) by the warmers,
 * in one plain loop when a rule asks first. `carried`: the previous lint's index when an edit
 * cannot have changed it (then no statement is visited).
 */
export function memoByDocumentFold<T>(carried: (doc: MigrationDocument) => T | undefined, fold: (doc: MigrationDocument) => StatementFold<T>): (doc: MigrationDocument) => T {
  const memo = new WeakMap<MigrationDocument, T>();
  warmers.push(function* (doc) {
    if (memo.has(doc)) return;
    let built = carried(doc);
    if (built === undefined) {
      const f = fold(doc);
      for (const stmt of doc.statements) {
        yield;
        f.add(stmt);
      }
      built = f.result();
    }
    memo.set(doc, built);
  });
  return (doc) => {
    if (!memo.has(doc)) memo.set(doc, carried(doc) ?? foldNow(doc, fold(doc)));
    return memo.get(doc)!;
  };
}

function foldNow<T>(doc: MigrationDocument, fold: StatementFold<T>): T {
  // Indexed: a one-shot lint runs this before V8 optimises it, and a `for…of` iterator costs there.
  const statements = doc.statements;
  for (let i = 0; i < statements.length; i++) fold.add(statements[i]);
  return fold.result();
}

/**
 * Each transaction's lock window, by statement index. Only read-blocking locks count: weaker locks
 * held to COMMIT are what every transactional migration does, and the lock rules judge each of
 * those statements on its own. PostgreSQL releases every lock only at COMMIT.
 */
export const lockWindows = memoByDocumentFold(carriedWindows, (doc) => new LockWindowFold(doc));

class LockWindowFold implements StatementFold<Map<number, LockWindow>> {
  private readonly byStatement = new Map<number, LockWindow>();
  private window: LockWindow = { tables: [], slow: [] };

  constructor(private readonly doc: MigrationDocument) {
    builtWindows.set(doc, this.byStatement);
  }

  add(stmt: StatementInfo): void {
    const { doc } = this;
    const previous = doc.statements[stmt.index - 1];
    if (!previous || !sameTransaction(previous, stmt)) this.window = { tables: [], slow: [] };
    const window = this.window;
    this.byStatement.set(stmt.index, window);
    if (!stmt.inTransaction) return;
    const effects = stmt.locks.effects;
    // A lock this statement takes itself anyway (blocking at least as much) is not held longer because of the earlier one.
    const extended = window.tables.length === 0 ? window.tables : window.tables.filter((h) => {
      const own = effects.find((e) => e.object === h.effect.object);
      return !own || !holdsAtLeast(own.mode, h.effect.mode);
    });
    if (extended.length) {
      const work = effects.find((e) => (e.scan === true || e.rewrite === true) && existingRelation(doc, e, stmt.index));
      if (work) window.slow.push({ stmt, work, held: extended });
    }
    for (const e of effects) {
      // The cheap tests first: createdEarlier may walk the statement's AST.
      if (blockedBy(e.mode, e.kind).reads && !window.tables.some((h) => h.effect.object === e.object) && existingRelation(doc, e, stmt.index)) {
        window.tables.push({ effect: e, by: stmt });
      }
    }
  }

  result(): Map<number, LockWindow> {
    return this.byStatement;
  }
}

/** A lock on a table or materialized view that existed before the migration (not created in it). */
function existingRelation(doc: MigrationDocument, e: LockEffect, before: number): boolean {
  return (e.kind === 'table' || e.kind === 'matview') && !e.created && isNamed(e) && !createdEarlier(doc, e.object, before);
}

const builtWindows = new WeakMap<MigrationDocument, Map<number, LockWindow>>();

/**
 * The previous lint's lock windows when the edit cannot have changed them (documentReuse.ts): the same
 * map, its statements found by index (HeldLock.by). Rebuilding or re-pointing it walked every statement.
 */
function carriedWindows(doc: MigrationDocument): Map<number, LockWindow> | undefined {
  const previous = previousWithSameLockFacts(doc);
  const old = previous && builtWindows.get(previous);
  if (old) builtWindows.set(doc, old);
  return old;
}

/** The lock model names the table of an index it has never seen `the table of <index>`: not a real relation name. */
function isNamed(e: LockEffect): boolean {
  return !e.object.startsWith('the table of ');
}

/** The statement's text on one line, shortened, to point at it in a message without a line number (messages are cached). */
export function quote(stmt: StatementInfo, max = 70): string {
  const line = stmt.text.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Does a lock already held by the transaction (`held`) make a request for `wanted` on the same relation never queue? */
export function holdsAtLeast(held: LockMode, wanted: LockMode): boolean {
  return LOCK_MODES.every((m) => !conflicts(wanted, m) || conflicts(held, m));
}

/**
 * The statements one timeout prelude covers: one transaction, or a run of consecutive autocommit
 * statements of one section (a session-level SET before the run covers all of it).
 */
export function sameTimeoutUnit(a: StatementInfo, b: StatementInfo): boolean {
  if (a.section !== b.section || a.inTransaction !== b.inTransaction) return false;
  return !a.inTransaction || a.transactionId === b.transactionId;
}

/** A lock a statement requests on a relation others may be using. */
export interface LockRequest {
  stmt: StatementInfo;
  effect: LockEffect;
}

/** One unit's missing (or too long) lock_timeout, found on its first waiting statement. */
export interface TimeoutGap {
  /**
   * The transaction or autocommit run: statements `unitStart` to `unitEnd` (exclusive) of the document, by index
   * (a relint keeps the statements' indexes, so a gap does not hold a copy of a unit of thousands per edit).
   */
  unitStart: number;
  unitEnd: number;
  /** Blocking lock requests with no adequate lock_timeout, not already held by the transaction: one per relation, strongest mode. */
  waits: LockRequest[];
  /** `SET LOCAL lock_timeout` statements before the first wait that ran outside a transaction (and so did nothing). */
  localOutside: StatementInfo[];
  /** The last statement of the unit that requests such a lock (listed or not): a prelude must cover up to it. */
  last: StatementInfo;
}

/**
 * Per unit, the lock requests that may queue with no lock_timeout in force (or one longer than
 * `ceilingMs`), keyed by the index of the first such statement. A request for a lock the transaction
 * already holds (at least as strong) is granted at once, so it never counts.
 */
export function timeoutGaps(doc: MigrationDocument, ceilingMs: number): Map<number, TimeoutGap> {
  const memo = gapsByCeiling(doc);
  let gaps = memo.get(ceilingMs);
  if (!gaps) memo.set(ceilingMs, (gaps = carriedGaps(doc, ceilingMs) ?? foldNow(doc, new GapFold(doc, ceilingMs))));
  return gaps;
}

const gapsByCeiling = memoByDocument((): Map<number, Map<number, TimeoutGap>> => new Map());

// require-lock-timeout asks for the config's own ceiling: built in steps before the rules run.
warmers.push(function* (doc, config) {
  const ceilingMs = durationMs(config.lockTimeout);
  const memo = gapsByCeiling(doc);
  if (memo.has(ceilingMs)) return;
  let gaps = carriedGaps(doc, ceilingMs);
  if (!gaps) {
    const fold = new GapFold(doc, ceilingMs);
    for (const stmt of doc.statements) {
      yield;
      fold.add(stmt);
    }
    gaps = fold.result();
  }
  memo.set(ceilingMs, gaps);
});

/** The previous lint's gaps for this ceiling, on this document's statements, when the edit cannot have changed them. */
function carriedGaps(doc: MigrationDocument, ceilingMs: number): Map<number, TimeoutGap> | undefined {
  const previous = previousWithSameLockFacts(doc);
  const old = previous && gapsByCeiling(previous).get(ceilingMs);
  if (!old) return undefined;
  const remap = new Remap(doc);
  const gaps = new Map<number, TimeoutGap>();
  for (const [index, g] of old) gaps.set(index, remapGap(g, remap));
  return gaps;
}

/**
 * A gap on the new document's statements. A unit the edit left alone (every statement before the edit keeps its
 * record) keeps its gap object: only the units holding moved or re-linted statements are copied, so an edit
 * does not allocate a copy of every gap in the file.
 */
function remapGap(g: TimeoutGap, remap: Remap): TimeoutGap {
  const waits = mapKeepingSame(g.waits, (w) => {
    const stmt = remap.statement(w.stmt);
    const effect = remap.effect(w.stmt, w.effect);
    return stmt === w.stmt && effect === w.effect ? w : { stmt, effect };
  });
  const localOutside = mapKeepingSame(g.localOutside, (s) => remap.statement(s));
  const last = remap.statement(g.last);
  if (waits === g.waits && localOutside === g.localOutside && last === g.last) return g;
  return { unitStart: g.unitStart, unitEnd: g.unitEnd, waits, localOutside, last };
}

/** `list.map(map)`, or `list` itself when every element maps to itself (map is a cheap lookup: called again on a copy). */
function mapKeepingSame<T>(list: T[], map: (item: T) => T): T[] {
  for (let i = 0; i < list.length; i++) if (map(list[i]) !== list[i]) return list.map(map);
  return list;
}

/** The gaps of a document's units, a statement at a time: each unit's state is reset where the next unit starts. */
class GapFold implements StatementFold<Map<number, TimeoutGap>> {
  private readonly gaps = new Map<number, TimeoutGap>();
  /** The unit's first and latest statement (a unit is a run of consecutive statements). */
  private unitFirst: StatementInfo | undefined;
  private unitLatest: StatementInfo | undefined;
  private held = new Map<string, LockMode>();
  private waits: LockRequest[] = [];
  private localOutside: StatementInfo[] = [];
  private last: StatementInfo | undefined;

  constructor(
    private readonly doc: MigrationDocument,
    private readonly ceilingMs: number,
  ) {}

  add(stmt: StatementInfo): void {
    if (this.unitLatest && !sameTimeoutUnit(this.unitLatest, stmt)) this.closeUnit();
    this.unitFirst ??= stmt;
    this.unitLatest = stmt;
    const { doc, ceilingMs, held, waits } = this;
    const bounded = stmt.lockTimeoutMs > 0 && (ceilingMs === 0 || stmt.lockTimeoutMs <= ceilingMs);
    for (const effect of stmt.locks.effects) {
      if (bounded || effect.created || effect.implied || effect.kind === 'index' || !blockedBy(effect.mode, effect.kind).writes) continue;
      const had = stmt.inTransaction ? held.get(effect.object) : undefined;
      // createdEarlier last: it may walk the statement's AST.
      if ((had && holdsAtLeast(had, effect.mode)) || createdEarlier(doc, effect.object, stmt.index)) continue;
      this.last = stmt;
      // Listed once per relation, unless a later statement asks for a stronger lock on it.
      if (!waits.some((w) => w.effect.object === effect.object && holdsAtLeast(w.effect.mode, effect.mode))) waits.push({ stmt, effect });
    }
    if (stmt.inTransaction) for (const e of stmt.locks.effects) held.set(e.object, strongest(held.get(e.object) ?? e.mode, e.mode));
    if (!stmt.inTransaction && waits.length === 0 && lockTimeoutChange(stmt.ast)?.local) this.localOutside.push(stmt);
  }

  result(): Map<number, TimeoutGap> {
    if (this.unitLatest) this.closeUnit();
    return this.gaps;
  }

  private closeUnit(): void {
    const { unitFirst, unitLatest, waits, localOutside, last } = this;
    if (waits.length && last && unitFirst && unitLatest) this.gaps.set(waits[0].stmt.index, { unitStart: unitFirst.index, unitEnd: unitLatest.index + 1, waits, localOutside, last });
    this.unitFirst = undefined;
    this.unitLatest = undefined;
    this.held = new Map();
    this.waits = [];
    this.localOutside = [];
    this.last = undefined;
  }
}
