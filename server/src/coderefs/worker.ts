/**
 * Entry point of dist/coderefsWorker.js: builds the code-reference index off the language server's
 * main thread, then re-indexes the files the server says changed. Messages (plain data):
 *   in:  { type: 'changed', files: string[] }       absolute paths created, changed or deleted
 *   out: { type: 'batch', files: FileRefs[] }       part of the first full index, as it is read
 *        { type: 'ready', files: FileRefs[], ms, initMs, fileCount }  the rest of it (ms in all; initMs of it loading the parsers)
 *        { type: 'updated', files: FileRefs[] }      the new references of each changed file ([] when gone)
 *        { type: 'error', message }
 * The worker keeps no references: the server holds them (memory is counted once, BENCHMARKS.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initEngine } from '../engine';
import { CodeIndex, readLocated, scanReferences } from './index';
import type { FileRefs, WorkerInput, WorkerMessage } from './protocol';

/** Files per `batch` message: the server takes each in a few milliseconds, and the worker holds at most one. */
const BATCH = 500;


async function main(): Promise<void> {
  const port = parentPort!;
  const input = workerData as WorkerInput;
  const started = Date.now();
  await initEngine();
  const initMs = Date.now() - started;
  const post = (m: WorkerMessage) => port.postMessage(m);
  let batch: FileRefs[] = [];
  let fileCount = 0;
  for (const f of scanReferences(input.roots, input.settings, readLocated)) {
    batch.push(f);
    fileCount++;
    if (batch.length >= BATCH) {
      post({ type: 'batch', files: batch });
      batch = [];
    }
  }
  post({ type: 'ready', files: batch, ms: Date.now() - started, initMs, fileCount });
  const scope = new CodeIndex(input.roots, input.settings);
  port.on('message', (m: { type: string; files?: string[] }) => {
    if (m.type !== 'changed' || !Array.isArray(m.files)) return;
    try {
      const files = m.files.map((file) => {
        const rel = scope.covers(file);
        return { file, path: rel ?? file, references: (rel !== undefined && readLocated(file, rel)) || [] };
      });
      post({ type: 'updated', files });
    } catch (err) {
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
}

if (parentPort) {
  main().catch((err: unknown) => parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage));
}
