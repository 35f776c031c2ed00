/**
 * The patch path of a relint: the new document built from the previous one when an edit is confined
 * to a few statements and hands nothing different on. The statements before the edit are reused as
 * they are, the edited ones analysed again (against the schema restored from the nearest kept
 * checkpoint), the ones after it reused with their spans shifted. Everything a document holds besides
 * its statements (schema, creations, transactions, settings) is the previous one's: an edited statement
 * must keep its kind, its forward-state key (so its effect on the schema, transactions and settings,
 * and everything later statements were analysed against) and its locks. The one exception is an edit
 * of one statement that changes only a relation's columns (columnPatch.ts): the later statements that
 * read that relation are analysed again. Anything else: undefined, and the caller builds the document
 * from scratch. The walk here is over the edited statements only, plus
 * a copy of the statement list (and a moved view of each record after the edit when its length changed:
 * movedStatement.ts).
 */
import { Catalog } from '../catalog/catalog';
import type { TextSpan } from '../findings';
import { analyzeLocks, type StatementLocks } from '../locks/model';
import type { AstNode } from '../parse/ast';
import type { ParseOutcome } from '../parse/pgParser';
import type { Chunk, RunnerMarker, SplitResult } from '../parse/split';
import { chunkAt, chunkList, commentList, endAt, shiftAt, startAt, type ShiftedList } from '../parse/shiftedList';
import { forwardKeyHash } from './forwardState';
import { parseIgnoresOf, type IgnoreDirective } from './ignores';
import { CHECKPOINT_EVERY, type CatalogMemo } from './lazyCatalog';
import { buildTraceOf, setBuildTrace, type AnalysisMemo, type InputStatement, type MigrationDocument, type StatementInfo } from './model';
import { checkReads, columnEditTarget, keepReadSets, NoPatch, patchedCatalog, patchLater, readSetsOf, replay, staleBefore, withReads, type Checkpoint, type LaterPatch, type Restored } from './columnPatch';
import { moved, shift } from './movedStatement';
import { ReadRecorder } from './readVersions';
import { sameData } from './sameData';
import type { PieceText, SourceText } from '../parse/pieceText';

export interface PatchInput {
  previous: MigrationDocument;
  /** The previous document's text as the lint was given it (its `text` would build pieces into a string). */
  previousText: SourceText;
  /** The split the previous document was built from. */
  previousSplit: SplitResult;
  text: SourceText;
  split: SplitResult;
  memo: AnalysisMemo & CatalogMemo & { parse(chunk: Chunk): ParseOutcome };
  pgVersion: number;
}

export interface Patch {
  doc: MigrationDocument;
  /** The edited statements: [start, end) in both documents. */
  start: number;
  end: number;
  /** The previous document's records of the edited statements. */
  replaced: StatementInfo[];
  /** A column-only edit (columnPatch.ts): the later statements were patched too. */
  columns: boolean;
  /** Statements after the edit analysed again to another verdict (a column-only edit), in order. */
  changed: number[];
  /** The document patched. */
  previous: MigrationDocument;
  /** Schema-changing statements applied to restore the schemas the analyses ran on. */
  replayed: number;
}

