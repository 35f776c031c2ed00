/**
 * The CLI lints a migration set in its runner's order (history/lintOrder.ts) and reports in path
 * order: outcomes that come before their turn wait here until the ones before them are out.
 */
import { runnerLintOrder } from '../history/lintOrder';
import type { LintJob } from './lintFile';

/** The jobs' indexes in the order to lint them (standard input keeps its place). */
export function lintOrderOf(jobs: readonly LintJob[]): number[] {
  return runnerLintOrder(jobs.map((job) => ({ path: job.absolutePath ?? '', runner: job.config.runner })));
}

/**
 * Takes values by index in any order and hands them to `emit` in index order, each as soon as every
 * one before it has been handed over. Holds only the values that came early.
 */
export class InPathOrder<T> {
  private readonly early = new Map<number, T>();
  private next = 0;

  constructor(private readonly emit: (value: T) => void | Promise<void>) {}

  /** Values that came before their turn and wait, for tests. */
  get waiting(): number {
    return this.early.size;
  }

  async put(index: number, value: T): Promise<void> {
    if (index !== this.next) {
      this.early.set(index, value);
      return;
    }
    await this.emit(value);
    this.next++;
    while (this.early.has(this.next)) {
      const held = this.early.get(this.next)!;
      this.early.delete(this.next);
      await this.emit(held);
      this.next++;
    }
  }
}
