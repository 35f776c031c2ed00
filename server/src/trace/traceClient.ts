/** Runs a trace in a worker thread (dist/traceWorker.js), with a deadline. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TraceRequest, TraceResponse } from './protocol';

export interface TraceOptions {
  /** The bundled worker; defaults to traceWorker.js next to the running bundle. */
  workerPath?: string;
  timeoutMs?: number;
}

export function traceInWorker(request: TraceRequest, options: TraceOptions = {}): Promise<TraceResponse> {
  const workerPath = options.workerPath ?? join(__dirname, 'traceWorker.js');
  if (!existsSync(workerPath)) return Promise.reject(new Error(`the trace worker is missing (${workerPath}); run npm run build`));
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath, { workerData: request });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the embedded PostgreSQL trace took longer than ${timeoutMs} ms and was stopped (--timeout-ms raises the limit)`));
    }, timeoutMs);
    const finish = () => clearTimeout(timer);
    worker.once('message', (message: { ok: boolean; response?: TraceResponse; error?: string }) => {
      finish();
      void worker.terminate();
      if (message.ok && message.response) resolve(message.response);
      else reject(new Error(`embedded PostgreSQL failed: ${message.error ?? 'no answer'}`));
    });
    worker.once('error', (err) => {
      finish();
      reject(err);
    });
    worker.once('exit', (code) => {
      finish();
      if (code !== 0) reject(new Error(`the trace worker exited with code ${code}`));
    });
  });
}
