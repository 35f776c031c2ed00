/**
 * The engine's public face: everything the language server, the CLI and the tests call.
 * Pipeline: split → parse each statement (cached by text) → document model (transactions,
 * catalog, lock model) → rules (cached by text + context) → ignores → findings.
 */
import type { LockstepConfig, Severity } from './config/types';
import { shiftedFinding, type Finding, type TextSpan } from './findings';
import { buildDocument, buildDocumentSteps, runToEnd, splitDocumentSteps, type AnalysisMemo, type InputStatement, type MigrationDocument, type PreparedSplit, type StatementInfo } from './document/model';
import { patchDocument, type Patch } from './document/patch';
import type { ApplyReads } from './document/lazyCatalog';
import { sameData } from './document/sameData';
import { wholeText, type SourceText } from './parse/pieceText';
import { forwardKeyHash, hashString, identityIds } from './document/forwardState';
import { SchemaVersions, type ReadRecorder, type ReadStamp } from './document/readVersions';
import { ruleReuseFor, sameRuleReuse, type RuleReuseKey } from './document/ruleReuse';
import type { Certainty, StatementLocks } from './locks/model';
import { IgnoreIndex } from './document/ignores';
import { blockedBy, type BlockedActivities, type LockMode } from './locks/modes';
import { loadParser, parseChunk, parseChunksTogether, type ParseOutcome } from './parse/pgParser';
import { loadHostGrammars } from './frameworks/treeSitter';
import type { Chunk, SplitResult } from './parse/split';
import { kindOf, type AstNode } from './parse/ast';
import { BUILTIN_CHECKS, docsPath, ruleById, ruleSetting, RULE_IDS, RULES } from './rules';
import type { Rule, RuleContext, RuleHit } from './rules/types';
import { dispatchFor, type RuleDispatch, type RulesForKind } from './rules/dispatch';
import { loadedTable, lockWindows, quote, timeoutGaps, warmDocumentIndexes } from './rules/migration';
import { durationMs, lockTimeoutChange } from './document/settings';
import { derivedFrom, derivedWithSameLockFacts, forgetPrevious, sameStatementFacts } from './rules/documentReuse';
import type { RuleReach } from './rules/types';
import { renderHover } from './hover';
import { Catalog } from './catalog/catalog';
import { readProjectFacts, type ProjectFacts } from './document/projectFacts';
import type { HostRunner } from './document/runnerFacts';
import type { ReferenceLookup } from './coderefs/index';
import { KeyedIndex, pairKey } from './cacheIndex';

export interface LintOptions {
  /** File path (absolute or relative); drives runner detection (Flyway `V1__x.sql`, `up.sql`, …). */
  path?: string;
  config: LockstepConfig;
  /** Reused across calls so an edit only re-parses and re-lints statements whose text changed. */
  cache?: EngineCache;
  /** The schema before this file (earlier migrations, or a test's setup); empty when unknown. */
  schema?: Catalog;
  /** What the files around `path` say about its runner; read from disk next to `path` when not given. */
  facts?: ProjectFacts;
  /** The framework that runs this SQL when it was extracted from a host file (server/src/frameworks/lint.ts). */
  host?: HostRunner;
  /** The application code's references, for `still-referenced` (server/src/coderefs/). */
  code?: ReferenceLookup;
  /**
   * False: lint without pausing between statements (no generator resumes per statement; lintText).
   * Default true: lintSteps yields after each statement for the language server's sliced lint.
   */
  pauses?: boolean;
}

export interface LintResult {
  document: MigrationDocument;
  /** Sorted by span.start. Includes `syntax-error` and `psql-meta-command` findings. */
  findings: Finding[];
}

/** What one statement does to one relation, straight from the lock model. */
export interface RelationImpact {
  relation: string;
  kind: string;
  mode: LockMode;
  blocks: BlockedActivities;
  /** `'maybe'` when it depends on something the model cannot see (a column's current type, …). */
  rewrite: Certainty;
  scan: Certainty;
  /** Created by this statement (nobody else can be using it yet). */
  created: boolean;
}

/** Everything Lockstep knows about one statement's lock impact (rendered by hovers and `lint --explain`). */
export interface StatementImpact {
  statementIndex: number;
  span: TextSpan;
  /** Short description, e.g. `ALTER TABLE orders: ADD COLUMN c`. */
  summary: string;
  relations: RelationImpact[];
  inTransaction: boolean;
  /** Why it rewrites or scans, and version-dependent or conditional facts, in words. */
  notes: string[];
}

let parserReady: Promise<void> | undefined;
let grammarsReady: Promise<void> | undefined;

/**
 * Load the libpg-query WASM module, and the tree-sitter grammars the Python/Ruby/Elixir extractors
 * read host files with (extractors are synchronous; a grammar that fails to load leaves its files
 * "not analysed"). Call once before anything else; later calls are no-ops.
 * `hostGrammars: false` skips the grammars (a CLI run over .sql files only): they cost more start-up
 * CPU than the SQL parser. A later call without it loads them.
 */
export function initEngine(options: { hostGrammars?: boolean } = {}): Promise<void> {
  parserReady ??= loadParser();
  if (options.hostGrammars === false) return parserReady;
  grammarsReady ??= loadHostGrammars();
  return Promise.all([parserReady, grammarsReady]).then(() => undefined);
}

/**
 * Per-document memo, so an edit only re-parses and re-lints the statements it touched.
 * Parse results are keyed by statement text (position-independent); lock analyses and rule
 * results by text plus the forward-state fingerprint before the statement (see
 * document/forwardState.ts), so an edit that changes nothing downstream reuses everything after it.
 * Entries not used by the latest lint are dropped, so memory follows the document's size.
 */
