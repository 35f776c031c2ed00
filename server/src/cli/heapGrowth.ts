/**
 * Bounds how far V8 lets the old generation grow past its live size during a `lockstep lint` run.
 * After each full GC, V8 sets the next one's trigger at up to 4× the heap that survived (its factor
 * follows measured GC and program speeds, so it varies from run to run). A lint's old space is
 * mostly garbage: each file's document, promoted by the small young generation and dead a file
 * later. With V8's factor the corpus run's old space ended anywhere from 43 to 66 MB over 30 runs
 * (~20 MB live), and on the 20,000-file folder V8 let it grow 4.2× past what each full GC kept
 * (86 → 359 MB). A fixed factor of 2 keeps the peak near twice the live heap; full GCs stay few
 * (their total cost is the promoted bytes over the headroom, whatever the heap's size).
 * `--heap-growing-percent` is read at each full GC, so it can be set at run time, unlike
 * `--max-old-space-size`.
 */
import { setFlagsFromString } from 'node:v8';

/** Growth past the live heap allowed before the next full GC, in percent (100: up to 2×). */
const DEFAULT_GROWTH_PERCENT = 100;

/** LOCKSTEP_HEAP_GROWTH_PERCENT=N picks another growth; 0 leaves V8's own. */
export function oldGenerationGrowth(env: Record<string, string | undefined>): OldGenerationGrowth | undefined {
  const asked = env.LOCKSTEP_HEAP_GROWTH_PERCENT;
  const percent = asked === undefined || asked === '' || !Number.isFinite(Number(asked)) ? DEFAULT_GROWTH_PERCENT : Math.round(Number(asked));
  return percent > 0 ? new OldGenerationGrowth(percent) : undefined;
}

export class OldGenerationGrowth {
  constructor(readonly percent: number) {
    setFlagsFromString(`--heap-growing-percent=${percent}`);
  }

  /** Sets the growth again: starting a worker thread sets V8's flags back to their defaults (youngGeneration.ts). */
  reapply(): void {
    setFlagsFromString(`--heap-growing-percent=${this.percent}`);
  }

  /** V8's own factor again. Before exit: V8 keys the code cache on its flags (see YoungGenerationCap.release). */
  release(): void {
    setFlagsFromString('--heap-growing-percent=0');
  }
}
