/**
 * When V8 optimises a function with TurboFan, for `lockstep lint`. V8 compiles a function with
 * TurboFan once it has run up an "interrupt budget" of work (67,584 by default in Node 20); the
 * compile runs on another thread, and on this 2-core machine it took CPU from the lint itself. A
 * corpus lint runs most of its code (45 rules, the lock model, the catalog) only a few thousand
 * times: with 8× the budget only what is really hot is compiled, and the rest runs in V8's baseline
 * code. Measured on the 2,081-file corpus (BENCHMARKS.md, issue 14, tenth session): CPU 3.9 → 2.4 s
 * without history, 4.6 → 3.1 s with it. The language server keeps V8's default (a long-running
 * process gains from optimising early).
 */
export const CLI_INTERRUPT_BUDGET = 540_000;
/** V8's own budget in Node 20 (`node --v8-options`). */
export const V8_INTERRUPT_BUDGET = 67_584;

/**
 * The flag the launcher of `bundle` sets, or undefined for V8's default: the CLI's bundle only, and
 * not when the command line (or NODE_OPTIONS) names a budget itself (to measure against the default).
 */
export function tieringFlag(bundle: string, execArgv: readonly string[], nodeOptions = ''): string | undefined {
  if (bundle !== 'cli.bundle.js') return undefined;
  if (execArgv.some((arg) => arg.startsWith('--interrupt-budget')) || nodeOptions.includes('--interrupt-budget')) return undefined;
  return `--interrupt-budget=${CLI_INTERRUPT_BUDGET}`;
}

/** Where the launcher notes that it set the CLI's budget: the bundle runs in the launcher's context. */
const LAUNCHER_BUDGET = Symbol.for('lockstep.launcherInterruptBudget');

/** The launcher set `--interrupt-budget=CLI_INTERRUPT_BUDGET` (launch.ts); the lint may change it back and forth. */
export function noteLauncherBudget(): void {
  (globalThis as Record<symbol, unknown>)[LAUNCHER_BUDGET] = true;
}

/** Did the launcher set the budget? False from sources (tests) and when the user named a budget. */
export function launcherSetBudget(): boolean {
  return (globalThis as Record<symbol, unknown>)[LAUNCHER_BUDGET] === true;
}
