/** The messages between the language server and the code-reference worker (worker.ts), and the shipped form of a reference. */
import type { CodeScanSettings } from './files';
import type { LocatedReference } from './types';

/** A reference as shipped: its file's names are set once per file, and it has no excerpt (`lockstep refs` prints those). */
export type ShippedReference = LocatedReference;

export interface FileRefs {
  file: string;
  path: string;
  references: ShippedReference[];
}

export interface WorkerInput {
  roots: string[];
  settings?: CodeScanSettings;
}

export type WorkerMessage =
  | { type: 'batch'; files: FileRefs[] }
  | { type: 'ready'; files: FileRefs[]; ms: number; initMs: number; fileCount: number }
  | { type: 'updated'; files: FileRefs[] }
  | { type: 'error'; message: string };

/**
 * The worker's heap: it keeps no references, so a small one is enough. V8's defaults (sized for the
 * machine) let the garbage of a 20,000-file index grow the process past 200 MB (BENCHMARKS.md).
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };
