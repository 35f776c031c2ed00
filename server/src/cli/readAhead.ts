/**
 * `lockstep lint` reads its files in a worker thread (dist/readAheadWorker.js), a few batches ahead
 * of the lint, so the main thread spends its time linting: open, two fstats, read and close were
 * ~10 % of the main thread's time on a 20,000-file folder of small files. The worker runs the same
 * `readSource`, so each file's outcome is the same; the main thread takes the batches synchronously
 * (`receiveMessageOnPort`, waiting on a shared counter), so the lint loop stays as it was. Whatever
 * goes wrong with the thread (it cannot start, it stalls, a path comes out of order), the main
 * thread reads the file itself: the report never depends on the thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readSource, type SourceResult } from './source';

/** Indexes in the shared counters: batches the worker posted, batches the main thread took. */
export const POSTED = 0;
export const TAKEN = 1;

/** What the worker is handed (workerData). */
export interface ReadAheadInput {
  lockstepReadAhead: true;
  /** Posts batches on it; the files to read come on it first. */
  port: MessagePort;
  counters: Int32Array;
}

/** Files per batch, the first one small so the lint starts at once; bytes of text end a batch early. */
export const FIRST_BATCH_FILES = 8;
export const BATCH_FILES = 256;
export const BATCH_CHARS = 256 * 1024;
/** Batches read and not yet taken, at most (memory stays a few megabytes whatever the files). */
export const BATCHES_AHEAD = 8;
/** Fewer files than this are read in the main thread: a worker costs more to start than it saves. */
export const READ_AHEAD_MIN_FILES = 64;
/** The worker's young generation, in MB (both semi-spaces). */
const YOUNG_MB = 2;
/** How long the main thread waits for a batch before it reads the rest itself. */
const STALL_MS = 10_000;

/** The bundled worker next to the running bundle, or undefined (running from sources: tests under tsx). */
function workerScript(): string | undefined {
  const script = join(__dirname, 'readAheadWorker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * The read-ahead's thread, started before the files are known: a new thread's heap set-up sets V8's
 * growth factor for young spaces back to its default, undoing the lint's young-generation cap
 * (youngGeneration.ts), so it starts before the walk can reach the cap, and the cap is set again
 * once the thread runs (`onStarted`). Undefined when LOCKSTEP_READ_AHEAD=0 or without the bundle.
 */
export function startReadAheadThread(env: Record<string, string | undefined>, onStarted: () => void = () => {}, script = workerScript()): ReadAheadThread | undefined {
  if (!script || env.LOCKSTEP_READ_AHEAD === '0') return undefined;
  try {
    const { port1, port2 } = new MessageChannel();
    const counters = new Int32Array(new SharedArrayBuffer(8));
    const input: ReadAheadInput = { lockstepReadAhead: true, port: port2, counters };
    // A small young generation: the thread's garbage (each file's bytes, stat and message) dies young,
    // and V8's default let its heap take ~50 MB of peak RSS on a 20,000-file folder.
    const worker = new Worker(script, { workerData: input, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    // Never keeps the process alive: the lint decides when it is done.
    worker.unref();
    worker.on('error', () => {});
    return new ReadAheadThread(worker, port1, counters, onStarted);
  } catch {
    return undefined;
  }
}

/** A read-ahead over `paths` at once (`startReadAheadThread` and `begin`), or undefined for a few files. */
export function startReadAhead(
  paths: string[],
  env: Record<string, string | undefined>,
  onStarted: () => void = () => {},
  script = workerScript(),
): ReadAhead | undefined {
  return paths.length < READ_AHEAD_MIN_FILES ? undefined : startReadAheadThread(env, onStarted, script)?.begin(paths);
}

export class ReadAheadThread {
  private ended = false;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly counters: Int32Array,
    private readonly onStarted: () => void,
  ) {}

  /** Hands the thread the files to read, in the order they will be asked for; undefined (and the thread ends) for a few. */
  begin(paths: string[]): ReadAhead | undefined {
    if (this.ended || paths.length < READ_AHEAD_MIN_FILES) {
      this.end();
      return undefined;
    }
    this.port.postMessage(paths);
    return new ReadAhead(paths, this, this.port, this.counters, this.onStarted);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.port.close();
    void this.worker.terminate();
  }
}

export class ReadAhead {
  private batch: SourceResult[] = [];
  private inBatch = 0;
  private next = 0;
  /** Outcomes taken from the batches so far: the next one is for `paths[received]`. */
  private received = 0;
  private failed = false;
  /** The first batch came: from then on the main thread waits for the thread instead of reading. */
  private started = false;
  /** Files whose outcome came from the thread, for LOCKSTEP_DEBUG and tests. */
  fromThread = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly thread: ReadAheadThread,
    private readonly port: MessagePort,
    private readonly counters: Int32Array,
    /** Called with the first batch: the worker runs, its start-up (which resets V8's flags) is over. */
    private readonly onStarted: () => void,
  ) {}

  /** Blocks until the thread has posted its first batch, or `ms` passed (tests: all files from the thread). */
  waitForThread(ms = STALL_MS): boolean {
    if (Atomics.load(this.counters, POSTED) === 0) Atomics.wait(this.counters, POSTED, 0, ms);
    return Atomics.load(this.counters, POSTED) > 0;
  }

  /** The outcome of reading `path`, the next of the paths in order (anything else is read here). */
  read(path: string): SourceResult {
    if (this.failed || this.paths[this.next] !== path) {
      this.stop();
      return readSource(path);
    }
    const index = this.next++;
    const source = this.fromBatches(index);
    if (this.next === this.paths.length) this.stop();
    if (source) this.fromThread++;
    return source ?? readSource(path);
  }

  /**
   * The thread's outcome for the file at `index`, or undefined to read it here: while the thread
   * starts (~50 ms, more on a busy machine) the first files are read here and their outcomes from the
   * thread, when they come, are passed over.
   */
  private fromBatches(index: number): SourceResult | undefined {
    for (;;) {
      if (this.inBatch === this.batch.length) {
        const starting = !this.started;
        if (!(starting ? this.receiveNow() : this.receive())) {
          if (!starting) this.stop();
          return undefined;
        }
      }
      const at = this.received++;
      const source = this.batch[this.inBatch];
      this.batch[this.inBatch++] = undefined as unknown as SourceResult;
      if (at === index) return source;
    }
  }

  /** Ends the thread (all files taken, or the main thread reads the rest itself). */
  stop(): void {
    if (this.failed) return;
    this.failed = true;
    this.thread.end();
  }

  /** Takes the next batch, waiting for the worker to post it; false if it does not come. */
  private receive(): boolean {
    for (;;) {
      const posted = Atomics.load(this.counters, POSTED);
      if (this.receiveNow()) return true;
      if (Atomics.wait(this.counters, POSTED, posted, STALL_MS) === 'timed-out') return false;
    }
  }

  /** Takes the next batch if it is there. */
  private receiveNow(): boolean {
    const message = receiveMessageOnPort(this.port);
    if (!message) return false;
    this.batch = message.message as SourceResult[];
    this.inBatch = 0;
    Atomics.add(this.counters, TAKEN, 1);
    Atomics.notify(this.counters, TAKEN);
    if (!this.started) {
      this.started = true;
      this.onStarted();
    }
    return true;
  }
}
