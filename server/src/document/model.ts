/**
 * The document model: a migration file as Lockstep understands it. Statements in order, each
 * with its AST, whether it runs inside a transaction, the lock model's verdict (computed with
 * the schema as it stands just before it), and what the migration itself created earlier.
 */
import { Catalog } from '../catalog/catalog';
import type { LockstepConfig, RunnerId } from '../config/types';
import type { TextSpan } from '../findings';
import { analyzeLocks, type StatementLocks } from '../locks/model';
import { AstNode, baseName, inner, kindOf, names, rangeVarName } from '../parse/ast';
import type { ParseOutcome, ParsedStatement } from '../parse/pgParser';
import { splitSqlSteps, type Chunk, type RunnerMarker, type SourceComment, type SplitResult } from '../parse/split';
import { splitIncrementalSteps } from '../parse/splitIncremental';
import { bindIgnores, parseIgnores, type IgnoreDirective } from './ignores';
import { detectRunner, runnerTransaction } from './runner';
import { NO_FACTS, type ProjectFacts } from './projectFacts';
import { holdsNoCandidate, overlaps, prepareTemplates, prepareTemplatesAfterEdit } from '../parse/templates';
import { editBetweenSources, type Edit } from '../parse/textEdit';
import { wholeText, type SourceText } from '../parse/pieceText';
import { SessionSettings } from './settings';
import { foldState, forwardKeyHash, hashString } from './forwardState';
import type { HostRunner } from './runnerFacts';
import { LazyCatalog, type ApplyReads, type CatalogMemo } from './lazyCatalog';
import { SchemaVersions, type ReadRecorder } from './readVersions';
import { keepVersions } from './ruleReuse';

export type Section = 'up' | 'down' | undefined;

export interface StatementInfo extends ParsedStatement {
  index: number;
  section: Section;
  /** True when the statement runs inside a transaction block (explicit, or the runner's). */
  inTransaction: boolean;
  /** How that transaction came about. */
  transaction: 'explicit' | 'runner' | 'none';
  /**
   * The runner's transaction is PostgreSQL's implicit one: the runner sends the file (or section) as one
   * multi-statement query string. BEGIN/COMMIT in it are ordinary statements, not nesting.
   */
  implicitTransaction: boolean;
  /** The statement holds template placeholders in code (parsed with stand-ins): fixes leave it alone. */
  templated: boolean;
  /** Statements with the same id run in the same transaction; -1 for autocommit. */
  transactionId: number;
  /** The lock model's verdict, with the schema as it stood just before this statement. */
  locks: StatementLocks;
  /** The lock_timeout in force when this statement starts, in milliseconds (0: none). */
  lockTimeoutMs: number;
  /** The schema unqualified names of new objects go to (the first of search_path; `public` unless set). */
  searchSchema: string;
  /** Fingerprint of what earlier statements hand on (schema, transactions, settings): see forwardState.ts. */
  stateBefore: number;
}

/** A parsed statement, optionally with its forward-state key hash precomputed (the engine caches it). */
export type InputStatement = ParsedStatement & { forwardKeyHash?: number };

/** Memo for work that depends only on the statement's text and the state before it. */
export interface AnalysisMemo extends Partial<CatalogMemo> {
  /**
   * `versions` (a whole build's walk, readVersions.ts): an analysis kept under another fingerprint is
   * reused when what it read of the schema is the same here; `compute` records what it reads.
   */
  locks(stateBefore: number, stmt: InputStatement, compute: () => StatementLocks, versions?: ReadRecorder): StatementLocks;
  /** The last text split (after placeholder stand-ins) and its split: the next split starts from it (splitIncremental.ts). */
  lastSplit?: { text: SourceText; split: SplitResult };
}

export interface SyntaxProblem {
  message: string;
  span: TextSpan;
}

/** Text Lockstep deliberately did not analyse, and why (a statement shaped by a template branch). */
export interface NotAnalysed {
  span: TextSpan;
  reason: string;
}

