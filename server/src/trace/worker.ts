/**
 * Worker-thread entry (dist/traceWorker.js): starts embedded PostgreSQL (PGlite, PG 18 in WASM)
 * and runs one trace. PGlite needs seconds and hundreds of MB to start, so it never runs on the
 * language server's or the CLI's main thread. Progress goes to the main thread statement by
 * statement: a runaway statement blocks this thread, so only the main thread can stop it.
 */
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import { LOW_PRIORITY_NICE, type TraceRequest, type WorkerMessage } from './protocol';
import { runTrace } from './shadowRun';

// require(), not import: it selects PGlite's CommonJS build, which finds its WASM next to this
// bundle through __filename (the ES build relies on import.meta.url, which a CJS bundle lacks).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PGlite } = require('@electric-sql/pglite') as { PGlite: typeof PGliteClass };

const post = (message: WorkerMessage) => parentPort?.postMessage(message);

/**
 * Lowers this thread's priority. Linux only: there a nice value belongs to a thread (pid 0 is the
 * calling one); on macOS and Windows it would lower the whole process, the language server with it.
 * PGlite keeps a core busy for seconds: at equal priority it took the CPU from the language server's
 * main thread and from the helper threads its garbage collections wait for (scavenges of 30-80 ms
 * instead of 3 during a trace, on 2 cores). Returns the nice value this thread now runs at.
 */
function lowerPriority(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    if (getPriority() < LOW_PRIORITY_NICE) setPriority(LOW_PRIORITY_NICE);
    return getPriority();
  } catch {
    return undefined; // not permitted
  }
}

async function main(request: TraceRequest): Promise<void> {
  const priority = request.lowPriority ? lowerPriority() : undefined;
  const started = Date.now();
  const db = new PGlite();
  await db.waitReady;
  try {
    const startupMs = Date.now() - started;
    const version = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
    post({ type: 'ready', serverVersion: version.split(' ')[0], startupMs, priority });
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
