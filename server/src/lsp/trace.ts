/**
 * `lockstep/trace`: replay the open migration on embedded PostgreSQL (PGlite) in a worker thread,
 * after the earlier migrations of its set, and compare each statement with the lock model.
 * The language server's own thread only prepares the request and renders the answer.
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { isHostResult } from '../frameworks/lint';
import { filePathOf } from './documentConfigs';
import type { ServerFeature } from './features';
import { compareTraceSteps, traceJob } from '../trace/plan';
import { runSliced, SLICE_MS } from './slicedLint';
import { renderTraceText } from '../trace/render';
import { earlierSetupSteps } from '../trace/setup';
import type { LockstepConfig, RunnerId } from '../config/types';
import { traceInWorker } from '../trace/traceClient';

export const TRACE_REQUEST = 'lockstep/trace';

export interface TraceParams {
  uri: string;
  /** Per-statement limit (`lockstep.trace.statementTimeout`, seconds, in the client); default 30 s. */
  statementTimeoutMs?: number;
}

export interface TraceResult {
  /** The report as text (what `lockstep trace` prints). */
  text: string;
  observed: number;
  disagreements: number;
  failed: number;
}

/**
 * The statements that build the schema before the traced file (its set's earlier migrations), linted
 * a statement at a time between requests: a project's history held the thread for as long as
 * linting all of it took. Undefined when `wanted()` turned false (the trace was cancelled).
 */
export function traceSetup(path: string, runner: RunnerId, config: LockstepConfig, wanted: () => boolean, sliceMs = SLICE_MS): Promise<string[] | undefined> {
  return runSliced(earlierSetupSteps(path, runner, config), wanted, sliceMs);
}

export const traceFeature: ServerFeature = {
  register({ connection, linted, guard, documents, log }) {
    connection.onRequest(
      TRACE_REQUEST,
      guard<TraceParams, TraceResult | { error: string }>('trace', { error: 'the trace failed; see the Lockstep output' }, async (params: TraceParams, token?: CancellationToken) => {
        const uri = typeof params?.uri === 'string' ? params.uri : '';
        const limit = params?.statementTimeoutMs;
        const statementTimeoutMs = typeof limit === 'number' && Number.isFinite(limit) && limit > 0 && limit <= 3_600_000 ? limit : undefined;
        const aborter = new AbortController();
        token?.onCancellationRequested(() => aborter.abort());
        const current = await linted(uri);
        const doc = documents.get(uri);
        if (!current?.result || !doc) return { error: 'open a SQL migration to trace it' };
        const path = filePathOf(uri);
        const setup = path ? await traceSetup(path, current.result.document.runner, current.config, () => !aborter.signal.aborted) : [];
        if (!setup) return { error: 'the trace was cancelled' };
        const response = await traceInWorker({ jobs: [traceJob(current.result, 'lockstep_trace_1', setup)], lowPriority: true }, { statementTimeoutMs, signal: aborter.signal });
        // Compared a statement at a time between requests: a long file's comparison held the thread in one piece.
        const report = await runSliced(compareTraceSteps(current.result, response.jobs[0], response), () => !aborter.signal.aborted);
        if (!report) return { error: 'the trace was cancelled' };
        const observed = report.statements.filter((s) => s.outcome === 'observed');
        const priority = response.workerPriority === undefined ? '' : `, at lowered priority (nice ${response.workerPriority})`;
        log(`Trace of ${path ?? uri}: ${observed.length} statements observed; embedded PostgreSQL started in ${response.startupMs} ms${priority}.`);
        return {
          // A framework migration is traced as the SQL extracted from it: excerpts come from that SQL.
          text: renderTraceText([{ displayPath: path ?? uri, text: isHostResult(current.result) ? current.result.document.text : doc.getText(), report }]),
          observed: observed.length,
          disagreements: observed.filter((s) => !s.agrees).length,
          failed: report.statements.filter((s) => s.outcome === 'failed').length,
        };
      }),
    );
  },
};
