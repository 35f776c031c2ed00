/**
 * Worker-thread entry (dist/traceWorker.js): starts embedded PostgreSQL (PGlite, PG 18 in WASM)
 * and runs one trace. PGlite needs seconds and hundreds of MB to start, so it never runs on the
 * language server's or the CLI's main thread. Progress goes to the main thread statement by
 * statement: a runaway statement blocks this thread, so only the main thread can stop it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import type { TraceRequest, WorkerMessage } from './protocol';
import { runTrace } from './shadowRun';

// require(), not import: it selects PGlite's CommonJS build, which finds its WASM next to this
// bundle through __filename (the ES build relies on import.meta.url, which a CJS bundle lacks).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PGlite } = require('@electric-sql/pglite') as { PGlite: typeof PGliteClass };

const post = (message: WorkerMessage) => parentPort?.postMessage(message);

async function main(request: TraceRequest): Promise<void> {
  const started = Date.now();
  const db = new PGlite();
  await db.waitReady;
  try {
    const startupMs = Date.now() - started;
    const version = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
    post({ type: 'ready', serverVersion: version.split(' ')[0], startupMs });
    const response = await runTrace(db, request, startupMs, {
      begin: (job, index) => post({ type: 'begin', job, index }),
      step: (job, result, setupFailures) => post({ type: 'step', job, result, setupFailures }),
    });
    post({ type: 'done', response });
  } finally {
    await db.close().catch(() => undefined);
  }
}

main(workerData as TraceRequest).catch((err: unknown) => {
  post({ type: 'error', error: err instanceof Error ? err.message : String(err) });
});
