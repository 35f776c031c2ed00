/**
 * The main-thread half of a trace: which statements to replay how, and how what embedded
 * PostgreSQL did compares with what the lock model predicted for each of them.
 */
import type { LockstepConfig } from '../config/types';
import { impactOf, lintSteps, type LintResult } from '../engine';
import { runToEnd } from '../document/model';
import type { TextSpan } from '../findings';
import { observableEffects, type ObservableEffects } from '../locks/oracle';
import type { LockMode } from '../locks/modes';
import { kindOf } from '../parse/ast';
import { failureReason, type FailedStatement } from './failureReasons';
import { explainDifferences, type DifferenceContext } from './knownDifferences';
import type { StatementEffects } from './observe';
import type { JobResult, TraceJob, TraceResponse, TraceStepResult } from './protocol';

export interface TracedStatement {
  index: number;
  span: TextSpan;
  summary: string;
  predicted: ObservableEffects;
  outcome: TraceStepResult['outcome'];
  observed?: StatementEffects;
  error?: string;
  /** For a statement that could not be replayed: why, as a reason reports group by (failureReasons.ts). */
  failureReason?: string;
  /** Observed and predicted agree (undefined when nothing was observed). */
  agrees?: boolean;
  /** What differs, in words. */
  differences: string[];
  /** Why the model predicts nothing for this statement (a procedure body): observed, not compared. */
  unpredicted?: string;
  /** When it disagrees only in ways that depend on the data (docs/trace.md, Known differences): their ids. */
  explained?: string[];
}

export interface TraceReport {
  engine: string;
  startupMs: number;
  setupFailures: JobResult['setupFailures'];
  statements: TracedStatement[];
}

/** Statements of the up sections of earlier migrations, to build the schema first. */
export function setupStatements(files: Array<{ path: string; text: string }>, config: LockstepConfig): string[] {
  return runToEnd(setupStatementsSteps(files, config));
}

/**
 * `setupStatements` in slices: it yields after each statement of each file, and takes the files one
 * at a time (a generator may read each when it is its turn). The language server's trace runs it
 * between requests: a project's earlier migrations are a lint of every one of them.
 */
export function* setupStatementsSteps(files: Iterable<{ path: string; text: string }>, config: LockstepConfig): Generator<void, string[]> {
  const statements: string[] = [];
  for (const { path, text } of files) {
    const { document } = yield* lintSteps(text, { path, config });
    for (const s of document.statements) if (s.section !== 'down' && kindOf(s.ast) !== 'TransactionStmt') statements.push(s.text);
  }
  return statements;
}

export function traceJob(result: LintResult, namespace: string, setup: string[]): TraceJob {
  return {
    namespace,
    setup,
    steps: result.document.statements.map((s) => ({
      index: s.index,
      sql: s.text,
      // Each statement gets a transaction of its own, so the file's BEGIN/COMMIT are left out;
      // down sections undo the migration, and a trace replays it forwards.
      mode: kindOf(s.ast) === 'TransactionStmt' || s.section === 'down' ? 'skip' : s.locks.transactional && !commitsItself(s) ? 'observe' : 'apply',
    })),
  };
}

/**
 * A CALL the migration runs outside a transaction may COMMIT inside (a batched backfill does):
 * it must not be wrapped in the trace's observing transaction ("invalid transaction termination").
 */
function commitsItself(s: { ast: unknown; inTransaction: boolean }): boolean {
  return kindOf(s.ast as never) === 'CallStmt' && !s.inTransaction;
}

/**
 * `failed`: the statements of earlier files of the set that could not be replayed; this file's
 * failures are added to it, so a later file's failure can be traced back to one of them.
 */
export function compareTrace(result: LintResult, job: JobResult, response: TraceResponse, failed: FailedStatement[] = []): TraceReport {
  return runToEnd(compareTraceSteps(result, job, response, failed));
}

