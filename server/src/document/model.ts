/**
 * The document model: a migration file as Lockstep understands it. Statements in order, each
 * with its AST, whether it runs inside a transaction, the lock model's verdict (computed with
 * the schema as it stands just before it), and what the migration itself created earlier.
 */
import { Catalog } from '../catalog/catalog';
import type { LockstepConfig, RunnerId } from '../config/types';
import type { TextSpan } from '../findings';
import { analyzeLocks, type StatementLocks } from '../locks/model';
import { AstNode, baseName, inner, kindOf, rangeVarName } from '../parse/ast';
import type { ParseOutcome, ParsedStatement } from '../parse/pgParser';
import { splitSql, type Chunk, type RunnerMarker, type SourceComment } from '../parse/split';
import { bindIgnores, parseIgnores, type IgnoreDirective } from './ignores';
import { detectRunner, runnerWrapsInTransaction } from './runner';
import { SessionSettings } from './settings';
import { foldState, forwardKeyHash, hashString } from './forwardState';

export type Section = 'up' | 'down' | undefined;

export interface StatementInfo extends ParsedStatement {
  index: number;
  section: Section;
  /** True when the statement runs inside a transaction block (explicit, or the runner's). */
  inTransaction: boolean;
  /** How that transaction came about. */
  transaction: 'explicit' | 'runner' | 'none';
  /** Statements with the same id run in the same transaction; -1 for autocommit. */
  transactionId: number;
  /** The lock model's verdict, with the schema as it stood just before this statement. */
  locks: StatementLocks;
  /** The lock_timeout in force when this statement starts, in milliseconds (0: none). */
  lockTimeoutMs: number;
  /** Fingerprint of what earlier statements hand on (schema, transactions, settings): see forwardState.ts. */
  stateBefore: number;
}

/** A parsed statement, optionally with its forward-state key hash precomputed (the engine caches it). */
export type InputStatement = ParsedStatement & { forwardKeyHash?: number };

/** Memo for work that depends only on the statement's text and the state before it. */
export interface AnalysisMemo {
  locks(stateBefore: number, stmt: InputStatement, compute: () => StatementLocks): StatementLocks;
}

export interface SyntaxProblem {
  message: string;
  span: TextSpan;
}

export interface MigrationDocument {
  path?: string;
  text: string;
  runner: RunnerId;
  pgVersion: number;
  statements: StatementInfo[];
  syntaxErrors: SyntaxProblem[];
  /** psql backslash commands: not SQL, reported as such. */
  metaCommands: Chunk[];
  markers: RunnerMarker[];
  comments: SourceComment[];
  ignores: IgnoreDirective[];
  /** Unqualified relation name → indexes of the statements in this migration that create it. */
  createdAt: Map<string, number[]>;
  /** The schema after the whole file (for later files, and for tests). */
  catalog: Catalog;
}

/** Was `relation` created by an earlier statement of this same migration (so no one else can be using it)? */
export function createdEarlier(doc: MigrationDocument, relation: string, before: number): boolean {
  const section = doc.statements[before]?.section;
  return (doc.createdAt.get(baseName(relation)) ?? []).some((at) => at < before && doc.statements[at].section === section);
}

export type ChunkParser = (chunk: Chunk) => ParseOutcome & { statements?: InputStatement[] };

export interface BuildOptions {
  path?: string;
  config: LockstepConfig;
  parse: ChunkParser;
  /** Schema known before this file (e.g. from earlier migrations). */
  catalog?: Catalog;
  memo?: AnalysisMemo;
  /** Identifies `catalog` (and anything else outside the file) in forward-state fingerprints. */
  stateSeed?: number;
}

export function buildDocument(text: string, options: BuildOptions): MigrationDocument {
  const { config } = options;
  const split = splitSql(text);
  const parsed: InputStatement[] = [];
  const syntaxErrors: SyntaxProblem[] = [];
  for (const chunk of split.chunks) {
    if (chunk.kind !== 'sql') continue;
    const outcome = options.parse(chunk);
    if (outcome.ok) parsed.push(...outcome.statements);
    else syntaxErrors.push(outcome.error);
  }
  const runner = detectRunner(options.path, split.markers, config.runner);
  const doc: MigrationDocument = {
    path: options.path,
    text,
    runner,
    pgVersion: config.pgVersion,
    statements: [],
    syntaxErrors,
    metaCommands: split.chunks.filter((c) => c.kind === 'psql-meta'),
    markers: split.markers,
    comments: split.comments,
    ignores: parseIgnores(split.comments),
    createdAt: new Map(),
    catalog: options.catalog?.clone() ?? new Catalog(),
  };
  let state = options.stateSeed ?? 0;
  for (const section of sectionsOf(parsed, split.markers)) state = analyzeSection(doc, section, config, state, options.memo);
  attachIgnores(doc);
  return doc;
}