export function patchDocument(input: PatchInput): Patch | undefined {
  const { previous, text } = input;
  const trace = buildTraceOf(previous);
  if (!trace || previous.notAnalysed.length > 0) return undefined;
  const delta = text.length - input.previousText.length;
  // Chunks as the splits' lists (parse/shiftedList.ts): an incremental split's are the previous objects, moved by numbers.
  const old = chunkList(input.previousSplit);
  const now = chunkList(input.split);
  const oldCount = old.items.length;
  const nowCount = now.items.length;
  // The chunks before the edit (the same objects after an incremental split), and after it (shifted).
  let p = 0;
  const shorter = Math.min(oldCount, nowCount);
  while (p < shorter && sameChunk(old, p, now, p, 0)) p++;
  let s = 0;
  while (s < shorter - p && sameChunk(old, oldCount - 1 - s, now, nowCount - 1 - s, delta)) s++;
  if (oldCount !== nowCount) return undefined;
  const middle = oldCount - s - p;
  for (let i = p; i < p + middle; i++) if (old.items[i].kind !== 'sql' || now.items[i].kind !== 'sql') return undefined;
  // The edited region of the previous text: between the last chunk kept in place and the first shifted one.
  const regionStart = p > 0 ? endAt(old, p - 1) : 0;
  const regionEnd = s > 0 ? startAt(old, oldCount - s) : input.previousText.length;
  if (!sameMarkers(previous.markers, input.split.markers, regionStart, regionEnd, delta)) return undefined;
  if (previous.syntaxErrors.some((e) => e.span.end > regionStart && e.span.start < regionEnd)) return undefined;

  const start = firstEndingAfter(previous.statements, regionStart);
  const end = firstEndingAfter(previous.statements, regionEnd);
  const fresh: InputStatement[] = [];
  for (let i = p; i < p + middle; i++) {
    const outcome = input.memo.parse(chunkAt(now, i));
    if (!outcome.ok) return undefined;
    fresh.push(...outcome.statements);
  }
  if (fresh.length !== end - start) return undefined;

  const replaced = previous.statements.slice(start, end);
  const edited: StatementInfo[] = [];
  let schema: Restored | undefined;
  const recorder = new ReadRecorder();
  const reads = new Map<number, readonly string[] | undefined>();
  const replays = { count: 0 };
  // A column-only edit (the only edited statement): the later statements are patched too (columnPatch.ts).
  let column: { target: string; keyHash: number } | undefined;
  try {
    for (let i = 0; i < fresh.length; i++) {
      const was = replaced[i];
      const parsed = fresh[i];
      if (parsed.kind !== was.kind) return undefined;
      const key = parsed.forwardKeyHash ?? forwardKeyHash(parsed.ast as AstNode, parsed.text);
      if (key !== forwardKeyHash(was.ast as AstNode, was.text)) {

        const target = fresh.length === 1 ? columnEditTarget(was.ast as AstNode, parsed.ast as AstNode) : undefined;
        if (target === undefined) return undefined;
        column = { target, keyHash: key };
      }
      // Code run by SELECT/DO/CALL changes the schema without a forward-state key: its text is the key.
      if (key === 0 && Catalog.changedBy(parsed.kind)) return undefined;
      const index = was.index;
      const analyze = (): StatementLocks => {
        schema ??= schemaBefore(input, index, replays);
        const value = recorder.record(() =>
          analyzeLocks(parsed.ast as AstNode, {
            pgVersion: input.pgVersion,
            catalog: schema!.schema,
            timeZoneIsUtc: trace.timeZoneIsUtc[index],
            checkFunctionBodies: trace.checkFunctionBodies[index],
          }),
        );
        checkReads(recorder.lastReads, schema.stale);
        return value;
      };
      const locks = input.memo.locks(was.stateBefore, parsed, analyze, recorder);
      reads.set(index, recorder.lastReads);
      if (column ? !sameShape(was.locks, locks) : !sameLocks(was.locks, locks)) return undefined;
      // Statements later in the edit see this one's effect (the same as before, by its key).
      if (schema && Catalog.changedBy(parsed.kind)) schema.schema.apply(parsed.ast as AstNode);
      edited.push({
        ast: parsed.ast,
        kind: parsed.kind,
        span: parsed.span,
        text: parsed.text,
        toDocOffset: parsed.toDocOffset,
        index,
        section: was.section,
        inTransaction: was.inTransaction,
        transaction: was.transaction,
        implicitTransaction: was.implicitTransaction,
        templated: false,
        transactionId: was.transactionId,
        locks,
        lockTimeoutMs: was.lockTimeoutMs,
        searchSchema: was.searchSchema,
        stateBefore: was.stateBefore,
      });
    }

    const statements = previous.statements.slice();
    for (let i = 0; i < edited.length; i++) statements[start + i] = edited[i];
    let later: LaterPatch | undefined;
    if (column) {
      const index = start;
      later = patchLater(
        {
          previous,
          trace,
          index,
          target: column.target,
          keyHash: column.keyHash,
          delta,
          memo: input.memo,
          pgVersion: input.pgVersion,
          checkpointBefore: (i) => checkpointBefore(input, i),
          schemaAfterEdit: () => {
            if (!schema) {
              schema = schemaBefore(input, index, replays);
              schema.schema.apply(edited[0].ast as AstNode);
            }
            return schema;
          },
        },
        statements,
      );
      if (!later) return undefined;
    } else if (delta !== 0) for (let i = end; i < statements.length; i++) statements[i] = moved(statements[i], delta);
    const doc: MigrationDocument = {
      path: previous.path,
      text: typeof text === 'string' ? text : '',
      runner: previous.runner,
      host: previous.host,
      pgVersion: previous.pgVersion,
      statements,
      syntaxErrors: delta === 0 ? previous.syntaxErrors : previous.syntaxErrors.map((e) => (e.span.start >= regionEnd ? { ...e, span: shift(e.span, delta) } : e)),
      notAnalysed: [],
      metaCommands: metaCommandsOf(now),
      markers: input.split.markers,
      comments: [],
      ignores: parseIgnoresOf(commentList(input.split)),
      createdAt: previous.createdAt,
      createdIn: previous.createdIn,
      catalog: undefined as unknown as Catalog,
      schemaBefore: previous.schemaBefore,
    };
    commentsOnRead(doc, input.split);
    if (typeof text !== 'string') textOnRead(doc, text);
    bindIgnoresBySearch(doc.ignores, statements);
    const nextTrace = later?.trace ?? trace;
    setBuildTrace(doc, nextTrace);
    patchedCatalog(doc, previous, !!later, nextTrace);
    const sets = later?.sets ?? readSetsOf(previous);
    if (sets) keepReadSets(doc, withReads(sets, reads));
    return { doc, start, end, replaced, columns: !!later, changed: later?.changed ?? [], previous, replayed: replays.count + (later?.replayed ?? 0) };
  } catch (error) {
    if (error instanceof NoPatch) return undefined;
    throw error;
  }
}