export class EngineCache implements AnalysisMemo {
  private generation = 0;
  private parses = new Map<string, Stamped<ParseOutcome> & { rebased?: { delta: number; outcome: ParseOutcome } }>();
  /**
   * Per statement (its AST, shared by every lint while its parse entry lives): its analyses and rule
   * hits. Found by identity: one text lookup per statement (the parse), not one per memo. A Map, not
   * a WeakMap (twice as fast to look up); slots the latest lint did not use are swept at its end.
   */
  private slots = new Map<object, StatementSlot>();
  /** Schemas kept by key for the lazy replay (document/lazyCatalog.ts): checkpoints and the schema after the file. */
  private catalogs = new Map<number, Stamped<Catalog>>();
  /** What each statement's effect looked up when applied, by the same keys (lazyCatalog.ts ApplyReads). */
  private appliedReads = new Map<number, Stamped<ApplyReads>>();
  /** Rule results depend on the config too; a different config starts them afresh. */
  private hitsConfig = '';
  private hitsEpoch = 0;
  /** The document of the latest lint (its indexes may be carried over to the next: rules/documentReuse.ts). */
  lastDocument: MigrationDocument | undefined;
  /** The latest split: the next lint re-splits only around the edit (parse/splitIncremental.ts). */
  lastSplit: { text: string; split: SplitResult } | undefined;
  /** The latest lint, for the patch path (lintSteps): its text, split, document, options and each statement's rule hits. */
  last: PreviousLint | undefined;
  /** Off: every relint builds the document from scratch (tests check the patch path against it). */
  patching = true;
  /** Patched relints since the last whole one: a patch does not sweep unused entries, a whole lint does. */
  patchesSinceSweep = 0;
  /** Counters for tests and benchmarks: how much work the last lint really did. */
  stats = newStats();

  parse(chunk: Chunk): ParseOutcome {
    let entry = this.parses.get(chunk.text);
    if (entry) this.stats.reusedParses++;
    else {
      this.stats.parsed++;
      entry = { value: withKeys(parseChunk({ ...chunk, span: { start: 0, end: chunk.text.length } })), generation: 0 };
      this.parses.set(chunk.text, entry);
    }
    entry.generation = this.generation;
    const delta = chunk.span.start;
    // The same statement at the same place as in the last lint: the same objects (nothing to allocate).
    if (entry.rebased?.delta !== delta) entry.rebased = { delta, outcome: rebase(entry.value, delta) };
    return entry.rebased.outcome;
  }

  /**
   * `versions`: the recorder `compute` records its reads with; a whole build's SchemaVersions also finds
   * an analysis kept under another fingerprint that read the same (document/readVersions.ts). Either way
   * `versions.lastReads` is then what the returned analysis read (the patch path's read sets).
   */
  locks(stateBefore: number, stmt: InputStatement, compute: () => StatementLocks, versions?: ReadRecorder): StatementLocks {
    const slot = this.slotOf(stmt.ast);
    const index = slotIndex(slot);
    let entry = index ? index.analysesByState.find(slot.analyses, stateBefore, ANY) : slot.analyses.find((a) => a.state === stateBefore);
    if (!entry && versions instanceof SchemaVersions) {
      // Another fingerprint, but the same schema as far as the analysis looked (document/readVersions.ts).
      const matching = versions;
      const matches = (a: AnalysisEntry) => a.stamp !== undefined && matching.matches(a.stamp);
      entry = index ? index.analysesByStamp.find(slot.analyses, pairKey(versions.nonSchema, versions.epoch), matches) : slot.analyses.find(matches);
      if (entry) {
        index?.analysesByState.removing(entry, entry.state);
        entry.state = stateBefore;
        index?.analysesByState.added(entry);
        this.stats.reusedByReads++;
      }
    }
    if (entry) {
      this.stats.reusedAnalyses++;
      if (versions) versions.lastReads = entry.reads;
    } else {
      this.stats.analyzed++;
      let value = compute();
      // Computed again to the same verdict as an earlier lint's: its object, so what compares analyses by
      // identity reuses on (document/ruleReuse.ts). Not against this lint's own (a text repeated 800 times).
      const same = slot.analyses.find((a) => a.generation !== this.generation && sameData(a.value, value));
      if (same) value = same.value;
      const stamp = versions instanceof SchemaVersions ? versions.stamp() : undefined;
      slot.analyses.push((entry = { state: stateBefore, value, stamp, reads: versions?.lastReads, generation: 0 }));
      slot.index?.analysesByState.added(entry);
      slot.index?.analysesByStamp.added(entry);
    }
    entry.generation = this.generation;
    return entry.value;
  }

