/**
 * The estimate: a migration's lock impact on the connected database. The lock model (through
 * the engine, with the server's version and the live schema) says which lock each statement
 * takes on which relation; the snapshot says how big those relations are and who is using them.
 * `buildReport` is pure, so it is tested with made-up snapshots as well as real ones.
 */
import type { LockstepConfig } from '../config/types';
import { MAX_PG_VERSION, MIN_PG_VERSION } from '../config/validate';
import { createdEarlier, runToEnd, type StatementInfo } from '../document/model';
import { catalogFromSqlSteps, impactOf, initEngine, lintSteps, type LintResult } from '../engine';
import { DatabaseError } from './errors';
import { blockedBy, conflicts, LOCK_MODES, type LockMode } from '../locks/modes';
import { blockedSummary } from '../impactTable';
import { LineIndex } from '../parse/positions';
import { gatherSnapshot, type GatherOptions } from './gather';
import type { Blocker, EstimateReport, RelationEstimate, RiskLevel, StatementEstimate, WorkItem } from './report';
import type { Catalog } from '../catalog/catalog';
import { displaySql, reportNotes, summaryOf } from './summaries';
import { assessRisk } from './risk';
import type { ReadOnlySession } from './session';
import type { DatabaseSnapshot, LiveLock, RelationFacts } from './snapshot';
import { DEFAULT_THROUGHPUT, type Throughput } from './throughput';
import { buildTimeline } from './timeline';
import { invalidIndexNotes, skippedBuild, skippedBuildNote } from './invalidIndexes';
import { workOf } from './work';

export interface EstimateInput {
  text: string;
  /** Drives runner detection (Flyway names, up.sql, …), as for lint. */
  path?: string;
  /** What the report calls the file. */
  displayPath?: string;
  config: LockstepConfig;
}

/** The server's major version, within what the lock model knows. */
export function analysisVersion(serverMajor: number): number {
  return Math.min(MAX_PG_VERSION, Math.max(MIN_PG_VERSION, serverMajor));
}

export function throughputOf(config: LockstepConfig): Throughput {
  return { ...DEFAULT_THROUGHPUT, ...config.estimate };
}

/**
 * Runs engine work given in steps (a generator that yields between statements). The CLI runs it to
 * the end at once; the language server in slices (lsp/slicedLint.ts), so its only thread answers
 * hovers and edits while an estimate lints the migration and the live schema. Undefined: the run
 * was abandoned (cancelled).
 */
export type StepRunner = <T>(steps: Generator<void, T>) => Promise<T | undefined>;

export interface EstimateOptions extends GatherOptions {
  /** How the engine's work runs (default: at once). */
  run?: StepRunner;
}

/** Connect-side half: read the database for the relations the migration touches, then build the report. */
export async function estimateMigration(session: ReadOnlySession, input: EstimateInput, options: EstimateOptions = {}): Promise<EstimateReport> {
  // The SQL parser only: an estimate lints SQL text, never a host file's (the grammars are 4 MB of WASM).
  await initEngine({ hostGrammars: false });
  const run = async <T>(steps: Generator<void, T>): Promise<T> => {
    if (!options.run) return runToEnd(steps);
    const done = await options.run(steps);
    if (done === undefined || options.signal?.aborted) throw new DatabaseError('cancelled', 'The estimate was cancelled.');
    return done;
  };
  const config = { ...input.config, pgVersion: analysisVersion(session.server.major) };
  const names = touchedRelations(await run(lintSteps(input.text, { path: input.path, config })));
  let snapshot = await gatherSnapshot(session, names, options);
  // With the live schema the lock model sees more (the table a constraint references, an index's
  // table, partitions): read those too, once.
  const schema = await run(snapshotCatalogSteps(snapshot, config));
  const more = touchedRelations(await run(lintSteps(input.text, { path: input.path, config, schema }))).filter((n) => !names.includes(n));
  if (more.length) snapshot = await gatherSnapshot(session, [...names, ...more], options);
  return run(buildReportSteps(input, snapshot));
}