export interface MigrationDocument {
  path?: string;
  text: string;
  runner: RunnerId;
  /** Set when the SQL was extracted from a framework's host file (Knex, TypeORM…): that framework runs it. */
  host?: HostRunner;
  pgVersion: number;
  statements: StatementInfo[];
  syntaxErrors: SyntaxProblem[];
  notAnalysed: NotAnalysed[];
  /** psql backslash commands: not SQL, reported as such. */
  metaCommands: Chunk[];
  markers: RunnerMarker[];
  comments: SourceComment[];
  ignores: IgnoreDirective[];
  /** Unqualified relation name → indexes of the statements in this migration that create it. */
  createdAt: Map<string, number[]>;
  /** The same, keyed by `schema.name` (unqualified names resolve through search_path, `public` by default). */
  createdIn: Map<string, number[]>;
  /** The schema after the whole file (for later files, and for tests). */
  catalog: Catalog;
  /** The schema before the file, as given (earlier migrations): rules that need the state at a statement replay from it. */
  schemaBefore?: Catalog;
}

/**
 * Was `relation` created by an earlier statement of this same migration (so no one else can be using it)?
 * An unqualified name is resolved in the schema statement `before` names it with (or its search_path):
 * `CREATE TABLE admin.users` does not make `public.users` new.
 */
export function createdEarlier(doc: MigrationDocument, relation: string, before: number): boolean {
  const name = baseName(relation);
  // Nothing of that name created in this file: no need to find which schemas the statement means (a walk of its AST).
  if (!doc.createdAt.has(name)) return false;
  const stmt = doc.statements[before];
  const section = stmt?.section;
  // Asked for every lock of every statement by the lock-window and lock_timeout indexes: no arrays or closures.
  const earlier = (schema: string): boolean => {
    const at = doc.createdIn.get(`${schema}.${name}`);
    // In document order: the first creation at or after `before` ends the search.
    for (let i = 0; at && i < at.length && at[i] < before; i++) if (doc.statements[at[i]].section === section) return true;
    return false;
  };
  if (relation.includes('.')) return earlier(relation.slice(0, relation.lastIndexOf('.')));
  if (!stmt) return earlier(DEFAULT_SCHEMA);
  const schemas = schemasNaming(stmt.ast, relation);
  for (const schema of schemas) if (!earlier(schema ?? stmt.searchSchema)) return false;
  return schemas.length > 0;
}

/** The schema unqualified names resolve to when search_path was never set. */
export const DEFAULT_SCHEMA = 'public';

/**
 * The schema qualifiers the statement writes before `name` (undefined where it writes none), in
 * RangeVars and dotted name lists (`DROP INDEX admin.i`); `[undefined]` when it names it nowhere
 * (the lock model derived the relation, e.g. an index's table).
 */
export function schemasNaming(ast: AstNode, name: string): readonly (string | undefined)[] {
  // Several rules ask about the same statement and name (createdEarlier): walk its AST once.
  let byName = schemasNamed.get(ast);
  if (!byName) schemasNamed.set(ast, (byName = new Map()));
  let found = byName.get(name);
  if (!found) byName.set(name, (found = walkSchemasNaming(ast, name)));
  return found;
}

const schemasNamed = new WeakMap<AstNode, Map<string, readonly (string | undefined)[]>>();

function walkSchemasNaming(ast: AstNode, name: string): readonly (string | undefined)[] {
  const found: (string | undefined)[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as AstNode;
    if (typeof o.relname === 'string' && o.relname === name) found.push(o.schemaname);
    const items = o.List?.items;
    if (Array.isArray(items)) {
      const parts = names(items);
      if (parts.length === items.length && parts[parts.length - 1] === name) found.push(parts.length > 1 ? parts[parts.length - 2] : undefined);
    }
    // for…in, not Object.values: no array of values per node (the parser's plain objects inherit no enumerable keys).
    for (const key in o) {
      const value = o[key];
      if (value && typeof value === 'object') visit(value);
    }
  };
  visit(ast);
  return found.length ? found : [undefined];
}