  /** The cacheable rules' hits on `stmt`, reused when the config and everything the rules see besides its text are as before. */
  ruleHits(configKey: string, stmt: StatementInfo, compute: () => RuleHitWithId[], reuse?: RuleReuseKey): RuleHitWithId[] {
    if (configKey !== this.hitsConfig) {
      this.hitsEpoch++;
      this.hitsConfig = configKey;
    }
    const slot = this.slotOf(stmt.ast);
    const index = slotIndex(slot);
    const exact = (h: HitsEntry) => h.epoch === this.hitsEpoch && sameRuleContext(h.context, stmt);
    let entry = index ? index.hitsByState.find(slot.hits, stmt.stateBefore, exact) : slot.hits.find(exact);
    if (!entry && reuse) {
      // Another fingerprint, but nothing the rules read changed (document/ruleReuse.ts).
      const same = (h: HitsEntry) => h.epoch === this.hitsEpoch && h.reuse !== undefined && sameRuleReuse(h.reuse, reuse) && sameRuleContext(h.context, stmt, true);
      entry = index ? index.hitsByReuse.find(slot.hits, pairKey(reuse.nonSchema, reuse.epoch), same) : slot.hits.find(same);
      if (entry) {
        index?.hitsByState.removing(entry, entry.context.stateBefore);
        entry.context = ruleContextOf(stmt);
        index?.hitsByState.added(entry);
        this.stats.reusedLintsByReads++;
      }
    }
    if (entry) this.stats.reusedLints++;
    else {
      this.stats.linted++;
      slot.hits.push((entry = { epoch: this.hitsEpoch, context: ruleContextOf(stmt), reuse, value: compute(), generation: 0 }));
      slot.index?.hitsByState.added(entry);
      slot.index?.hitsByReuse.added(entry);
    }
    entry.generation = this.generation;
    return entry.value;
  }

  catalogAt(key: number): Catalog | undefined {
    return this.used(this.catalogs, key);
  }

  keepCatalog(key: number, catalog: Catalog): void {
    this.keep(this.catalogs, key, catalog);
  }

  appliedReadsAt(key: number): ApplyReads | undefined {
    return this.used(this.appliedReads, key);
  }

  keepAppliedReads(key: number, reads: ApplyReads): void {
    this.keep(this.appliedReads, key, reads);
  }

  /** The value kept under `key`, marked as used by this lint (so `endRun` keeps it). */
  private used<K, T>(map: Map<K, Stamped<T>>, key: K): T | undefined {
    const entry = map.get(key);
    if (entry) entry.generation = this.generation;
    return entry?.value;
  }

  private keep<K, T>(map: Map<K, Stamped<T>>, key: K, value: T): void {
    map.set(key, { value, generation: this.generation });
  }

  beginRun(): void {
    this.generation++;
    this.patchesSinceSweep = 0;
    this.stats = newStats();
  }

  /**
   * A patched relint (or the attempt at one): the same generation as the lint it patches, so what it
   * does not touch stays as fresh as that lint left it (nothing is swept).
   */
  beginPatch(): void {
    this.stats = newStats();
  }

  /** Forget whatever the latest lint did not use. */
  endRun(): void {
    runToEnd(this.endRunSteps());
  }

  /**
   * `endRun` pausing now and then (a sliced lint's last slice would otherwise walk every cache entry).
   * Within a slot, entries the latest lint did not use are dropped the next time the slot is used (`slotOf`).
   */
  *endRunSteps(): Generator<void, void> {
    for (const [k, e] of this.catalogs) if (e.generation !== this.generation) this.catalogs.delete(k);
    let n = 0;
    for (const [k, e] of this.appliedReads) {
      if (e.generation !== this.generation) this.appliedReads.delete(k);
      if (++n % 256 === 0) yield;
    }
    for (const [k, e] of this.slots) {
      if (e.generation !== this.generation) this.slots.delete(k);
      if (++n % 256 === 0) yield;
    }
    for (const [k, e] of this.parses) {
      if (e.generation !== this.generation) this.parses.delete(k);
      if (++n % 256 === 0) yield;
    }
  }

  private slotOf(ast: object): StatementSlot {
    let slot = this.slots.get(ast);
    if (!slot) this.slots.set(ast, (slot = { generation: this.generation, analyses: [], hits: [] }));
    else if (slot.generation !== this.generation) {
      // First use in this lint: keep only what the previous lint used (as a sweep at its end would have).
      const kept = (e: { generation: number }) => e.generation === this.generation - 1;
      if (!slot.analyses.every(kept)) slot.analyses = slot.analyses.filter(kept);
      if (!slot.hits.every(kept)) slot.hits = slot.hits.filter(kept);
      slot.index = undefined;
      slot.generation = this.generation;
    }
    return slot;
  }
}

function newStats() {
  // replayed: schema-changing statements a patched relint applied to restore the schemas it analysed against.
  return { parsed: 0, reusedParses: 0, analyzed: 0, reusedAnalyses: 0, reusedByReads: 0, reusedLintsByReads: 0, linted: 0, reusedLints: 0, ruleVisits: 0, patched: false, rerunStatements: 0, changedLater: 0, replayed: 0, emittedFindings: 0 };
}

/** What a patched relint starts from: the latest lint of the document (engine.ts lintSteps). */
interface PreviousLint {
  /** As given: the document's pieces in the language server (parse/pieceText.ts). */
  text: SourceText;
  split: PreparedSplit['split'];
  document: MigrationDocument;
  /** Everything besides the text the lint depended on, as a string (config, schema, path, placeholders). */
  key: string;
  code: ReferenceLookup | undefined;
  /** `code.version` when linted: an index updated in place answers differently under the same object. */
  codeVersion: number | undefined;
  facts: ProjectFacts;
  host: HostRunner | undefined;
  /** Per statement index: the cacheable and the uncached rules' hits (spans relative to the statement). */
  cached: readonly RuleHitWithId[][];
  uncached: readonly RuleHitWithId[][];
  /** Its findings per statement: a patched lint takes those of statements whose hits it carried over. */
  emitted: EmittedFindings;
}

/** A whole lint (with its sweep of unused cache entries) at least this often while patches follow each other. */
const MAX_PATCHES_BETWEEN_SWEEPS = 256;

