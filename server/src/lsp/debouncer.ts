/** Per-key debounce: only the last call within the delay runs (one pending lint per document). */
export class Debouncer {
  private readonly timers = new Map<string, { cancel(): void }>();

  /**
   * A delay of 0 (no typing pause) runs `run` in the next check phase (setImmediate), once the
   * messages read with this one are handled: a setTimeout(0) waits at least 1 ms, which was a
   * third of an edit's relint on a 300-line migration.
   */
  schedule(key: string, delayMs: number, run: () => void): void {
    this.cancel(key);
    const fire = () => {
      this.timers.delete(key);
      run();
    };
    if (delayMs <= 0) {
      const immediate = setImmediate(fire);
      this.timers.set(key, { cancel: () => clearImmediate(immediate) });
    } else {
      const timer = setTimeout(fire, delayMs);
      this.timers.set(key, { cancel: () => clearTimeout(timer) });
    }
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
