/**
 * The main-thread half of a trace: which statements to replay how, and how what embedded
 * PostgreSQL did compares with what the lock model predicted for each of them.
 */
import type { LockstepConfig } from '../config/types';
import { explain, lintText, type LintResult } from '../engine';
import type { TextSpan } from '../findings';
import { observableEffects, type ObservableEffects } from '../locks/oracle';
import type { LockMode } from '../locks/modes';
import { kindOf } from '../parse/ast';
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
  return files.flatMap(({ path, text }) =>
    lintText(text, { path, config }).document.statements.filter((s) => s.section !== 'down' && kindOf(s.ast) !== 'TransactionStmt').map((s) => s.text),
  );
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

export function compareTrace(result: LintResult, job: JobResult, response: TraceResponse): TraceReport {
  const impacts = explain(result);
  const context = unseenObjects(result);
  const statements = job.steps.map((step): TracedStatement => {
    const stmt = result.document.statements[step.index];
    const predicted = observableEffects(stmt.ast, stmt.locks);
    const base = { index: step.index, span: stmt.span, summary: impacts[step.index].summary, predicted, outcome: step.outcome, error: step.error };
    if (!step.effects) return { ...base, differences: [] };
    if (stmt.locks.unpredicted) return { ...base, observed: step.effects, differences: [], unpredicted: stmt.locks.unpredicted };
    // Where the model says "maybe" (it could not see something), either observation is consistent.
    const unsure = new Set(stmt.locks.effects.filter((e) => e.rewrite === 'maybe' || e.scan === 'maybe').map((e) => e.object));
    const differences = [
      ...lockDifferences(predicted.locks, step.effects.locks, unsure),
      ...setDifferences('rewrite', predicted.rewritten, step.effects.rewritten, unsure),
      ...setDifferences('scan', predicted.scanned, step.effects.scanned, unsure),
    ];
    const explained = differences.length ? explainDifferences(stmt.ast, differences, context) : undefined;
    return { ...base, observed: step.effects, agrees: differences.length === 0, differences, ...(explained ? { explained } : {}) };
  });
  return { engine: `PostgreSQL ${response.serverVersion} (embedded PGlite)`, startupMs: response.startupMs, setupFailures: job.setupFailures, statements };
}

/** Objects made by DDL the model does not see (docs/trace.md, Known differences: unseen-objects). */
function unseenObjects(result: LintResult): DifferenceContext {
  const { catalog, schemaBefore, text } = result.document;
  const lower = text.toLowerCase();
  return {
    unseen: (object) =>
      (catalog.ranUnseenDdl() || !!schemaBefore?.ranUnseenDdl()) && !catalog.knows(object) && !schemaBefore?.knows(object) && !lower.includes(object.toLowerCase()),
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