interface StatementSlot {
  /** The lint that last used the slot. */
  generation: number;
  /** `stamp`: what the analysis read of the schema, at which versions (unset: reused by `state` only). */
  /** `reads`: the relations the analysis looked up (undefined: every one, or not recorded). */
  analyses: AnalysisEntry[];
  hits: HitsEntry[];
  /** Lookups by key once a list is long (a statement text repeated many times: cacheIndex.ts). */
  index?: SlotIndex;
}

type AnalysisEntry = Stamped<StatementLocks> & { state: number; stamp?: ReadStamp; reads?: readonly string[] };
type HitsEntry = Stamped<RuleHitWithId[]> & { epoch: number; context: RuleContextKey; reuse?: RuleReuseKey };

interface SlotIndex {
  analysesByState: KeyedIndex<AnalysisEntry>;
  analysesByStamp: KeyedIndex<AnalysisEntry>;
  hitsByState: KeyedIndex<HitsEntry>;
  hitsByReuse: KeyedIndex<HitsEntry>;
}

const ANY = () => true;

/** The slot's index when one of its lists is long (made then); undefined: a scan is cheaper. */
function slotIndex(slot: StatementSlot): SlotIndex | undefined {
  if (slot.index || (slot.analyses.length <= 8 && slot.hits.length <= 8)) return slot.index;
  return (slot.index = {
    analysesByState: new KeyedIndex((a) => a.state),
    analysesByStamp: new KeyedIndex((a) => (a.stamp ? pairKey(a.stamp.nonSchema, a.stamp.epoch) : undefined)),
    hitsByState: new KeyedIndex((h) => h.context.stateBefore),
    hitsByReuse: new KeyedIndex((h) => (h.reuse ? pairKey(h.reuse.nonSchema, h.reuse.epoch) : undefined)),
  });
}

/** Everything a cacheable rule sees besides the statement's text and the config: the state before it. */
type RuleContextKey = Pick<StatementInfo, 'stateBefore' | 'section' | 'inTransaction' | 'transaction' | 'implicitTransaction' | 'lockTimeoutMs'>;

function ruleContextOf(stmt: StatementInfo): RuleContextKey {
  const { stateBefore, section, inTransaction, transaction, implicitTransaction, lockTimeoutMs } = stmt;
  return { stateBefore, section, inTransaction, transaction, implicitTransaction, lockTimeoutMs };
}

/** `besidesState`: all but the forward-state fingerprint (compared another way: document/ruleReuse.ts). */
function sameRuleContext(a: RuleContextKey, b: StatementInfo, besidesState = false): boolean {
  return (
    (besidesState || a.stateBefore === b.stateBefore) &&
    a.section === b.section &&
    a.inTransaction === b.inTransaction &&
    a.transaction === b.transaction &&
    a.implicitTransaction === b.implicitTransaction &&
    a.lockTimeoutMs === b.lockTimeoutMs
  );
}

interface Stamped<T> {
  value: T;
  /** The lint run that last used this entry. */
  generation: number;
}

/** Precompute each statement's forward-state key hash once per distinct text. */
function withKeys(outcome: ParseOutcome): ParseOutcome {
  if (!outcome.ok) return outcome;
  for (const s of outcome.statements as InputStatement[]) s.forwardKeyHash = forwardKeyHash(s.ast as AstNode, s.text);
  return outcome;
}

function rebase(outcome: ParseOutcome, delta: number): ParseOutcome {
  if (delta === 0) return outcome;
  const shift = (s: TextSpan): TextSpan => ({ start: s.start + delta, end: s.end + delta });
  if (!outcome.ok) return { ok: false, error: { ...outcome.error, span: shift(outcome.error.span) } };
  return {
    ok: true,
    statements: outcome.statements.map((s: InputStatement) => ({
      ast: s.ast,
      kind: s.kind,
      span: shift(s.span),
      text: s.text,
      toDocOffset: (b: number) => s.toDocOffset(b) + delta,
      forwardKeyHash: s.forwardKeyHash,
    })),
  };
}

export function lintText(text: string, options: LintOptions): LintResult {
  return runToEnd(lintSteps(text, { ...options, pauses: false }));
}

/** Statements from which a lint builds its rules' document indexes in steps (below, on first use, in one go). */
const WARM_INDEXES_FROM = 500;

