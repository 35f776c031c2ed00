/**
 * Runs a trace in a worker thread (dist/traceWorker.js) under limits the worker cannot escape:
 * a start-up deadline, a per-statement time limit, a JavaScript heap limit (resourceLimits) and a
 * ceiling on the process's memory growth (PGlite's WASM memory is outside the JS heap, so it is
 * watched from here). A statement over a limit is reported as failed, the statements before it
 * keep their results, and the ones after it are reported as not run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JobResult, TraceRequest, TraceResponse, TraceStepResult, WorkerMessage } from './protocol';

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** PGlite takes seconds to start on an idle machine and a minute or more on a loaded one. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 150_000;
/** The worker's own JavaScript heap (PGlite's engine lives in WASM memory, limited below). */
export const WORKER_HEAP_MB = 512;
/** How much the process may grow while a trace runs (PGlite starts at about 300 MB). */
export const DEFAULT_MEMORY_LIMIT_MB = 1536;
const MEMORY_POLL_MS = 200;

export interface TraceOptions {
  /** The bundled worker; defaults to traceWorker.js next to the running bundle. */
  workerPath?: string;
  /** Longest any one statement (or setup) may run; default 30 s. */
  statementTimeoutMs?: number;
  /** Longest the embedded engine may take to start; default 150 s. */
  startupTimeoutMs?: number;
  /** Growth of the process's resident memory that stops the trace; default 1.5 GB. */
  memoryLimitMb?: number;
  /** Aborting stops the worker at once (an LSP request was cancelled). */
  signal?: AbortSignal;
}

export function traceInWorker(request: TraceRequest, options: TraceOptions = {}): Promise<TraceResponse> {
  const workerPath = options.workerPath ?? join(__dirname, 'traceWorker.js');
  if (!existsSync(workerPath)) return Promise.reject(new Error(`the trace worker is missing (${workerPath}); run npm run build`));
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 64 } });
    const jobs: JobResult[] = request.jobs.map(() => ({ setupFailures: [], steps: [] }));
    let serverVersion = 'unknown';
    let startupMs = 0;
    let workerPriority: number | undefined;
    let running: { job: number; index: number } | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const baseline = process.memoryUsage().rss;

    const arm = (ms: number, onTimeout: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      clearInterval(memoryWatch);
      void worker.terminate();
    };
    /** Keeps what was traced, fails the running statement with `reason`, and marks the rest as not run. */
    const stop = (reason: string) => {
      if (settled) return;
      finish();
      const notRun = `not run: ${reason.replace(/\.$/, '')} before it, so the embedded database was stopped`;
      request.jobs.forEach((job, j) => {
        const done = new Set(jobs[j].steps.map((s) => s.index));
        for (const step of job.steps) {
          if (done.has(step.index)) continue;
          const here = running?.job === j && running.index === step.index;
          jobs[j].steps.push({ index: step.index, outcome: 'failed', error: here ? reason : notRun } satisfies TraceStepResult);
        }
      });
      resolve({ serverVersion, jobs, startupMs, stopped: reason, ...(workerPriority === undefined ? {} : { workerPriority }) });
    };

    const memoryWatch = setInterval(() => {
      const grownMb = (process.memoryUsage().rss - baseline) / 1048576;
      if (grownMb > memoryLimitMb) stop(`the trace used more than ${memoryLimitMb} MB of memory and was stopped`);
    }, MEMORY_POLL_MS);
    memoryWatch.unref?.();

    arm(startupTimeoutMs, () => {
      if (settled) return;
      finish();
      reject(new Error(`embedded PostgreSQL did not start within ${startupTimeoutMs / 1000} s`));
    });

    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      switch (message.type) {
        case 'ready':
          serverVersion = message.serverVersion;
          startupMs = message.startupMs;
          workerPriority = message.priority;
          arm(statementTimeoutMs, () => stop(`the trace stalled for ${statementTimeoutMs / 1000} s before its first statement`));
          break;
        case 'begin':
          // index -1: a statement of the earlier migrations that build the schema first.
          running = message.index >= 0 ? { job: message.job, index: message.index } : undefined;
          arm(statementTimeoutMs, () =>
            stop(
              message.index >= 0
                ? `did not finish within ${statementTimeoutMs / 1000} s (the trace's per-statement limit) and was stopped`
                : `a statement of the earlier migrations did not finish within ${statementTimeoutMs / 1000} s (the trace's per-statement limit)`,
            ),
          );
          break;
        case 'step':
          jobs[message.job].steps.push(message.result);
          jobs[message.job].setupFailures = message.setupFailures;
          running = undefined;
          arm(statementTimeoutMs, () => stop(`the trace stalled for ${statementTimeoutMs / 1000} s between statements`));
          break;
        case 'done':
          finish();
          resolve(workerPriority === undefined ? message.response : { ...message.response, workerPriority });
          break;
        case 'error':
          finish();
          reject(new Error(`embedded PostgreSQL failed: ${message.error}`));
          break;
      }
    });
    options.signal?.addEventListener('abort', () => {
      if (settled) return;
      finish();
      reject(new Error('the trace was cancelled'));
    });
    worker.once('error', (err) => {
      if (settled) return;
      const outOfMemory = /ERR_WORKER_OUT_OF_MEMORY/.test(String((err as NodeJS.ErrnoException).code));
      if (outOfMemory) stop(`the trace worker ran out of its ${WORKER_HEAP_MB} MB heap and was stopped`);
      else {
        finish();
        reject(err);
      }
    });
    worker.once('exit', (code) => {
      if (settled) return;
      finish();
      reject(new Error(`the trace worker exited with code ${code}`));
    });
  });
}