/** Chunk `i` of `a` and chunk `j` of `b` are the same, `b`'s moved by `delta`: the same object moved by as much, or the same kind, text and span. */
function sameChunk(a: ShiftedList<Chunk>, i: number, b: ShiftedList<Chunk>, j: number, delta: number): boolean {
  const x = a.items[i];
  const y = b.items[j];
  if (x === y && shiftAt(a, i) + delta === shiftAt(b, j)) return true;
  return x.kind === y.kind && x.text === y.text && startAt(a, i) + delta === startAt(b, j) && endAt(a, i) + delta === endAt(b, j);
}

/**
 * `doc.comments` made from the split's list when first read (nothing on the patch path reads them). Made
 * here, not in patchDocument: a getter made there would hold its scope, and with it the previous document.
 */
function commentsOnRead(doc: MigrationDocument, split: SplitResult): void {
  Object.defineProperty(doc, 'comments', { enumerable: true, configurable: true, get: () => split.comments });
}

/** `doc.text` of pieces built into one string when first read (parse/pieceText.ts): nothing on the patch path reads it. */
function textOnRead(doc: MigrationDocument, text: PieceText): void {
  Object.defineProperty(doc, 'text', { enumerable: true, configurable: true, get: () => text.whole() });
}

/** The psql meta-commands among the chunks (each made where it is now; the others are not copied). */
function metaCommandsOf(chunks: ShiftedList<Chunk>): Chunk[] {
  const found: Chunk[] = [];
  for (let i = 0; i < chunks.items.length; i++) if (chunks.items[i].kind === 'psql-meta') found.push(chunkAt(chunks, i));
  return found;
}

/** The same markers, none inside the edited region, those after it shifted: every statement keeps its section. */
function sameMarkers(a: readonly RunnerMarker[], b: readonly RunnerMarker[], regionStart: number, regionEnd: number, delta: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const shiftBy = x.span.end <= regionStart ? 0 : x.span.start >= regionEnd ? delta : undefined;
    if (shiftBy === undefined || x.span.start + shiftBy !== y.span.start || x.span.end + shiftBy !== y.span.end) return false;
    if (x.name !== y.name || x.runner !== y.runner || !sameData(x.options, y.options)) return false;
  }
  return true;
}

