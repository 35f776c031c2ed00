/**
 * The patch path for an edit that changes only one relation's columns (readVersions.ts
 * `columnsOnlyTarget` on both sides, the same relation): renaming the column an `ALTER TABLE t ADD
 * COLUMN` adds. Every later statement's fingerprint changes, but the schema it sees differs only in
 * t's columns, so only the later statements whose analysis looked t up (their read sets) are analysed
 * again; every other statement keeps its analysis. Bails (undefined, or NoPatch thrown from inside an
 * analysis) when that is not so: a later statement whose effect outside the columns reads them and
 * names t (RENAME, PARTITION OF), a statement to analyse in a down section, or an analysis that read
 * a relation the restored schema has stale columns of.
 *
 * The kept checkpoints (lazyCatalog.ts) stay where they are: after a column patch they hold the
 * previous columns of the patched relations (`BuildTrace.stale`), which a restore reports so that an
 * analysis reading those relations is not trusted.
 */
import { Catalog } from '../catalog/catalog';
import { analyzeLocks, type StatementLocks } from '../locks/model';
import type { AstNode } from '../parse/ast';
import { foldState, hashString } from './forwardState';
import type { AnalysisMemo, BuildTrace, MigrationDocument, StatementInfo } from './model';
import { movedWith, shifted } from './movedStatement';
import { columnsOnlyTarget, mentionedNames, ReadRecorder } from './readVersions';
import { versionsOfDocument } from './ruleReuse';
import { lastTouching } from './applyIndex';
import { sameData } from './sameData';

/** Why the patch path said no: thrown from inside an analysis the memo asked for (so nothing wrong is kept). */
export class NoPatch extends Error {}

/** Per document: what each statement's analysis read, and the structure statements whose effect reads columns. */
export interface ReadSets {
  readonly reads: readonly (readonly string[] | undefined)[];
  readonly columnReaders: readonly number[];
  /** Relation → the statements that read it, in order; built on first use. */
  byRelation?: Map<string, number[]>;
  /** The statements that read every relation (or whose reads are not known), in order. */
  readsAll?: number[];
}

const readSets = new WeakMap<MigrationDocument, ReadSets>();

/** The read sets of a document built with versions, or kept for a patched one. */
export function readSetsOf(doc: MigrationDocument): ReadSets | undefined {
  let sets = readSets.get(doc);
  if (!sets) {
    const versions = versionsOfDocument(doc);
    if (!versions) return undefined;
    readSets.set(doc, (sets = { reads: versions.reads, columnReaders: versions.columnReaders }));
  }
  return sets;
}

export function keepReadSets(doc: MigrationDocument, sets: ReadSets): void {
  readSets.set(doc, sets);
}

/** `sets` with the statements in `updates` reading what they map to now (the same object when nothing changed). */
export function withReads(sets: ReadSets, updates: ReadonlyMap<number, readonly string[] | undefined>): ReadSets {
  let reads: (readonly string[] | undefined)[] | undefined;
  for (const [index, now] of updates) {
    if (sameData(sets.reads[index], now)) continue;
    reads ??= sets.reads.slice();
    reads[index] = now;
  }
  return reads ? { reads, columnReaders: sets.columnReaders } : sets;
}

/** The statements after `after` whose analysis read `relation` (or everything), in order. */
function readersAfter(sets: ReadSets, relation: string, after: number): number[] {
  if (!sets.byRelation) {
    const byRelation = new Map<string, number[]>();
    const readsAll: number[] = [];
    sets.reads.forEach((reads, index) => {
      if (!reads) return void readsAll.push(index);
      for (const r of reads) {
        let list = byRelation.get(r);
        if (!list) byRelation.set(r, (list = []));
        list.push(index);
      }
    });
    sets.byRelation = byRelation;
    sets.readsAll = readsAll;
  }
  const found = [...(sets.byRelation.get(relation) ?? []), ...sets.readsAll!].filter((i) => i > after);
  return found.sort((a, b) => a - b);
}

