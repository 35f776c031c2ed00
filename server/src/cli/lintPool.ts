/**
 * `lockstep lint` over many files on more than one core: the files are cut into migration sets
 * (files of one folder stay together, so each set's history is replayed once, in one thread), the
 * sets are dealt out by size, the main thread lints its share while worker threads (each with its own
 * SQL parser, loaded once) lint theirs, and the outcomes come back in the order of the files, so the
 * report is the same as a one-thread run. The workers run dist/cli.js itself (main.ts starts
 * `runLintWorker` in a worker thread); from sources (tests under tsx) there is no bundle and the
 * pool is not used.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Worker, workerData, parentPort } from 'node:worker_threads';
import { initEngine } from '../engine';
import { SchemaHistory, snapshotFileSystem } from '../history/schemaHistory';
import { keepProjectFactsForTheRun } from '../document/projectFacts';
import { lintSource, type LintJob, type LintOutcome } from './lintFile';
import { readSource } from './source';
import { lintOrderOf } from './pathOrder';

/** What a worker needs of a job: plain data (no history object, no code index). */
export type PoolJob = Omit<LintJob, 'history' | 'code'> & { absolutePath: string };

interface WorkerInput {
  lockstepLintWorker: true;
  jobs: PoolJob[];
  history: boolean;
  hostGrammars: boolean;
  /** [0]: workers that have started (their heap set-up, which resets V8's flags, is over). */
  started: Int32Array;
}

/** The main thread's heap bounds (run.ts): checked after each of its files, set again once the workers run. */
export interface PoolHeapBounds {
  check(): void;
  reapply(): void;
}

/** Folder-per-migration layouts (Diesel, Prisma, Sqitch-like) keep a set in the folder above. */
const PER_MIGRATION_FOLDER = /^(up|down|migration)\.sql$/i;

/** Files of one migration set share a key; a set cut in two is still linted right, only replayed twice. */
export function setKey(path: string): string {
  return PER_MIGRATION_FOLDER.test(basename(path)) ? dirname(dirname(path)) : dirname(path);
}

/**
 * Deals the jobs' sets out to `threads` shares, largest set first to the lightest share (by bytes).
 * Each share lints in `order` (job indexes in the order to lint them: a set's files in runner order,
 * as one thread does; default: as given). Returns the job indexes per share.
 */
export function dealSets(paths: string[], sizes: number[], threads: number, order: readonly number[] = paths.map((_, i) => i)): number[][] {
  const sets = new Map<string, { indexes: number[]; bytes: number }>();
  paths.forEach((path, i) => {
    const key = setKey(path);
    const set = sets.get(key) ?? { indexes: [], bytes: 0 };
    set.indexes.push(i);
    set.bytes += sizes[i];
    sets.set(key, set);
  });
  const shares = Array.from({ length: threads }, () => ({ indexes: [] as number[], bytes: 0 }));
  for (const set of [...sets.values()].sort((a, b) => b.bytes - a.bytes || a.indexes[0] - b.indexes[0])) {
    const lightest = shares.reduce((min, s) => (s.bytes < min.bytes ? s : min));
    lightest.indexes.push(...set.indexes);
    lightest.bytes += set.bytes;
  }
  const rank = new Array<number>(paths.length);
  order.forEach((index, r) => (rank[index] = r));
  return shares.map((s) => s.indexes.sort((a, b) => rank[a] - rank[b])).filter((s) => s.length > 0);
}

/**
 * How many threads to lint with: LOCKSTEP_LINT_THREADS (2–16), else one. Not the cores by default:
 * on the shared 2-core machine the pool was slower than one thread in every measured run (each
 * worker loads its own parser and warms up its own JIT; BENCHMARKS.md, issue 14 fourth session).
 */
export function lintThreads(env: Record<string, string | undefined>): number {
  const asked = Number(env.LOCKSTEP_LINT_THREADS);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, 16) : 1;
}

/** The bundle workers run (dist/cli.js), or undefined when running from sources. */
function workerScript(): string | undefined {
  const script = join(__dirname, 'cli.js');
  return __filename === script && existsSync(script) ? script : undefined;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Lints `jobs` (files only, no --fix, no code index) on `threads` threads; undefined when the pool
 * cannot run here (no bundle, or fewer than two sets), and the caller lints in one thread.
 */
export async function lintInPool(
  jobs: LintJob[],
  threads: number,
  hostGrammars: boolean,
  heap: PoolHeapBounds = { check() {}, reapply() {} },
): Promise<{ outcomes: LintOutcome[]; filesPerThread: number[] } | undefined> {
  const script = workerScript();
  if (!script || threads < 2 || jobs.some((j) => !j.absolutePath || j.code)) return undefined;
  const paths = jobs.map((j) => j.absolutePath!);
  const shares = dealSets(paths, paths.map(sizeOf), threads, lintOrderOf(jobs));
  if (shares.length < 2) return undefined;
  const history = jobs[0].history;
  const outcomes: LintOutcome[] = new Array(jobs.length);
  const plain = (j: LintJob): PoolJob => ({ ...j, history: undefined, code: undefined, absolutePath: j.absolutePath! }) as PoolJob;
  // Shares after the first go to workers, started before the main thread begins its own share.
  const started = new Int32Array(new SharedArrayBuffer(4));
  const running = shares.slice(1).map((share) => {
    const input: WorkerInput = { lockstepLintWorker: true, jobs: share.map((i) => plain(jobs[i])), history: history !== undefined, hostGrammars, started };
    const worker = new Worker(script, { workerData: input });
    // Settles with the share when the worker failed (it could not start, load the parser, …).
    return new Promise<number[] | undefined>((resolve) => {
      worker.once('message', (results: LintOutcome[]) => {
        share.forEach((jobIndex, k) => (outcomes[jobIndex] = results[k]));
        resolve(undefined);
      });
      worker.once('error', () => resolve(share));
      worker.once('exit', () => resolve(share.some((i) => outcomes[i] === undefined) ? share : undefined));
    });
  });
  // A worker's start sets V8's flags back to their defaults, the heap bounds with them (youngGeneration.ts):
  // they are set again once every worker runs, or once all are done.
  let reapplied = false;
  const reapplyOnce = () => {
    if (reapplied) return;
    reapplied = true;
    heap.reapply();
  };
  const lintHere = (i: number) => {
    outcomes[i] = lintSource(jobs[i], readSource(jobs[i].absolutePath!));
    if (Atomics.load(started, 0) === running.length) reapplyOnce();
    heap.check();
  };
  shares[0].forEach(lintHere);
  const failures = await Promise.all(running);
  reapplyOnce();
  // A failed worker's files are linted here: the report never misses a file for a thread's sake.
  for (const failed of failures) failed?.forEach(lintHere);
  return { outcomes, filesPerThread: shares.map((s) => s.length) };
}

/** True in a thread started by `lintInPool`. */
export function isLintWorker(): boolean {
  return parentPort !== null && (workerData as WorkerInput | undefined)?.lockstepLintWorker === true;
}

/** A pool worker: lint the jobs handed over, in order, with this thread's own parser and history. */
export async function runLintWorker(): Promise<void> {
  const input = workerData as WorkerInput;
  Atomics.add(input.started, 0, 1);
  keepProjectFactsForTheRun();
  await initEngine({ hostGrammars: input.hostGrammars });
  const history = input.history ? new SchemaHistory(snapshotFileSystem(), 0, Date.now, 'latest') : undefined;
  const results = input.jobs.map((job) => lintSource({ ...job, history }, readSource(job.absolutePath)));
  parentPort!.postMessage(results);
}