export type ChunkParser = (chunk: Chunk) => ParseOutcome & { statements?: InputStatement[] };

export interface BuildOptions {
  path?: string;
  config: LockstepConfig;
  parse: ChunkParser;
  /**
   * Parses all the chunks at once (parseChunksTogether), or undefined when that fails: then `parse`
   * parses them one by one. Unset: one by one (the language server's cache is per chunk).
   */
  parseTogether?: (chunks: Chunk[]) => Map<Chunk, ParseOutcome> | undefined;
  /** Schema known before this file (e.g. from earlier migrations). */
  catalog?: Catalog;
  memo?: AnalysisMemo;
  /** Identifies `catalog` (and anything else outside the file) in forward-state fingerprints. */
  stateSeed?: number;
  /** What the files around this one say about its runner (projectFacts.ts). */
  facts?: ProjectFacts;
  /** The framework that runs this SQL, when it was extracted from a host file. */
  host?: HostRunner;
  /** The text already prepared and split (`splitDocumentSteps`): the engine splits first to try its patch path. */
  split?: PreparedSplit;
  /**
   * False: build without pausing between statements (no `yield`, so no generator resumes per statement).
   * A one-shot build (the CLI, `buildDocument`) runs to the end anyway. Default true: the language
   * server's sliced lint pauses after each statement.
   */
  pauses?: boolean;
}

/** The text with placeholder stand-ins, and its split. */
export interface PreparedSplit {
  prepared: ReturnType<typeof prepareTemplates>;
  split: SplitResult;
}

/** Placeholders get stand-ins, then the text is split (incrementally from the memo's last split); the memo keeps this split. */
export function* splitDocumentSteps(text: SourceText, placeholders: Record<string, string> | undefined, memo?: AnalysisMemo, pauses = true): Generator<void, PreparedSplit> {
  const previous = memo?.lastSplit;
  // An edit of a text without placeholder candidates: only the text around the edit is looked at for one.
  const edit = previous && splitsWithoutCandidates.has(previous.split) ? editBetweenSources(previous.text, text) : undefined;
  // Placeholders get stand-ins of their own length, so every offset below is an offset in `text`.
  const prepared = edit ? preparedAfterEdit(text, edit, placeholders) : preparedOrPlain(text, placeholders);
  const known = edit && prepared.text === text ? edit : undefined;
  const split = (previous && (yield* splitIncrementalSteps(previous.text, previous.split, prepared.text, known))) || (yield* splitSqlSteps(wholeText(prepared.text), pauses));
  if (memo) memo.lastSplit = { text: prepared.text, split };
  if (holdsNoCandidate(prepared)) splitsWithoutCandidates.add(split);
  return { prepared, split };
}

/** Splits of texts that held no placeholder candidate (their prepared text is the text itself). */
const splitsWithoutCandidates = new WeakSet<SplitResult>();

export function buildDocument(text: string, options: BuildOptions): MigrationDocument {
  return runToEnd(buildDocumentSteps(text, { ...options, pauses: false }));
}

/** How many times runToEnd has resumed a generator (tests: a one-shot lint resumes none per statement). */
export const stepCounts = { resumes: 0 };

/** Runs a sliced computation (see buildDocumentSteps) without pausing. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    stepCounts.resumes++;
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `buildDocument` in slices: it yields after each statement, so the language server can pause a
 * long lint to answer a hover, and drop it when the text changed (lsp/slicedLint.ts). Nothing
 * else runs in between, so the result is the same as in one go.
 */