/** `lintText` in slices: it yields after each statement (see buildDocumentSteps); same result. */
export function* lintSteps(source: SourceText, options: LintOptions): Generator<void, LintResult> {
  const { config } = options;
  // Without a cache (the CLI lints each file once) nothing is memoised or fingerprinted.
  const cache = options.cache;
  const pauses = options.pauses ?? true;
  // Placeholder values change what a templated statement parses to while its text stays the same.
  const stateSeed = hashString(`${config.pgVersion}|${options.schema ? catalogId(options.schema) : 0}|${JSON.stringify(config.placeholders ?? {})}`);
  const facts = options.facts ?? readProjectFacts(options.path);
  const dispatch = dispatchFor(config);
  const key = cache ? `${stateSeed}|${options.path ?? ''}|${JSON.stringify(config)}` : '';
  cache?.beginPatch();
  const prepared = yield* splitDocumentSteps(source, config.placeholders, cache, pauses);
  const patched = cache ? patchedLint(source, prepared, options, { cache, key, facts, reach: dispatch.reach }) : undefined;
  if (patched) return patched;
  // A whole lint reads the whole text: pieces (lsp/pieceDocument.ts) are built into one string here.
  const text = wholeText(source);

  cache?.beginRun();
  const document = yield* buildDocumentSteps(text, {
    path: options.path,
    config,
    catalog: options.schema,
    parse: cache ? (chunk) => cache.parse(chunk) : parseChunk,
    // One parser call for the whole file when nothing is cached per statement.
    parseTogether: cache ? undefined : parseChunksTogether,
    memo: cache,
    stateSeed,
    host: options.host,
    facts,
    split: prepared,
    pauses,
  });
  // The previous lint of this document: whole-document indexes an edit cannot change are carried over.
  if (cache?.lastDocument) derivedFrom(document, cache.lastDocument);
  // The rule-hit cache's key: a one-shot lint (the CLI) keeps no hits, so it spends no stringify per file on it.
  const configKey = cache ? configKeyOf(document, config) : '';
  const context: RuleContext = { doc: document, config, code: options.code };
  // The rules' whole-document indexes, built a statement at a time so a sliced lint never walks the
  // whole document in one slice (rules/migration.ts). A short document builds them on first use.
  // Without pauses (and no cache to carry them on) they are built on first use, in one go.
  if (document.statements.length >= WARM_INDEXES_FROM && (pauses || cache)) yield* warmDocumentIndexes(document, config);
  const cached: RuleHitWithId[][] = [];
  const uncached: RuleHitWithId[][] = [];
  const reuseKey = cache ? ruleReuseFor(document) : undefined;
  for (const stmt of document.statements) {
    const rules = dispatch.forKind(stmt.kind);
    if (cache) cache.stats.ruleVisits += rules.cacheable.length + rules.uncached.length;
    const compute = () => runRules(stmt, rules.cacheable, context);
    cached.push(cache ? cache.ruleHits(configKey, stmt, compute, reuseKey?.(stmt)) : compute());
    uncached.push(runRules(stmt, rules.uncached, context));
    if (pauses) yield;
  }
  const emitted = findingsOf(document, config, cached, uncached, cache ? { previous: undefined } : undefined);
  const findings = emitted.findings;
  forgetPrevious(document);
  if (cache) {
    cache.stats.emittedFindings = emitted.emitted;
    cache.lastDocument = document;
    cache.last = { text: source, split: prepared.split, document, key, code: options.code, codeVersion: options.code?.version, facts, host: options.host, cached, uncached, emitted };
    yield* cache.endRunSteps();
  }
  return { document, findings };
}

/** Everything a cacheable rule can see besides the statement's text and the state before it. */
function configKeyOf(document: MigrationDocument, config: LockstepConfig): string {
  return `${document.runner}|${document.host?.id ?? ''}|${config.pgVersion}|${JSON.stringify(config.rules)}|${JSON.stringify(config.categories ?? {})}|${config.extends ?? ''}|${config.lockTimeout}|${JSON.stringify(config.placeholders ?? {})}`;
}

/** Statement kinds that load rows into a table: rules with `reach.loads` read them at any distance. */
const LOADS = new Set(['InsertStmt', 'CopyStmt', 'CreateTableAsStmt']);

/**
 * The patch path: when the edit is confined to a few statements that hand nothing different on
 * (document/patch.ts), the new lint is the previous one with those statements analysed and linted
 * again, the uncached rules rerun on the statements whose verdicts read them (`Rule.reach`), and every
 * other statement's rule hits carried over. The findings are then emitted from all the hits exactly as
 * a whole lint emits them (ignores, severities, unused ignores). Undefined: lint the whole document.
 */
function patchedLint(
  text: SourceText,
  prepared: PreparedSplit,
  options: LintOptions,
  { cache, key, facts, reach }: { cache: EngineCache; key: string; facts: ProjectFacts; reach: RuleReach | undefined },
): LintResult | undefined {
  const last = cache.last;
  const { config } = options;
  if (!last || !reach || !cache.patching || cache.patchesSinceSweep >= MAX_PATCHES_BETWEEN_SWEEPS) return undefined;
  if (last.key !== key || !sameData(last.facts, facts) || !sameData(last.host, options.host)) return undefined;
  // Code-reading verdicts carry over only from the same index, known unchanged; else they are all rerun.
  const codeChanged = last.code !== options.code || (!!options.code && (options.code.version === undefined || options.code.version !== last.codeVersion));
  const { placeholders, branches } = prepared.prepared;
  if (prepared.prepared.text !== text || placeholders.length > 0 || branches.length > 0) return undefined;
  const patch = patchDocument({ previous: last.document, previousText: last.text, previousSplit: last.split, text, split: prepared.split, memo: cache, pgVersion: config.pgVersion });
  const naming = patch && sameVerdictsElsewhere(patch, reach, last.uncached);
  if (!patch || !naming) return undefined;

  const document = patch.doc;
  cache.stats.patched = true;
  cache.stats.replayed = patch.replayed;
  cache.patchesSinceSweep++;
  derivedWithSameLockFacts(document, last.document);
  // The lock indexes carried over (the lock facts are the same), so the next patch can carry them on in
  // turn; the rules' other document indexes are built if a relinted statement asks for them.
  if (document.statements.length >= WARM_INDEXES_FROM) {
    lockWindows(document);
    timeoutGaps(document, durationMs(config.lockTimeout));
  }
  const dispatch = dispatchFor(config);
  const configKey = configKeyOf(document, config);
  const context: RuleContext = { doc: document, config, code: options.code };
  const cached = last.cached.slice();
  const uncached = last.uncached.slice();
  const rerun = rerunStatements(patch, reach, naming);
  // Statements after a column-only edit analysed again to another verdict: relinted as edited ones are.
  const changed = new Set(patch.changed);
  cache.stats.changedLater = patch.changed.length;
  if (codeChanged) rerunCodeRules(document, dispatch, context, uncached, new Set(rerun));
  for (const index of rerun) {
    const stmt = document.statements[index];
    const rules = dispatch.forKind(stmt.kind);
    cache.stats.rerunStatements++;
    if ((index >= patch.start && index < patch.end) || changed.has(index)) {
      cache.stats.ruleVisits += rules.cacheable.length;
      cached[index] = cache.ruleHits(configKey, stmt, () => runRules(stmt, rules.cacheable, context));
    }
    cache.stats.ruleVisits += rules.uncached.length;
    uncached[index] = runRules(stmt, rules.uncached, context);
  }
  const emitted = findingsOf(document, config, cached, uncached, { previous: last.emitted });
  const findings = emitted.findings;
  cache.stats.emittedFindings = emitted.emitted;
  forgetPrevious(document);
  cache.lastDocument = document;
  cache.last = { text, split: prepared.split, document, key, code: options.code, codeVersion: options.code?.version, facts, host: options.host, cached, uncached, emitted };
  return { document, findings };
}

