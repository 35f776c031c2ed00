/**
 * Worker-thread entry (dist/readAheadWorker.js) of `lockstep lint`'s read-ahead (readAhead.ts): reads
 * the files in order with `readSource`, posts them in batches, and stays at most a few batches ahead
 * of what the main thread has taken.
 */
import { workerData } from 'node:worker_threads';
import { BATCH_CHARS, BATCH_FILES, BATCHES_AHEAD, FIRST_BATCH_FILES, POSTED, TAKEN, type ReadAheadInput } from './readAhead';
import { readSource, type SourceResult } from './source';

const { port, counters } = workerData as ReadAheadInput;

function post(batch: SourceResult[]): void {
  // Wait while enough batches are read and not taken (a timeout only to look again).
  for (;;) {
    const taken = Atomics.load(counters, TAKEN);
    if (Atomics.load(counters, POSTED) - taken < BATCHES_AHEAD) break;
    Atomics.wait(counters, TAKEN, taken, 1000);
  }
  port.postMessage(batch);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
}

// The files come once the lint knows them (the thread starts before the walk).
port.once('message', (paths: string[]) => {
  let batch: SourceResult[] = [];
  let chars = 0;
  let limit = FIRST_BATCH_FILES;
  for (const path of paths) {
    const source = readSource(path);
    batch.push(source);
    chars += 'text' in source ? source.text.length : 0;
    if (batch.length >= limit || chars >= BATCH_CHARS) {
      post(batch);
      batch = [];
      chars = 0;
      limit = BATCH_FILES;
    }
  }
  if (batch.length > 0) post(batch);
  // The last batches stay receivable until taken: the main thread ends this thread when it has them.
  for (;;) {
    const taken = Atomics.load(counters, TAKEN);
    if (taken >= Atomics.load(counters, POSTED)) break;
    Atomics.wait(counters, TAKEN, taken, 1000);
  }
  port.close();
});