/** The live schema as a catalog. Its DDL leaves out triggers, policies and rules: the catalog must not take them for absent. */
function* snapshotCatalogSteps(snapshot: DatabaseSnapshot, config: LockstepConfig): Generator<void, Catalog> {
  const catalog = yield* catalogFromSqlSteps(snapshot.schemaSql, config);
  catalog.forgetTableObjects();
  return catalog;
}

/** Every existing relation a statement locks, as the lock model names them (created ones have nothing to read). */
export function touchedRelations(result: LintResult): string[] {
  const names = new Set<string>();
  for (const stmt of result.document.statements) {
    for (const e of stmt.locks.effects) if (e.kind !== 'type' && !e.created) names.add(e.object);
  }
  return [...names];
}

export function buildReport(input: EstimateInput, snapshot: DatabaseSnapshot): EstimateReport {
  return runToEnd(buildReportSteps(input, snapshot));
}

/** `buildReport` in steps: it yields between statements of the schema, of the lint and of the report. */
export function* buildReportSteps(input: EstimateInput, snapshot: DatabaseSnapshot): Generator<void, EstimateReport> {
  const config = { ...input.config, pgVersion: analysisVersion(snapshot.server.major) };
  const throughput = throughputOf(input.config);
  const schema = yield* snapshotCatalogSteps(snapshot, config);
  const result = yield* lintSteps(input.text, { path: input.path, config, schema });
  const doc = result.document;
  const lines = new LineIndex(input.text);

  let clock = 0;
  // BEGIN, COMMIT, SET … lock nothing: they shape transactions (which the timeline honours) but get no row.
  const locking = doc.statements.filter((stmt) => shownEffects(stmt).length > 0);
  const drafts: { stmt: StatementInfo; work: WorkItem[]; seconds: number; start: number; isNew: (name: string) => boolean }[] = [];
  for (const stmt of locking) {
    const isNew = (name: string) => createdEarlier(doc, name, stmt.index) || stmt.locks.effects.some((e) => e.object === name && e.created);
    // CREATE INDEX … IF NOT EXISTS over an existing index of that name builds nothing.
    const work = skippedBuild(stmt, snapshot.relations) ? [] : workOf(stmt, { relations: snapshot.relations, schema, throughput, isNew });
    const seconds = work.reduce((sum, w) => sum + w.seconds, 0);
    const start = clock;
    clock += seconds;
    drafts.push({ stmt, work, seconds, start, isNew });
    yield;
  }

  const timeline = buildTimeline(
    drafts.map(({ stmt, seconds, start, isNew }) => ({
      index: stmt.index,
      transactionId: stmt.inTransaction ? stmt.transactionId : -1,
      start,
      seconds,
      locks: shownEffects(stmt).filter((e) => !isNew(e.object)).map((e) => ({ relation: e.object, mode: e.mode })),
    })),
  );

  const statements: StatementEstimate[] = [];
  for (const { stmt, work, seconds, start, isNew } of drafts) {
    const impact = impactOf(stmt);
    const relations = shownEffects(stmt).map((e): RelationEstimate => {
      const facts = snapshot.relations[e.object];
      const created = !!e.created || isNew(e.object);
      const held = heldSeconds(timeline, e.object, start);
      return relationEstimate(e.object, e.kind, e.mode, e.rewrite, e.scan, created, facts, held);
    });
    const skipped = skippedBuild(stmt, snapshot.relations);
    // A skipped CONCURRENTLY build returns at once: it never waits out older transactions.
    const waitsForOlderTransactions = !skipped && !stmt.locks.transactional && stmt.locks.parts.some((p) => /CONCURRENTLY/.test(p.label));
    const { risk, reasons } = assessRisk({ relations, work, lockTimeoutMs: stmt.lockTimeoutMs, waitsForOlderTransactions }, snapshot.longTransactions);
    statements.push({
      index: stmt.index,
      line: lines.positionAt(stmt.span.start).line + 1,
      summary: impact.summary,
      sql: displaySql(stmt.text),
      inTransaction: stmt.inTransaction,
      transactionId: stmt.inTransaction ? stmt.transactionId : -1,
      relations,
      work,
      seconds,
      startSeconds: start,
      risk,
      reasons,
      lockTimeoutMs: stmt.lockTimeoutMs,
      notes: skipped ? [...impact.notes, skippedBuildNote(skipped)] : impact.notes,
    });
    yield;
  }

  return {
    file: input.displayPath,
    target: snapshot.target,
    server: { version: snapshot.server.version, major: snapshot.server.major, inRecovery: snapshot.server.inRecovery },
    pgVersion: config.pgVersion,
    configuredPgVersion: input.config.pgVersion,
    takenAt: snapshot.takenAt,
    gatherMs: snapshot.gatherMs,
    throughput,
    statements,
    relations: Object.values(snapshot.relations).map(summaryOf),
    timeline,
    totalSeconds: clock,
    longTransactions: snapshot.longTransactions,
    longTransactionSeconds: snapshot.longTransactionSeconds,
    risk: statements.reduce<RiskLevel>((max, s) => (rank(s.risk) > rank(max) ? s.risk : max), 'low'),
    notes: [...reportNotes(input, snapshot, config.pgVersion, doc), ...invalidIndexNotes(snapshot.relations)],
  };
}