/**
 * The code changed (another index, or the same one updated): every statement's code-reading rules run
 * again, their hits taking the place of the carried ones in the rules' registry order (a whole lint's
 * order); the other uncached rules' hits stay. Statements in `skip` are relinted whole anyway.
 */
function rerunCodeRules(document: MigrationDocument, dispatch: RuleDispatch, context: RuleContext, uncached: RuleHitWithId[][], skip: ReadonlySet<number>): void {
  for (const stmt of document.statements) {
    const code = codeReaders(dispatch.forKind(stmt.kind));
    if (code.length === 0 || skip.has(stmt.index)) continue;
    const fresh = runRules(stmt, code, context);
    const kept = uncached[stmt.index];
    if (fresh.length === 0 && !kept.some((h) => READS_CODE.has(h.ruleId))) continue;
    uncached[stmt.index] = [...kept.filter((h) => !READS_CODE.has(h.ruleId)), ...fresh].sort((a, b) => RULE_ORDER.get(a.ruleId)! - RULE_ORDER.get(b.ruleId)!);
  }
}

const READS_CODE = new Set(RULES.filter((r) => r.usesCode).map((r) => r.id));
const RULE_ORDER = new Map(RULES.map((r, i) => [r.id, i]));
const codeReadersOf = new WeakMap<RulesForKind, readonly Rule[]>();

/** The code-reading rules among a kind's uncached rules (kept per dispatch entry: asked once per statement). */
function codeReaders(rules: RulesForKind): readonly Rule[] {
  let found = codeReadersOf.get(rules);
  if (!found) codeReadersOf.set(rules, (found = rules.uncached.filter((r) => r.usesCode)));
  return found;
}

/**
 * Can the uncached rules' verdicts on the statements outside the edit be carried over? Only an edited
 * statement's text and AST can differ (its kind, forward-state key and locks are the same: patch.ts),
 * or, after a column-only edit, its labels and the analyses of a few later statements (`changed`):
 * their lock facts must be the same, and the rules that read other statements say how far (`reach`).
 */
function sameVerdictsElsewhere(patch: Patch, reach: RuleReach, uncached: readonly RuleHitWithId[][]): number[] | undefined {
  const pairs = patch.replaced.map((was, i) => [was, patch.doc.statements[patch.start + i]]);
  for (const index of patch.changed) pairs.push([patch.previous.statements[index], patch.doc.statements[index]]);
  const quoted: string[] = [];
  for (const [was, now] of pairs) {
    // What the lock indexes and `preexisting` read of any statement: its locks, creations, the schemas it names.
    if (!sameStatementFacts(was, now)) return undefined;
    if (reach.loads && LOADS.has(now.kind) && loadedTable(was) !== loadedTable(now)) return undefined;
    // The lock indexes quote the statements they name; one that takes no lock they count is never named.
    if (reach.lockIndexes && quote(was) !== quote(now) && namedByLockIndexes(now)) {
      if (!patch.columns) return undefined;
      // A column-only edit: the statements whose carried verdicts quote it are rerun instead.
      quoted.push(quote(was).slice(0, QUOTED_PREFIX));
    }
  }
  return quoted.length ? statementsQuoting(uncached, quoted) : [];
}

/** What every quote of a statement holds (quote() shortens to 50 or 70 characters, an ellipsis last). */
const QUOTED_PREFIX = 49;

/** The statements with an uncached hit whose message holds one of `quoted` (or more: a rerun is never wrong). */
function statementsQuoting(uncached: readonly RuleHitWithId[][], quoted: readonly string[]): number[] {
  const found: number[] = [];
  for (let i = 0; i < uncached.length; i++) if (uncached[i].some((h) => quoted.some((q) => h.message.includes(q)))) found.push(i);
  return found;
}

/** Could the lock windows or lock_timeout gaps (rules/migration.ts) name this statement? */
function namedByLockIndexes(stmt: StatementInfo): boolean {
  if (lockTimeoutChange(stmt.ast as AstNode)) return true;
  return stmt.locks.effects.some((e) => {
    const blocks = blockedBy(e.mode, e.kind);
    return blocks.reads || blocks.writes || e.scan === true || e.rewrite === true;
  });
}