/** The relation a column-only edit changes: both versions change only its columns. */
export function columnEditTarget(was: AstNode, now: AstNode): string | undefined {
  const target = columnsOnlyTarget(now);
  return target !== undefined && columnsOnlyTarget(was) === target ? target : undefined;
}

/** A schema restored for statement `index` (patch.ts schemaBefore) and the relations whose columns in it may be stale. */
export interface Restored {
  schema: Catalog;
  stale: readonly string[];
}

/** The relations whose columns the checkpoints hold stale before statement `index`. */
export function staleBefore(trace: BuildTrace, index: number): string[] {
  const stale: string[] = [];
  if (trace.stale) for (const [relation, from] of trace.stale) if (from < index) stale.push(relation);
  return stale;
}

/** Throws NoPatch when an analysis read a relation whose columns were stale in the schema it ran on. */
export function checkReads(reads: readonly string[] | undefined, stale: readonly string[]): void {
  if (stale.length === 0) return;
  if (!reads || reads.some((r) => stale.includes(r))) throw new NoPatch();
}

export interface LaterInput {
  previous: MigrationDocument;
  trace: BuildTrace;
  /** The edited statement (its new record is in `statements` already). */
  index: number;
  target: string;
  /** The edited statement's new forward-state key hash. */
  keyHash: number;
  delta: number;
  memo: AnalysisMemo;
  pgVersion: number;
  /** The schema just after the edited statement (true but for `stale`); asked at most once. */
  schemaAfterEdit: () => Restored;
  /** The kept checkpoint nearest before statement `index` of the previous document (patch.ts). */
  checkpointBefore: (index: number) => Checkpoint | undefined;
}

/** A kept checkpoint's schema (a copy) and the first statement after it: the schema before `from`, but for the stale relations' columns. */
export interface Checkpoint {
  schema: Catalog;
  from: number;
  /** The schema-changing statements it holds (their ordinals, lazyCount, are below it). */
  count: number;
}

/** Applies the schema-changing statements in [from, to) (not a down section's) to `schema`; returns how many. */
export function replay(schema: Catalog, statements: readonly StatementInfo[], trace: BuildTrace, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    if (trace.lazyKey[k] === -1 || !Catalog.changedBy(statements[k].kind)) continue;
    schema.apply(statements[k].ast as AstNode);
    count++;
  }
  return count;
}

export interface LaterPatch {
  trace: BuildTrace;
  sets: ReadSets;
  /** Later statements whose analysis changed (not the same object as before), in order. */
  changed: number[];
  /** Schema-changing statements applied to bring the schema to the statements analysed again. */
  replayed: number;
}

/**
 * The statements after the edited one, in `statements` (a copy of the previous list): each a new
 * record with its fingerprint folded again and its span moved; those whose analysis read `target`
 * analysed again. Undefined (or NoPatch thrown) when the patch cannot be made.
 */