/** The locks worth showing: real relations, not the indexes a rewrite rebuilds implicitly. */
function shownEffects(stmt: StatementInfo) {
  return stmt.locks.effects.filter((e) => e.kind !== 'type' && !(e.implied && e.kind === 'index') && !(e.dropped && e.kind !== 'table'));
}

function relationEstimate(
  relation: string,
  kind: string,
  mode: LockMode,
  rewrite: RelationEstimate['rewrite'],
  scan: RelationEstimate['scan'],
  created: boolean,
  facts: RelationFacts | undefined,
  heldSeconds: number,
): RelationEstimate {
  const blocks = blockedBy(mode);
  const live = created || !facts ? [] : facts.locks;
  const conflicting = (l: LiveLock) => conflicts(mode, l.mode);
  return {
    relation,
    kind,
    mode,
    blocks: blockedSummary({ relation, kind, mode, blocks, rewrite, scan, created }),
    blocksTraffic: !created && (blocks.reads || blocks.writes),
    rewrite,
    scan,
    created,
    missing: !created && !facts && !relation.startsWith('the table of '),
    rows: facts?.rows ?? null,
    heapBytes: facts?.heapBytes ?? null,
    toastBytes: facts?.toastBytes ?? null,
    indexBytes: facts?.indexBytes ?? null,
    totalBytes: facts?.totalBytes ?? null,
    indexCount: facts ? facts.indexes.length : null,
    sizeSource: facts?.sizeSource,
    waitsFor: uniqueSessions(live.filter((l) => l.granted && conflicting(l))),
    queuesBehind: uniqueSessions(live.filter((l) => !l.granted && conflicting(l))),
    activeSessions: new Set(live.filter((l) => l.granted).map((l) => l.session.pid ?? 'prepared')).size,
    heldSeconds,
  };
}

/** One entry per session, with the strongest conflicting mode it holds or wants. */
function uniqueSessions(locks: LiveLock[]): Blocker[] {
  const byPid = new Map<string, Blocker>();
  for (const l of locks) {
    const key = String(l.session.pid ?? 'prepared');
    const seen = byPid.get(key);
    if (!seen || LOCK_MODES.indexOf(l.mode) > LOCK_MODES.indexOf(seen.mode)) byPid.set(key, { ...l.session, mode: l.mode, granted: l.granted });
  }
  // Oldest transactions first: they are the ones a lock waits longest for.
  return [...byPid.values()].sort((a, b) => (b.xactAgeSeconds ?? 0) - (a.xactAgeSeconds ?? 0));
}

function heldSeconds(timeline: EstimateReport['timeline'], relation: string, at: number): number {
  let held = 0;
  for (const seg of timeline) if (seg.relation === relation && seg.start <= at && seg.end >= at) held = Math.max(held, seg.end - at);
  return held;
}

function rank(level: RiskLevel): number {
  return level === 'high' ? 2 : level === 'medium' ? 1 : 0;
}
