/**
 * Entry point of dist/coderefsWorker.js: builds the code-reference index off the language server's
 * main thread, then re-indexes the files the server says changed. Messages (plain data):
 *   in:  { type: 'changed', files: string[] }       absolute paths created, changed or deleted
 *   out: { type: 'ready', files: FileRefs[], ms, initMs }  the first full index (ms in all; initMs of it loading the parsers)
 *        { type: 'updated', files: FileRefs[] }      the new references of each changed file ([] when gone)
 *        { type: 'error', message }
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CodeScanSettings } from './files';
import { initEngine } from '../engine';
import { CodeIndex } from './index';
import type { CodeReference } from './types';

export interface FileRefs {
  file: string;
  references: CodeReference[];
}

export interface WorkerInput {
  roots: string[];
  settings?: CodeScanSettings;
}

export type WorkerMessage =
  | { type: 'ready'; files: FileRefs[]; ms: number; initMs: number; fileCount: number }
  | { type: 'updated'; files: FileRefs[] }
  | { type: 'error'; message: string };

function byFile(refs: CodeReference[]): FileRefs[] {
  const map = new Map<string, CodeReference[]>();
  for (const r of refs) {
    let list = map.get(r.file);
    if (!list) map.set(r.file, (list = []));
    list.push(r);
  }
  return [...map].map(([file, references]) => ({ file, references }));
}

async function main(): Promise<void> {
  const port = parentPort!;
  const input = workerData as WorkerInput;
  const started = Date.now();
  await initEngine();
  const initMs = Date.now() - started;
  const index = await CodeIndex.build(input.roots, input.settings);
  const post = (m: WorkerMessage) => port.postMessage(m);
  post({ type: 'ready', files: byFile(index.all()), ms: Date.now() - started, initMs, fileCount: index.fileCount });
  port.on('message', (m: { type: string; files?: string[] }) => {
    if (m.type !== 'changed' || !Array.isArray(m.files)) return;
    try {
      const files = m.files.map((file) => {
        index.updateFromDisk(file);
        return { file, references: index.lookupFile(file) };
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