/** `compareTrace` in steps: it yields after each statement (the language server runs it in slices, lsp/trace.ts). */
export function* compareTraceSteps(result: LintResult, job: JobResult, response: TraceResponse, failed: FailedStatement[] = []): Generator<void, TraceReport> {
  failed.push(...job.setupFailures.map((f) => ({ sql: f.sql, error: f.error })));
  const context = unseenObjects(result, failed);
  const statements: TracedStatement[] = [];
  for (const step of job.steps) {
    statements.push(compareStep(result, step, failed, context));
    yield;
  }
  return { engine: `PostgreSQL ${response.serverVersion} (embedded PGlite)`, startupMs: response.startupMs, setupFailures: job.setupFailures, statements };
}

/** One statement's observation against the model (a failure is added to `failed`). */
function compareStep(result: LintResult, step: JobResult['steps'][number], failed: FailedStatement[], context: DifferenceContext): TracedStatement {
  const stmt = result.document.statements[step.index];
  const predicted = observableEffects(stmt.ast, stmt.locks);
  const base = { index: step.index, span: stmt.span, summary: impactOf(stmt).summary, predicted, outcome: step.outcome, error: step.error };
  if (step.outcome === 'failed') {
    const reason = failureReason(step.error ?? '', failed);
    failed.push({ sql: stmt.text, error: step.error ?? '' });
    return { ...base, failureReason: reason, differences: [] };
  }
  if (!step.effects) return { ...base, differences: [] };
  if (stmt.locks.unpredicted) return { ...base, observed: step.effects, differences: [], unpredicted: stmt.locks.unpredicted };
  // Where the model says "maybe" (it could not see something), either observation is consistent.
  const unsure = new Set(stmt.locks.effects.filter((e) => e.rewrite === 'maybe' || e.scan === 'maybe').map((e) => e.object));
  const differences = [
    ...lockDifferences(predicted.locks, step.effects.locks, unsure),
    ...setDifferences('rewrite', predicted.rewritten, step.effects.rewritten, unsure),
    ...setDifferences('scan', predicted.scanned, step.effects.scanned, unsure),
  ];
  const explained = differences.length ? explainDifferences(stmt.ast, differences, context, step.index) : undefined;
  return { ...base, observed: step.effects, agrees: differences.length === 0, differences, ...(explained ? { explained } : {}) };
}

/** What the known differences need to know about the schema (docs/trace.md, Known differences: unseen-objects, absent-if-exists). */
function unseenObjects(result: LintResult, failed: FailedStatement[]): DifferenceContext {
  const { catalog, schemaBefore, text, statements } = result.document;
  const createdHere = (object: string) => statements.some((s) => s.locks.effects.some((e) => e.object === object && e.created));
  // Unknown to the model, and made by no statement of the file (by the model's reading or by its
  // text): a relation that code the model does not read made. The file may still name it (CREATE
  // INDEX … ON v1_payload_wal_0, a partition a function made).
  const unknown = (object: string) => !catalog.knows(object) && !schemaBefore?.knows(object) && !createdHere(object) && !createsName(text, object);
  return {
    unseen: (object) => {
      if (!catalog.ranUnseenDdl() && !schemaBefore?.ranUnseenDdl()) return false;
      if (unknown(object)) return true;
      // An index this file builds on such a relation (CREATE INDEX … ON v1_payload_wal_0, a partition a function made).
      const table = catalog.relation(object)?.table ?? schemaBefore?.relation(object)?.table;
      return !!table && unknown(table);
    },
    // Known differences, absent-if-exists: what the model knows before the statement is the earlier
    // migrations' schema and what this file's earlier statements created.
    notes: (index) => statements[index]?.locks.notes ?? [],
    // Read when a difference is explained, after the failures before that statement were added.
    madeByFailed: madeByFailedLookup(failed),
    // Known differences, trigger-code: the file's catalog and the one before it, for triggers the file dropped or replaced.
    triggerCode: (table, event) => {
      const catalogs = [catalog, ...(schemaBefore ? [schemaBefore] : [])];
      const fns = new Set(catalogs.flatMap((c) => c.triggerFunctions(table, event)));
      return [...fns].flatMap((fn) => catalogs.map((c) => c.routineSource(fn)).filter((b): b is string => b !== undefined));
    },
    tableOf: (object) => catalog.relation(object)?.table ?? schemaBefore?.relation(object)?.table,
    neverCreated: (object, index) =>
      !!schemaBefore && !schemaBefore.knows(object) && !statements.slice(0, index).some((s) => s.locks.effects.some((e) => e.object === object && e.created)),
  };
}

