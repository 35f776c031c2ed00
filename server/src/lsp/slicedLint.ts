/**
 * Runs a sliced computation (a generator that yields between statements, see
 * document/model.ts buildDocumentSteps) on the language server's only thread without holding it:
 * after each SLICE_MS of work it lets the event loop answer whatever came in (a hover, a cancel, an
 * edit), then goes on only if the work is still wanted.
 */
import { performance } from 'node:perf_hooks';

/** Longest stretch of lint work between two looks at the event loop. */
export const SLICE_MS = 8;

/** The computation's result, or undefined when `wanted()` turned false at a pause (the rest is never run). */
export async function runSliced<T>(steps: Generator<void, T>, wanted: () => boolean, sliceMs = SLICE_MS): Promise<T | undefined> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart < sliceMs) continue;
    // Two turns: the first lets the poll phase read what arrived; vscode-jsonrpc handles each message
    // in a setImmediate queued then, which runs in the same check phase but after this continuation.
    // The second turn lets those handlers (a hover) answer before the next slice, not after it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!wanted()) {
      steps.return(undefined as T);
      return undefined;
    }
    sliceStart = performance.now();
  }
}