export function* buildDocumentSteps(text: string, options: BuildOptions): Generator<void, MigrationDocument> {
  const { config } = options;
  const facts = options.facts ?? NO_FACTS;
  const memo = options.memo;
  const pauses = options.pauses ?? true;
  const { prepared, split } = options.split ?? (yield* splitDocumentSteps(text, config.placeholders, memo, pauses));
  const inCode = prepared.placeholders.filter((p) => p.context === 'identifier' || p.context === 'literal');
  const parsed: InputStatement[] = [];
  const syntaxErrors: SyntaxProblem[] = [];
  const notAnalysed: NotAnalysed[] = [];
  const templated = new Set<InputStatement>();
  const branchOf = (chunk: Chunk) => prepared.branches.find((b) => overlaps([b], chunk.span));
  const together = options.parseTogether?.(split.chunks.filter((c) => c.kind === 'sql' && !branchOf(c)));
  for (const chunk of split.chunks) {
    if (chunk.kind !== 'sql') continue;
    const branch = branchOf(chunk);
    if (branch) {
      notAnalysed.push({ span: { ...chunk.span }, reason: `its text depends on a template {{ ${branch.keyword} }} … {{ end }} branch, so its statements are not known until the template runs` });
      continue;
    }
    const outcome = together?.get(chunk) ?? options.parse(chunk);
    if (pauses) yield;
    if (!outcome.ok) syntaxErrors.push(outcome.error);
    else if (wholeText(prepared.text) === text) parsed.push(...outcome.statements);
    else {
      for (const s of outcome.statements) {
        // The statement's own text is the original (fixes quote it); only the parser saw the stand-ins.
        const original = { ...s, text: text.slice(s.span.start, s.span.end) };
        if (overlaps(inCode, s.span)) templated.add(original);
        parsed.push(original);
      }
    }
  }
  const runner = detectRunner(options.path, split.markers, config.runner, facts);
  const doc: MigrationDocument = {
    path: options.path,
    text,
    runner,
    host: options.host,
    pgVersion: config.pgVersion,
    statements: [],
    syntaxErrors,
    notAnalysed,
    metaCommands: split.chunks.filter((c) => c.kind === 'psql-meta'),
    markers: split.markers,
    comments: split.comments,
    ignores: parseIgnores(split.comments),
    createdAt: new Map(),
    createdIn: new Map(),
    catalog: options.catalog?.clone() ?? new Catalog(),
    schemaBefore: options.catalog,
  };
  let state = options.stateSeed ?? 0;
  const ids = { next: 0 };
  // With a memo (the language server), the schema is replayed only where an analysis needs it.
  const lazy = memo?.catalogAt && memo.keepCatalog ? new LazyCatalog(doc, memo as CatalogMemo, state) : undefined;
  // With a memo, each analysis is also kept with what it read of the schema (readVersions.ts).
  const versions = memo ? new SchemaVersions(state) : undefined;
  if (lazy) traces.set(doc, { lazyKey: [], lazyCount: [], timeZoneIsUtc: [], checkFunctionBodies: [], keyHash: [], sectionStarts: [] });
  for (const section of sectionsOf(parsed, split.markers)) {
    state = yield* analyzeSection(doc, section, { config, facts, ids, templated, lazy, versions, pauses }, state, memo);
  }
  lazy?.finish();
  if (lazy) traces.get(doc)!.applyReads = lazy.applyReads;
  if (versions) keepVersions(doc, versions);
  attachIgnores(doc);
  return doc;
}

/** Placeholder stand-ins; a bug there must not take the editor down, so the plain text is the fallback. */
function preparedOrPlain(text: SourceText, values: Record<string, string> | undefined): ReturnType<typeof prepareTemplates> {
  try {
    return prepareTemplates(text, values);
  } catch {
    return { text, placeholders: [], branches: [] };
  }
}

function preparedAfterEdit(text: SourceText, edit: Edit, values: Record<string, string> | undefined): ReturnType<typeof prepareTemplates> {
  try {
    return prepareTemplatesAfterEdit(text, edit, values);
  } catch {
    return { text, placeholders: [], branches: [] };
  }
}

interface SectionSlice {
  name: Section;
  marker?: RunnerMarker;
  statements: InputStatement[];
}