/** The edited statements (and those analysed again to another verdict), and those whose uncached verdicts read them (`reach`), in order. */
function rerunStatements(patch: Patch, reach: RuleReach, naming: readonly number[]): number[] {
  const found = new Set<number>();
  rerunAround(patch.doc.statements, patch.start, patch.end, reach, found);
  for (const index of patch.changed) rerunAround(patch.doc.statements, index, index + 1, reach, found);
  // Their uncached verdicts quote an edited statement (a column-only edit).
  for (const index of naming) found.add(index);
  return patch.changed.length || naming.length ? [...found].sort((a, b) => a - b) : [...found];
}

function rerunAround(statements: readonly StatementInfo[], start: number, end: number, reach: RuleReach, found: Set<number>): void {
  // `next`: the statement before the edit reads the first edited one.
  if (reach.next && start > 0 && start < end) found.add(start - 1);
  for (let i = start; i < end; i++) found.add(i);
  if (reach.previous && start < end) {
    // The statement after the edit reads the last edited one; past SETs, the first one that is not a SET.
    for (let i = end; i < statements.length; i++) {
      found.add(i);
      if (reach.previous !== 'pastSets' || statements[i].kind !== 'VariableSetStmt') break;
    }
  }
}

/** The findings of a lint from each statement's rule hits (and the document's own problems), as a whole lint emits them. */
function findingsOf(
  document: MigrationDocument,
  config: LockstepConfig,
  cached: readonly RuleHitWithId[][],
  uncached: readonly RuleHitWithId[][],
  /** Set (for a cached lint): keep each statement's findings, and take them from `previous` where its hits are the same. */
  carry?: { previous: EmittedFindings | undefined },
): EmittedFindings & { findings: Finding[]; emitted: number } {
  const previous = carry?.previous;
  const findings: Finding[] = [];
  let emittedFindings = 0;
  const ignores = new IgnoreIndex(document.ignores);
  // Per lint, each rule's setting once (every finding asked it: a walk of the config's categories).
  const settings = new Map<string, ReturnType<typeof ruleSetting>>();
  const severityOf = (ruleId: string, fallback: Severity): Severity | undefined => {
    let setting = settings.get(ruleId);
    if (setting === undefined && !settings.has(ruleId)) settings.set(ruleId, (setting = ruleSetting(config, ruleId)));
    return setting === 'off' ? undefined : (setting ?? fallback);
  };
  const emit = (ruleId: string, fallback: Severity, message: string, span: TextSpan, statementIndex?: number, related?: Finding['related']) => {
    const severity = severityOf(ruleId, fallback);
    if (!severity) return;
    const ignore = ignores.find(ruleId, statementIndex);
    if (ignore) {
      ignore.used.add(ignore.ruleIds.includes(ruleId) ? ruleId : 'all');
      return;
    }
    const finding: Finding = { ruleId, severity, message, span, docs: docsPath(ruleId), statementIndex };
    if (related?.length) finding.related = related;
    findings.push(finding);
  };

  for (const e of document.syntaxErrors) emit('syntax-error', BUILTIN_CHECKS['syntax-error'].defaultSeverity, e.message, e.span);
  for (const n of document.notAnalysed) {
    emit('not-analysed', BUILTIN_CHECKS['not-analysed'].defaultSeverity, `Not analysed: ${n.reason}. Lockstep does not guess what it becomes.`, n.span);
  }
  for (const m of document.metaCommands) {
    emit('psql-meta-command', BUILTIN_CHECKS['psql-meta-command'].defaultSeverity, `psql meta-command ${m.text.split(/\s/)[0]} is not SQL: only psql runs it; other runners will fail on it.`, m.span);
  }
  const emitHits = (stmt: StatementInfo, hits: readonly RuleHitWithId[]) => {
    for (const hit of hits) {
      const span = hit.span ? { start: hit.span.start + stmt.span.start, end: hit.span.end + stmt.span.start } : stmt.span;
      emit(hit.ruleId, hit.severity ?? ruleById(hit.ruleId)!.defaultSeverity, hit.message, span, stmt.index, hit.related);
    }
  };
  // A statement's findings follow from its hits, its start and index, the config and the ignores: with no
  // ignore in either lint, the same hits give the previous lint's findings (moved copies if it moved).
  const carried = previous && document.ignores.length === 0 && previous.ignoreFree ? previous.byStatement : undefined;
  const byStatement: (StatementFindings | undefined)[] = carry ? new Array(cached.length) : [];
  // Indexed over the hit lists: most statements have none, and a moved record's fields are getters.
  for (let i = 0; i < cached.length; i++) {
    const hitsCached = cached[i];
    const hitsUncached = uncached[i];
    if (hitsCached.length === 0 && hitsUncached.length === 0) continue;
    const stmt = document.statements[i];
    const start = stmt.span.start;
    const was = carried?.[i];
    if (was && was.cached === hitsCached && was.uncached === hitsUncached) {
      const same = start === was.start ? was : { cached: hitsCached, uncached: hitsUncached, start, findings: was.findings.map((f) => shiftedFinding(f, start - was.start)) };
      for (const f of same.findings) findings.push(f);
      byStatement[i] = same;
      continue;
    }
    const from = findings.length;
    if (hitsCached.length) emitHits(stmt, hitsCached);
    if (hitsUncached.length) emitHits(stmt, hitsUncached);
    emittedFindings += findings.length - from;
    if (carry) byStatement[i] = { cached: hitsCached, uncached: hitsUncached, start, findings: findings.slice(from) };
  }

  for (const d of document.ignores) {
    const unknown = d.ruleIds.filter((id) => id !== 'all' && !RULE_IDS.includes(id));
    const unused = d.ruleIds.filter((id) => !d.used.has(id) && !unknown.includes(id));
    const problems = [
      ...unknown.map((id) => `unknown rule id "${id}"`),
      ...(unused.length ? [`nothing to ignore for ${unused.join(', ')} ${d.scope === 'file' ? 'in this file' : 'on the next statement'}`] : []),
    ];
    if (problems.length) emit('unused-ignore', BUILTIN_CHECKS['unused-ignore'].defaultSeverity, `This lockstep-ignore has ${problems.join('; ')}.`, d.span);
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { findings, byStatement, ignoreFree: document.ignores.length === 0, emitted: emittedFindings };
}

/** One statement's findings as a lint emitted them, and the hits and start they were made from. */
interface StatementFindings {
  cached: readonly RuleHitWithId[];
  uncached: readonly RuleHitWithId[];
  start: number;
  findings: readonly Finding[];
}

/** A lint's findings per statement (by index; none for a statement without hits), for the next patched lint. */
interface EmittedFindings {
  byStatement: readonly (StatementFindings | undefined)[];
  /** The document had no lockstep-ignore directive (none could have silenced a hit or been marked used). */
  ignoreFree: boolean;
}

type RuleHitWithId = RuleHit & { ruleId: string };

/** The hits of a statement no rule flagged: one shared empty list (a lint keeps every statement's). */
const NO_HITS: RuleHitWithId[] = Object.freeze([]) as unknown as RuleHitWithId[];

/**
 * Rule hits with spans relative to the statement start, so they can be cached by text. Indexed loops:
 * a CLI lint calls ~19 rules per statement, nearly all returning `[]`, and runs them before V8 has
 * optimised this loop, where a `for…of` made an array iterator per call (~3 % of the corpus's main thread).
 */
export function runRules(stmt: StatementInfo, rules: readonly Rule[], context: RuleContext): RuleHitWithId[] {
  let hits: RuleHitWithId[] = NO_HITS;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    const found = rule.check(stmt, context);
    for (let i = 0; i < found.length; i++) {
      const hit = found[i];
      const span = hit.span ? { start: hit.span.start - stmt.span.start, end: hit.span.end - stmt.span.start } : undefined;
      if (hits === NO_HITS) hits = [];
      hits.push({ ...hit, span, ruleId: rule.id });
    }
  }
  return hits;
}

