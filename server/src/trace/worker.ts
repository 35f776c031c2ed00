/**
 * Worker-thread entry (dist/traceWorker.js): starts embedded PostgreSQL (PGlite, PG 18 in WASM)
 * and runs one trace. PGlite needs seconds and hundreds of MB to start, so it never runs on the
 * language server's or the CLI's main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import type { TraceRequest } from './protocol';
import { runTrace } from './shadowRun';

// require(), not import: it selects PGlite's CommonJS build, which finds its WASM next to this
// bundle through __filename (the ES build relies on import.meta.url, which a CJS bundle lacks).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PGlite } = require('@electric-sql/pglite') as { PGlite: typeof PGliteClass };

async function main(request: TraceRequest): Promise<void> {
  const started = Date.now();
  const db = new PGlite();
  await db.waitReady;
  try {
    const response = await runTrace(db, request, Date.now() - started);
    parentPort?.postMessage({ ok: true, response });
  } finally {
    await db.close().catch(() => undefined);
  }
}

main(workerData as TraceRequest).catch((err: unknown) => {
  parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
});