/** Split statements at up/down markers (goose, dbmate) and Liquibase changesets. Files without them are one section. */
function sectionsOf(statements: InputStatement[], markers: RunnerMarker[]): SectionSlice[] {
  const boundaries = markers.filter((m) => m.name === 'up' || m.name === 'down' || m.name === 'changeset');
  if (boundaries.length === 0) return [{ name: undefined, statements }];
  const slices: SectionSlice[] = [];
  const before = statements.filter((s) => s.span.start < boundaries[0].span.start);
  if (before.length) slices.push({ name: undefined, statements: before });
  boundaries.forEach((m, i) => {
    const end = boundaries[i + 1]?.span.start ?? Infinity;
    slices.push({
      // A changeset is a forward migration of its own; it shares the file's (unnamed) section.
      name: m.name === 'changeset' ? undefined : (m.name as 'up' | 'down'),
      marker: m,
      statements: statements.filter((s) => s.span.start > m.span.start && s.span.start < end),
    });
  });
  return slices;
}

let sharedEmptySchema: Catalog | undefined;

/** An empty schema for lock verdicts that must not see one (never changed: the lock model only reads). */
function emptySchema(): Catalog {
  return (sharedEmptySchema ??= new Catalog());
}

/** Analyse one section's statements in order; returns the forward-state fingerprint after it. */
interface SectionContext {
  config: LockstepConfig;
  facts: ProjectFacts;
  /** Transaction ids are unique across the file's sections. */
  ids: { next: number };
  templated: ReadonlySet<InputStatement>;
  /** The document's schema, replayed on demand (lazyCatalog.ts); unset: `doc.catalog`, replayed as we go. */
  lazy?: LazyCatalog;
  /** Per-relation versions of the schema so far (with a memo). */
  versions?: SchemaVersions;
  /** False: no pause after each statement (BuildOptions.pauses). */
  pauses: boolean;
}