/**
 * Locks that differ. Not counted: objects the model is unsure about, and an ACCESS SHARE lock the
 * model did not mention (in practice on an index) — PostgreSQL takes those while planning or loading
 * its caches, depending on what the session did before, and they block only ACCESS EXCLUSIVE.
 */
function lockDifferences(predicted: Record<string, LockMode>, observed: Record<string, LockMode>, unsure: Set<string>): string[] {
  const names = [...new Set([...Object.keys(predicted), ...Object.keys(observed)])].sort();
  return names
    .filter((n) => predicted[n] !== observed[n] && !unsure.has(n))
    .filter((n) => !(predicted[n] === undefined && observed[n] === 'AccessShareLock'))
    .map((n) => `${n}: model ${predicted[n] ?? 'no lock'}, observed ${observed[n] ?? 'no lock'}`);
}

function setDifferences(what: string, predicted: string[], observed: string[], unsure: Set<string>): string[] {
  const missing = observed.filter((t) => !predicted.includes(t) && !unsure.has(t)).map((t) => `${t}: observed a ${what}, the model did not predict one`);
  const extra = predicted.filter((t) => !observed.includes(t) && !unsure.has(t)).map((t) => `${t}: the model predicted a ${what}, none was observed`);
  return [...missing, ...extra];
}

/**
 * Did a statement of `failed` create `object` by name (createsName)? `failed` only grows while a
 * trace is compared (a failure is added as its statement is reached), so per object each failed
 * statement is tested once, with the object's patterns compiled once: asked about every difference
 * of every statement, the plain `failed.some(createsName)` compiled two patterns per failed statement
 * each time (95 ms in one piece on the language server's thread for a 300-line file, bench/lsp-stall.mjs).
 * `tested` counts the statements tested (for tests).
 */
export function madeByFailedLookup(failed: readonly FailedStatement[]): ((object: string) => boolean) & { tested: number } {
  const seen = new Map<string, { checked: number; made: boolean; creates: (sql: string) => boolean }>();
  const lookup = (object: string): boolean => {
    let entry = seen.get(object);
    if (!entry) seen.set(object, (entry = { checked: 0, made: false, creates: createsNameTest(object) }));
    while (!entry.made && entry.checked < failed.length) {
      lookup.tested++;
      entry.made = entry.creates(failed[entry.checked++].sql);
    }
    return entry.made;
  };
  lookup.tested = 0;
  return lookup;
}

/** Does `sql` (a statement that failed) create `object` by name: `CREATE [UNIQUE] INDEX|TABLE|… name`, or `CONSTRAINT name`? */
function createsName(sql: string, object: string): boolean {
  return createsNameTest(object)(sql);
}

/** createsName for one object, its patterns compiled once. */
function createsNameTest(object: string): (sql: string) => boolean {
  const name = object.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const created = new RegExp(
    `\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:UNIQUE|UNLOGGED|TEMP|TEMPORARY|MATERIALIZED)\\s+)*(?:TABLE|INDEX|VIEW|SEQUENCE|TYPE)\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:"?\\w+"?\\.)?"?${name}"?(?=[\\s(;]|$)`,
    'i',
  );
  const constraint = new RegExp(`\\bCONSTRAINT\\s+"?${name}"?(?=[\\s(;]|$)`, 'i');
  return (sql) => created.test(sql) || constraint.test(sql);
}