export function patchLater(input: LaterInput, statements: StatementInfo[]): LaterPatch | undefined {
  const { previous, trace, index, target } = input;
  const sets = readSetsOf(previous);
  // A down section's statements change a copy of the schema, not the one the later keys fold.
  if (!sets || trace.lazyKey[index] === -1) return undefined;
  for (const r of sets.columnReaders) if (r > index && mentionedNames(previous.statements[r].ast as AstNode).includes(target)) return undefined;

  const again = readersAfter(sets, target, index);
  let next = 0;
  let cursor: SchemaCursor | undefined;
  const recorder = new ReadRecorder();
  const updates = new Map<number, readonly string[] | undefined>();
  const changed: number[] = [];
  const lazyKey = trace.lazyKey.slice(0, index + 1);
  const keyHash = trace.keyHash.slice();
  keyHash[index] = input.keyHash;
  const edited = statements[index];
  let state = foldState(edited.stateBefore, input.keyHash);
  let key = foldState(trace.lazyKey[index], input.keyHash || hashString(edited.text) || 1);
  let start = trace.sectionStarts.findIndex((s) => s.index > index);
  if (start < 0) start = trace.sectionStarts.length;
  for (let i = index + 1; i < statements.length; i++) {
    const was = previous.statements[i];
    while (start < trace.sectionStarts.length && trace.sectionStarts[start].index === i) state = hashString(trace.sectionStarts[start++].key, state);
    const lazy = trace.lazyKey[i] !== -1;
    lazyKey.push(lazy ? key : -1);
    let locks = was.locks;
    if (again[next] === i) {
      next++;
      if (!lazy) return undefined;
      const stmt = moved(was, input.delta, state, locks);
      const analyze = (): StatementLocks => {
        cursor ??= new SchemaCursor(input, statements, { sets, readers: () => again.slice(next - 1) });
        const running = cursor.moveTo(i);
        const value = recorder.record(() =>
          analyzeLocks(was.ast as AstNode, { pgVersion: input.pgVersion, catalog: running.schema, timeZoneIsUtc: trace.timeZoneIsUtc[i], checkFunctionBodies: trace.checkFunctionBodies[i] }),
        );
        checkReads(recorder.lastReads, running.stale);
        // The same verdict: the same object, so whatever compares analyses by identity carries on.
        return sameData(value, was.locks) ? was.locks : value;
      };
      locks = input.memo.locks(state, stmt, analyze, recorder);
      updates.set(i, recorder.lastReads);
      if (locks !== was.locks) {
        // Read by other statements' cached rule hits (validate-in-same-transaction), or by the runner's wrapping.
        if (locks.transactional !== was.locks.transactional || (was.inTransaction && locks.parts.some((p) => p.action === 'AT_AddConstraint'))) return undefined;
        changed.push(i);
      }
      stmt.locks = locks;
      statements[i] = stmt;
    } else statements[i] = movedWith(was, input.delta, state, locks);
    state = foldState(state, trace.keyHash[i]);
    if (lazy && changesSchema(trace, i, was)) key = foldState(key, trace.keyHash[i] || hashString(was.text) || 1);
  }
  const stale = new Map(trace.stale ?? []);
  stale.set(target, Math.min(stale.get(target) ?? index, index));
  return {
    trace: { ...trace, lazyKey, keyHash, checkpointKey: trace.checkpointKey ?? trace.lazyKey, stale },
    sets: withReads(sets, updates),
    changed,
    replayed: cursor?.replayed ?? 0,
  };
}

/**
 * Does lazy statement `i` change the schema (Catalog.changedBy its kind)? Read off the lazy replay's
 * counts when the next statement has one (the replay counted it: lazyCatalog.ts push), without reading
 * the record's kind: through a moved view, that getter was a third of a rename's patchLater.
 */
export function changesSchema(trace: BuildTrace, i: number, was: StatementInfo): boolean {
  const after = i + 1 < trace.lazyCount.length ? trace.lazyCount[i + 1] : -1;
  return after >= 0 ? after > trace.lazyCount[i] : Catalog.changedBy(was.kind);
}

/**
 * The schema the statements after the edit are analysed against, moved forward statement by statement:
 * from the schema just after the edit (`schemaAfterEdit`), on to each statement analysed again.
 */
class SchemaCursor {
  /** The schema after statement `applied`, and the relations stale in it. */
  restored: Restored;
  applied: number;
  /** Schema-changing statements applied so far. */
  replayed = 0;

  constructor(
    private readonly input: LaterInput,
    private readonly statements: readonly StatementInfo[],
    /** The read sets, and the statements still to analyse again (a jump must not make what they read stale). */
    private readonly still: { sets: ReadSets; readers: () => readonly number[] },
  ) {
    this.restored = input.schemaAfterEdit();
    this.applied = input.index;
  }

  /** The schema just before statement `to`. */
  moveTo(to: number): Restored {
    this.jumpTowards(to);
    this.replayed += replay(this.restored.schema, this.statements, this.input.trace, this.applied + 1, to);
    this.applied = to - 1;
    return this.restored;
  }