function* analyzeSection(doc: MigrationDocument, slice: SectionSlice, context: SectionContext, seed: number, memo?: AnalysisMemo): Generator<void, number> {
  const { config } = context;
  // A down section runs against the schema the up section left, and its own changes stay out of it.
  // A down section applies its statements as it goes, to a copy it then drops.
  const down = slice.name === 'down' ? (context.lazy?.current() ?? doc.catalog).clone() : undefined;
  const lazy = down ? undefined : context.lazy;
  const catalog = (): Catalog => down ?? lazy?.current() ?? doc.catalog;
  const pgVersion = config.pgVersion;
  const wrapping = runnerTransaction(
    {
      runner: doc.runner,
      markers: doc.markers,
      sectionMarker: slice.marker,
      statementCount: slice.statements.length,
      allNonTransactional: () => {
        // The lock model only reads the catalog: one empty schema serves every statement of every file.
        const empty = emptySchema();
        return slice.statements.length > 0 && slice.statements.every((s) => !analyzeLocks(s.ast as AstNode, { pgVersion, catalog: empty }).transactional);
      },
      facts: context.facts,
    },
    config.transaction,
  );
  const wraps = wrapping !== 'none';

  const tx = new TransactionTracker(wraps, context.ids);
  const session = new SessionSettings();
  const trace = traces.get(doc);
  // Each section starts from its own point: the schema before it is the file's, or the up section's.
  const sectionKey = `${slice.name}|${JSON.stringify(slice.marker?.options ?? {})}|${wrapping}`;
  let fingerprint = hashString(sectionKey, seed);
  trace?.sectionStarts.push({ index: doc.statements.length, key: sectionKey });
  const versions = context.versions;
  versions?.beginSection(sectionKey);
  for (const parsed of slice.statements) {
    const index = doc.statements.length;
    const ast = parsed.ast as AstNode;
    const stateBefore = fingerprint;
    if (trace) {
      // A down section's schema is a copy the lazy replay does not follow: -1, so the patch path never restores one.
      trace.lazyKey.push(lazy ? lazy.key : -1);
      trace.lazyCount.push(lazy ? lazy.count : -1);
      trace.timeZoneIsUtc.push(session.timeZoneIsUtc);
      trace.checkFunctionBodies.push(session.checkFunctionBodies);
    }
    const analyze = () => {
      // The schema first (a lazy replay reads relations too), then what the analysis itself reads.
      const schema = catalog();
      // Every field written out: a spread with fields after it took V8's slow path (~2 µs a statement).
      const run = () => analyzeLocks(ast, { pgVersion, catalog: schema, timeZoneIsUtc: session.timeZoneIsUtc, checkFunctionBodies: session.checkFunctionBodies });
      return versions ? versions.record(run) : run();
    };
    const locks = memo ? memo.locks(stateBefore, parsed, analyze, versions) : analyze();
    versions?.mark();
    // Fingerprints only serve the memo; a one-shot lint (CLI) skips computing them.
    const keyHash = memo ? (parsed.forwardKeyHash ?? forwardKeyHash(ast, parsed.text)) : 0;
    if (memo) fingerprint = foldState(fingerprint, keyHash);
    trace?.keyHash.push(keyHash);
    versions?.advance(ast, parsed.text, keyHash);
    const state = tx.before(ast);
    // Every field spelled out (no spread of `parsed`): objects of one shape, built without the
    // dictionary-mode property adds a spread plus twelve more fields cost (a third of a 20,000-line relint).
    doc.statements.push({
      ast: parsed.ast,
      kind: parsed.kind,
      span: parsed.span,
      text: parsed.text,
      toDocOffset: parsed.toDocOffset,
      index,
      section: slice.name,
      inTransaction: state.inTransaction,
      transaction: state.kind,
      implicitTransaction: state.kind === 'runner' && wrapping === 'implicit',
      templated: context.templated.has(parsed),
      transactionId: state.id,
      locks,
      lockTimeoutMs: session.lockTimeoutMs,
      searchSchema: session.searchSchema ?? DEFAULT_SCHEMA,
      stateBefore,
    });
    session.apply(ast, state.inTransaction);
    tx.after(ast);
    if (!tx.current().inTransaction) session.endTransaction();
    for (const name of createdBy(ast)) doc.createdAt.set(name, [...(doc.createdAt.get(name) ?? []), index]);
    for (const name of createdIn(ast, doc.statements[index].searchSchema)) doc.createdIn.set(name, [...(doc.createdIn.get(name) ?? []), index]);
    if (lazy) lazy.push(ast, parsed.text, keyHash);
    else catalog().apply(ast);
    if (context.pauses) yield;
  }
  return fingerprint;
}

/**
 * What the session and the lazy schema replay looked like before each statement of a document built
 * with a memo (by statement index): what the patch path (document/patch.ts) needs to analyse an edited
 * statement again without walking the statements before it.
 */
export interface BuildTrace {
  /** The lazy replay's key before the statement (lazyCatalog.ts), -1 in a down section. */
  lazyKey: number[];
  /** Schema-changing statements pushed before it, -1 in a down section. */
  lazyCount: number[];
  timeZoneIsUtc: (boolean | undefined)[];
  checkFunctionBodies: boolean[];
  /** Each statement's forward-state key hash (a column patch folds the fingerprints after it again: columnPatch.ts). */
  keyHash: number[];
  /** Where each section starts (its first statement's index; empty sections too) and its key, in order. */
  sectionStarts: { index: number; key: string }[];
  /**
   * After column patches (columnPatch.ts): the keys the kept checkpoints were stored under (the last
   * whole build's), and the relations whose columns differ from those checkpoints' after the statement
   * index each maps to. Unset: `lazyKey` names the checkpoints, and they are exact.
   */
  checkpointKey?: number[];
  stale?: ReadonlyMap<string, number>;
  /**
   * By ordinal (`lazyCount`): what each schema-changing statement's effect looked up (lazyCatalog.ts
   * ApplyReads); undefined where not known. A column patch leaves them as they are: no effect's lookups
   * depend on a relation's columns but those of the statements it bails on (readVersions.ts columnReaders).
   */
  applyReads?: readonly (ApplyReads | undefined)[];
}