interface SectionSlice {
  name: Section;
  marker?: RunnerMarker;
  statements: InputStatement[];
}

/** Split statements at up/down markers (goose, dbmate). Files without them are one section. */
function sectionsOf(statements: InputStatement[], markers: RunnerMarker[]): SectionSlice[] {
  const boundaries = markers.filter((m) => m.name === 'up' || m.name === 'down');
  if (boundaries.length === 0) return [{ name: undefined, statements }];
  const slices: SectionSlice[] = [];
  const before = statements.filter((s) => s.span.start < boundaries[0].span.start);
  if (before.length) slices.push({ name: undefined, statements: before });
  boundaries.forEach((m, i) => {
    const end = boundaries[i + 1]?.span.start ?? Infinity;
    slices.push({
      name: m.name as 'up' | 'down',
      marker: m,
      statements: statements.filter((s) => s.span.start > m.span.start && s.span.start < end),
    });
  });
  return slices;
}

/** Analyse one section's statements in order; returns the forward-state fingerprint after it. */
function analyzeSection(doc: MigrationDocument, slice: SectionSlice, config: LockstepConfig, seed: number, memo?: AnalysisMemo): number {
  // A down section runs against the schema the up section left, and its own changes stay out of it.
  const catalog = slice.name === 'down' ? doc.catalog.clone() : doc.catalog;
  const ctxBase = { pgVersion: config.pgVersion };
  const lockContext = { ...ctxBase, catalog };
  const wraps = runnerWrapsInTransaction(
    {
      runner: doc.runner,
      markers: doc.markers,
      sectionMarker: slice.marker,
      statementCount: slice.statements.length,
      allNonTransactional: () =>
        slice.statements.length > 0 &&
        slice.statements.every((s) => !analyzeLocks(s.ast as AstNode, { ...ctxBase, catalog: new Catalog() }).transactional),
    },
    config.transaction,
  );

  const tx = new TransactionTracker(wraps);
  const session = new SessionSettings();
  // Each section starts from its own point: the schema before it is the file's, or the up section's.
  let fingerprint = hashString(`${slice.name}|${JSON.stringify(slice.marker?.options ?? {})}|${wraps}`, seed);
  for (const parsed of slice.statements) {
    const index = doc.statements.length;
    const ast = parsed.ast as AstNode;
    const stateBefore = fingerprint;
    const analyze = () => analyzeLocks(ast, lockContext);
    const locks = memo ? memo.locks(stateBefore, parsed, analyze) : analyze();
    // Fingerprints only serve the memo; a one-shot lint (CLI) skips computing them.
    if (memo) fingerprint = foldState(fingerprint, parsed.forwardKeyHash ?? forwardKeyHash(ast, parsed.text));
    const state = tx.before(ast);
    doc.statements.push({
      ...parsed,
      index,
      section: slice.name,
      inTransaction: state.inTransaction,
      transaction: state.kind,
      transactionId: state.id,
      locks,
      lockTimeoutMs: session.lockTimeoutMs,
      stateBefore,
    });
    session.apply(ast, state.inTransaction);
    tx.after(ast);
    if (!tx.current().inTransaction) session.endTransaction();
    for (const name of createdBy(ast)) doc.createdAt.set(name, [...(doc.createdAt.get(name) ?? []), index]);
    catalog.apply(ast);
  }
  return fingerprint;
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

interface TxState {
  inTransaction: boolean;
  kind: 'explicit' | 'runner' | 'none';
  id: number;
}

/** Follows BEGIN/COMMIT/ROLLBACK on top of whatever transaction the runner opens. */
class TransactionTracker {
  private state: TxState;
  private nextId = 0;

  constructor(runnerWraps: boolean) {
    this.state = runnerWraps ? { inTransaction: true, kind: 'runner', id: this.nextId++ } : this.autocommit();
  }

  current(): TxState {
    return this.state;
  }

  /** The transaction state the statement itself runs in. */
  before(stmt: AstNode): TxState {
    const kind = transactionVerb(stmt);
    if ((kind === 'begin') && !this.state.inTransaction) {
      this.state = { inTransaction: true, kind: 'explicit', id: this.nextId++ };
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