  /**
   * On to the kept checkpoint nearest before `to` when that skips schema changes, given the target's
   * columns as they are here once brought past the last statement before the checkpoint whose effect
   * looked the target up as it was applied (lazyCatalog.ts ApplyReads; that move may jump too). The
   * statements skipped did not: they neither read nor changed its record, so the target's record is
   * this one's, and every other relation's is the checkpoint's (a column edit changes nothing else),
   * but for the columns of the relations stale in the checkpoint. Stays when that saves nothing, or
   * would make stale a relation a statement still to analyse read last time.
   */
  private jumpTowards(to: number): void {
    const { trace, target } = this.input;
    const checkpoint = this.input.checkpointBefore(to);
    if (!checkpoint || checkpoint.from <= this.applied + 1) return;
    // The schema-changing statements this schema lacks and the checkpoint holds: ordinals [held, checkpoint.count).
    const held = trace.lazyCount[this.applied + 1];
    if (held < 0 || held >= checkpoint.count) return;
    const last = lastTouching(trace, this.statements, target, held, checkpoint.count);
    if (last === undefined || trace.lazyCount[last] === checkpoint.count - 1) return;
    if (last >= 0) this.moveTo(last + 1);
    const { restored } = this;
    const stale = staleBefore(trace, checkpoint.from).filter((r) => r !== target);
    if (restored.stale.includes(target)) stale.push(target);
    const added = stale.filter((r) => !restored.stale.includes(r));
    const readsAdded = (i: number) => {
      const reads = this.still.sets.reads[i];
      return !reads || reads.some((r) => added.includes(r));
    };
    if (added.length > 0 && this.still.readers().some(readsAdded)) return;
    // The target exists in both or in neither (only statements that look it up make or drop it).
    if (!checkpoint.schema.carryColumns(target, restored.schema)) throw new NoPatch();
    this.restored = { schema: checkpoint.schema, stale };
    this.applied = checkpoint.from - 1;
  }
}

/** A record moved by `delta`, with another fingerprint before it. */
function moved(s: StatementInfo, delta: number, stateBefore: number, locks: StatementLocks): StatementInfo {
  const record = shifted(s, delta);
  record.stateBefore = stateBefore;
  record.locks = locks;
  return record;
}

const structures = new WeakMap<MigrationDocument, Catalog>();
/** Documents whose `catalog` is still to be replayed (a getter). */
const pending = new WeakSet<MigrationDocument>();

/**
 * A catalog holding the same relations, indexes, constraints, types and links as `doc.catalog` (the
 * schema after the file); only relations' columns may differ. For rules that read nothing else
 * (foreign-key-needs-index): after a column patch it is the last whole build's, with no replay.
 */
export function structureOf(doc: MigrationDocument): Catalog {
  return structures.get(doc) ?? doc.catalog;
}

/**
 * The patched document `doc`'s schema after the file. Unchanged by an ordinary patch (the same
 * schema-changing statements): the previous one's, carried as it is (still to be replayed, if it was).
 * After a column patch: replayed from the document's statements when first read.
 */
export function patchedCatalog(doc: MigrationDocument, previous: MigrationDocument, columnsChanged: boolean, trace: BuildTrace): void {
  const structure = structures.get(previous) ?? (pending.has(previous) ? undefined : previous.catalog);
  if (structure) structures.set(doc, structure);
  if (!columnsChanged && !pending.has(previous)) {
    doc.catalog = previous.catalog;
    return;
  }
  pending.add(doc);
  Object.defineProperty(doc, 'catalog', {
    configurable: true,
    enumerable: true,
    get(this: MigrationDocument) {
      const catalog = this.schemaBefore?.clone() ?? new Catalog();
      for (const s of this.statements) if (trace.lazyKey[s.index] !== -1 && Catalog.changedBy(s.kind)) catalog.apply(s.ast as AstNode);
      Object.defineProperty(this, 'catalog', { configurable: true, enumerable: true, writable: true, value: catalog });
      pending.delete(this);
      return catalog;
    },
    set(this: MigrationDocument, value: Catalog) {
      Object.defineProperty(this, 'catalog', { configurable: true, enumerable: true, writable: true, value });
      pending.delete(this);
    },
  });
}