const traces = new WeakMap<MigrationDocument, BuildTrace>();

export function buildTraceOf(doc: MigrationDocument): BuildTrace | undefined {
  return traces.get(doc);
}

/** A column patch's trace (columnPatch.ts): the predecessor's, with the keys after the edit folded again. */
export function setBuildTrace(doc: MigrationDocument, trace: BuildTrace): void {
  traces.set(doc, trace);
}

/** A patched document's trace is its predecessor's: the patch path only accepts edits that change none of it. */
export function shareBuildTrace(doc: MigrationDocument, from: MigrationDocument): void {
  const trace = traces.get(from);
  if (trace) traces.set(doc, trace);
}

/** Relations a statement brings into existence (tables, indexes, views, sequences, renamed-to names). */
export function createdBy(stmt: AstNode): string[] {
  const s = inner(stmt);
  switch (kindOf(stmt)) {
    case 'CreateStmt':
      return [baseName(rangeVarName(s.relation))];
    case 'CreateTableAsStmt':
      return [baseName(rangeVarName((s.into?.IntoClause ?? s.into)?.rel))];
    case 'ViewStmt':
      return [baseName(rangeVarName(s.view))];
    case 'CreateSeqStmt':
      return [baseName(rangeVarName(s.sequence))];
    case 'IndexStmt':
      return s.idxname ? [s.idxname] : [];
    default:
      return [];
  }
}

/** `createdBy` as `schema.name`: an index lives in its table's schema, unqualified names in `searchSchema`. */
export function createdIn(stmt: AstNode, searchSchema: string): string[] {
  const s = inner(stmt);
  const rv =
    kindOf(stmt) === 'CreateTableAsStmt' ? (s.into?.IntoClause ?? s.into)?.rel : kindOf(stmt) === 'ViewStmt' ? s.view : kindOf(stmt) === 'CreateSeqStmt' ? s.sequence : s.relation;
  const schema = (rv?.RangeVar ?? rv)?.schemaname ?? searchSchema;
  return createdBy(stmt).map((name) => `${schema}.${name}`);
}

interface TxState {
  inTransaction: boolean;
  kind: 'explicit' | 'runner' | 'none';
  id: number;
}

/** Follows BEGIN/COMMIT/ROLLBACK on top of whatever transaction the runner opens. */
class TransactionTracker {
  private state: TxState;

  constructor(runnerWraps: boolean, private readonly ids: { next: number }) {
    this.state = runnerWraps ? { inTransaction: true, kind: 'runner', id: this.ids.next++ } : this.autocommit();
  }

  current(): TxState {
    return this.state;
  }

  /** The transaction state the statement itself runs in. */
  before(stmt: AstNode): TxState {
    const kind = transactionVerb(stmt);
    if ((kind === 'begin') && !this.state.inTransaction) {
      this.state = { inTransaction: true, kind: 'explicit', id: this.ids.next++ };
    }
    return this.state;
  }

  after(stmt: AstNode): void {
    const kind = transactionVerb(stmt);
    if (kind === 'end') this.state = this.autocommit();
  }

  private autocommit(): TxState {
    return { inTransaction: false, kind: 'none', id: -1 };
  }
}

export function transactionVerb(stmt: AstNode): 'begin' | 'end' | undefined {
  if (kindOf(stmt) !== 'TransactionStmt') return undefined;
  const k = String(inner(stmt).kind ?? '');
  if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return 'begin';
  if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED'].includes(k)) return 'end';
  return undefined;
}

/** Bind each `lockstep-ignore` (next statement) to the first statement that starts after it. */
function attachIgnores(doc: MigrationDocument): void {
  bindIgnores(doc.ignores, doc.statements);
}