/** Index of the first statement ending after `offset` (binary search; statements are in order). */
function firstEndingAfter(statements: readonly { span: TextSpan }[], offset: number): number {
  let low = 0;
  let high = statements.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (statements[mid].span.end <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Same verdict, as far as any reader of another statement's locks can tell (the parts' AST nodes aside: their locations moved). */
function sameLocks(a: StatementLocks, b: StatementLocks): boolean {
  if (a === b) return true;
  if (!sameShape(a, b) || !sameData(a.effects, b.effects) || !sameData(a.notes, b.notes)) return false;
  for (let i = 0; i < a.parts.length; i++) {
    const x = a.parts[i];
    const y = b.parts[i];
    if (x.label !== y.label || !sameData(x.effects, y.effects) || !sameData(x.reasons, y.reasons)) return false;
  }
  return true;
}

/**
 * What a column-only edit must keep of its statement's analysis besides the lock facts (which the
 * engine compares: sameVerdictsElsewhere): whether it runs in a transaction, and the actions of its parts
 * (other statements' rules read them: combine-alters). Its labels and reasons name the column.
 */
function sameShape(a: StatementLocks, b: StatementLocks): boolean {
  if (a.transactional !== b.transactional || a.unpredicted !== b.unpredicted || a.parts.length !== b.parts.length) return false;
  for (let i = 0; i < a.parts.length; i++) if (a.parts[i].action !== b.parts[i].action) return false;
  return true;
}

/**
 * The schema just before statement `index` of the previous document: the checkpoint the lazy replay
 * kept at or before it (lazyCatalog.ts), with the schema-changing statements since applied.
 */
function schemaBefore(input: PatchInput, index: number, replays: { count: number }): Restored {
  const { previous } = input;
  const trace = buildTraceOf(previous)!;
  if (trace.lazyCount[index] < 0) throw new NoPatch();
  // Typing goes on in one place: the schema before that statement, kept by the last patch there.
  // A kept schema is the one its key names (the schema-changing statements before it), wherever it came from.
  const exact = input.memo.catalogAt(trace.lazyKey[index]);
  if (exact) return { schema: exact.clone(), stale: [] };
  // After column patches the checkpoints are those of the last whole build (their keys), stale in a few relations' columns.
  const stale = staleBefore(trace, index);
  const checkpoint = checkpointBefore(input, index);
  if (!checkpoint) throw new NoPatch();
  const { schema, from } = checkpoint;
  replays.count += replay(schema, previous.statements, trace, from, index);
  // Kept under its key only when it is that schema exactly.
  if (stale.length === 0) input.memo.keepCatalog(trace.lazyKey[index], schema.clone());
  return { schema, stale };
}

/**
 * The checkpoint the lazy replay kept at or before statement `index` of the previous document (a
 * copy), and the first statement it does not hold; undefined when it is no longer kept.
 */
function checkpointBefore(input: PatchInput, index: number): Checkpoint | undefined {
  const { previous } = input;
  const trace = buildTraceOf(previous)!;
  const count = trace.lazyCount[index];
  if (count < 0) return undefined;
  const checkpointKey = trace.checkpointKey ?? trace.lazyKey;
  const checkpoint = count - (count % CHECKPOINT_EVERY);
  // Back to the first statement pushed at the checkpoint's count (a down section's statements, -1, are
  // not pushed): the statements to replay start there, and its key is the checkpoint's.
  let from = index;
  let key = checkpointKey[index];
  for (let j = index - 1; j >= 0; j--) {
    const c = trace.lazyCount[j];
    if (c >= 0 && c < checkpoint) break;
    from = j;
    if (c >= 0) key = checkpointKey[j];
  }
  if (checkpoint === 0) return { schema: previous.schemaBefore?.clone() ?? new Catalog(), from, count: 0 };
  const kept = input.memo.catalogAt(key);
  return kept && { schema: kept.clone(), from, count: checkpoint };
}

/** `bindIgnores` by binary search: the first statement starting after each directive. */
function bindIgnoresBySearch(directives: IgnoreDirective[], statements: readonly StatementInfo[]): void {
  for (const d of directives) {
    if (d.scope !== 'next-statement') continue;
    let low = 0;
    let high = statements.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (statements[mid].span.start < d.span.end) low = mid + 1;
      else high = mid;
    }
    d.statementIndex = statements[low]?.index;
  }
}
