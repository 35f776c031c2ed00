/**
 * Caps V8's young generation for a long `lockstep lint` run. V8 doubles the semi-spaces up to 16 MB
 * each while many objects survive a scavenge (a file's document does), and that young space is most
 * of the difference between the run's peak RSS and its live heap. The cap cannot be passed as a
 * flag (`dist/cli.js` is started by `node` or npm's shim without our flags, and
 * `--max-semi-space-size` is read once, when the heap is made), but the growth factor is read at
 * each growth: once the young space reaches the cap, growth stops.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Both semi-spaces together (V8's `new_space` size): 8 MB. Measured on the corpus (BENCHMARKS.md,
 * issue 14, sixth session): peak RSS 128–133 MiB against 151–170 with V8's 32 MB, and no more CPU.
 */
const DEFAULT_CAP_MB = 8;

/** The cap for this run: LOCKSTEP_YOUNG_GENERATION_MB (0: none, V8's own growth), else 8 MB. */
export function youngGenerationCap(env: Record<string, string | undefined>): YoungGenerationCap | undefined {
  const asked = env.LOCKSTEP_YOUNG_GENERATION_MB;
  const mb = asked === undefined || asked === '' || !Number.isFinite(Number(asked)) ? DEFAULT_CAP_MB : Number(asked);
  return mb > 0 ? new YoungGenerationCap(mb * 1048576) : undefined;
}

export class YoungGenerationCap {
  private capped = false;

  /** `maxBytes`: both semi-spaces together, as V8 reports `new_space`'s size. */
  constructor(readonly maxBytes: number) {}

  /** After each file: stops growth once the young space is at the cap. Returns whether it is capped. */
  check(): boolean {
    if (this.capped) return true;
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young && young.space_size >= this.maxBytes) {
      setFlagsFromString('--semi-space-growth-factor=1');
      this.capped = true;
    }
    return this.capped;
  }

  /**
   * Caps again if capped: starting a worker thread sets V8's flags back to their defaults, the growth
   * factor with them (the read-ahead's worker let the young space grow to 32 MB, +50 MB peak RSS on a
   * 20,000-file folder). Call it once the worker runs (its first message): its start-up is over.
   */
  reapply(): void {
    if (this.capped) setFlagsFromString('--semi-space-growth-factor=1');
  }

  /**
   * Lets the young space grow again (V8's default factor, 2). V8 keys code caches on its flags, so a
   * run that writes the bundle's code cache at exit must undo the cap first, or the next run, which
   * checks the cache before any cap, rejects it (BENCHMARKS.md, sixth session). Unconditional: a
   * pool worker may have capped this process's flags without this thread knowing.
   */
  release(): void {
    setFlagsFromString('--semi-space-growth-factor=2');
    this.capped = false;
  }
}
