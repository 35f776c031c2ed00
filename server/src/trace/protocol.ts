/** Messages between the trace's main side and the worker thread that runs embedded PostgreSQL. */
import type { StatementEffects } from './observe';

export interface TraceStep {
  /** Index of the statement in its document. */
  index: number;
  sql: string;
  /** observe: run in its own transaction and record locks; apply: run as is (e.g. CONCURRENTLY); skip: BEGIN/COMMIT. */
  mode: 'observe' | 'apply' | 'skip';
}

/** One migration file to trace. Jobs sharing a namespace run cumulatively, in order (a migration set). */
export interface TraceJob {
  /** A schema of its own, so migration sets traced in one engine do not see each other. */
  namespace: string;
  /** Statements that build the schema first (the earlier migrations), in order. Failures are reported, not fatal. */
  setup: string[];
  steps: TraceStep[];
}

export interface TraceRequest {
  jobs: TraceJob[];
  /**
   * Run the worker thread at a lower scheduling priority (nice LOW_PRIORITY_NICE, Linux only): the
   * language server's main thread, and the threads its garbage collector waits for, come first.
   */
  lowPriority?: boolean;
}

/** The nice value of a low-priority trace worker (Linux, where it is per thread; 19 is the lowest). */
export const LOW_PRIORITY_NICE = 10;

export interface TraceStepResult {
  index: number;
  outcome: 'observed' | 'applied' | 'skipped' | 'failed';
  effects?: StatementEffects;
  error?: string;
}

export interface JobResult {
  setupFailures: Array<{ sql: string; error: string }>;
  steps: TraceStepResult[];
}

/** Worker → main thread, as the trace goes: the main thread enforces the per-statement limit. */
export type WorkerMessage =
  | { type: 'ready'; serverVersion: string; startupMs: number; priority?: number }
  | { type: 'begin'; job: number; index: number }
  | { type: 'step'; job: number; result: TraceStepResult; setupFailures: JobResult['setupFailures'] }
  | { type: 'done'; response: TraceResponse }
  | { type: 'error'; error: string };

export interface TraceResponse {
  /** `server_version` of the embedded engine, e.g. `18.6`. */
  serverVersion: string;
  /** One per job, in order. */
  jobs: JobResult[];
  /** Time to start the engine, for honest progress messages. */
  startupMs: number;
  /** The worker thread's nice value, when the platform reports it (higher: lower priority). */
  workerPriority?: number;
  /** Why the trace stopped early (a statement over its time limit, the memory limit); the steps before are kept. */
  stopped?: string;
}