/** A stable id per schema object, so results computed against another schema are never reused. */
const catalogId = identityIds<Catalog>();

/** The lock impact of every parsed statement, in document order. */
export function explain(result: LintResult, _config?: LockstepConfig): StatementImpact[] {
  return result.document.statements.map(impactOf);
}

export function impactOf(stmt: StatementInfo): StatementImpact {
  const relations = stmt.locks.effects
    .filter((e) => !e.dropped || e.kind === 'table')
    .map((e) => ({
      relation: e.object,
      kind: e.kind,
      mode: e.mode,
      blocks: blockedBy(e.mode, e.kind),
      rewrite: e.rewrite,
      scan: e.scan,
      created: !!e.created,
    }));
  const labels = stmt.locks.parts.map((p) => p.label);
  const target = stmt.locks.effects.find((e) => !e.implied)?.object;
  const summary =
    kindOf(stmt.ast) === 'AlterTableStmt' && target ? `ALTER TABLE ${target}: ${labels.join(', ')}` : labels.join(', ') || kindLabel(stmt);
  const notes = [...new Set([...stmt.locks.parts.flatMap((p) => p.reasons), ...stmt.locks.notes])];
  return { statementIndex: stmt.index, span: stmt.span, summary, relations, inTransaction: stmt.inTransaction, notes };
}

function kindLabel(stmt: StatementInfo): string {
  return kindOf(stmt.ast).replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/**
 * The first statement whose span (its `;` included) contains `offset`, by binary search: statements
 * are in document order, so their ends only grow. A hover on a 20,000-line file costs a few
 * comparisons instead of a walk over every statement (the walk took ~5 ms there, per lookup).
 */
export function statementAt<S extends { span: TextSpan }>(statements: readonly S[], offset: number): S | undefined {
  const stmt = statements[firstEndingAtOrAfter(statements, offset)];
  return stmt && stmt.span.start <= offset ? stmt : undefined;
}

/** Index of the first statement whose span ends at or after `offset` (length when none), by binary search. */
export function firstEndingAtOrAfter(statements: readonly { span: TextSpan }[], offset: number): number {
  let low = 0;
  let high = statements.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (statements[mid].span.end < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Markdown describing the locks of the statement at `offset` (UTF-16), or undefined between statements. */
export function hoverAt(result: LintResult, offset: number, config: LockstepConfig): string | undefined {
  const stmt = statementAt(result.document.statements, offset);
  if (!stmt) return undefined;
  return renderHover(impactOf(stmt), result.document, config);
}

/** Replay a schema script (earlier migrations, a test's setup) into a catalog. Syntax errors are skipped. */
export function catalogFromSql(sql: string, config: LockstepConfig): Catalog {
  return runToEnd(catalogFromSqlSteps(sql, config, false));
}

/**
 * `catalogFromSql` in steps (it yields between statements), for work that must not hold the language
 * server's thread. `pauses` false: no yield at all (catalogFromSql runs to the end anyway).
 */
export function* catalogFromSqlSteps(sql: string, config: LockstepConfig, pauses = true): Generator<void, Catalog> {
  return (yield* buildDocumentSteps(sql, { config, parse: parseChunk, parseTogether: parseChunksTogether, pauses })).catalog;
}
