/**
 * V8's own interrupt budget again for the rest of a long `lockstep lint` run. The launcher's 8×
 * budget (startup/tiering.ts) spares a corpus-sized run TurboFan compiles it would not earn back,
 * but a run of many thousands of files runs the same code long enough to gain from optimising
 * early: on a 20,000-file folder V8's default took 6.6–7.6 s against 8.8–9.6 s with the CLI's
 * budget (BENCHMARKS.md, issue 14, eleventh session). V8 reads the flag whenever it resets a
 * function's budget, so a change at run time takes effect as functions next run up their budget.
 */
import { setFlagsFromString } from 'node:v8';
import { CLI_INTERRUPT_BUDGET, launcherSetBudget, V8_INTERRUPT_BUDGET } from '../startup/tiering';

/** Files linted with the CLI's budget before V8's default is set again (the corpus has 2,081). */
export const DEFAULT_BUDGET_AFTER_FILES = 4000;

/**
 * The switch for this run, or undefined: only when the launcher set the budget (not when the user
 * named one, not from sources). LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES=N picks another count; 0: never.
 */
export function interruptBudgetSwitch(env: Record<string, string | undefined>, launcherSet = launcherSetBudget()): InterruptBudgetSwitch | undefined {
  if (!launcherSet) return undefined;
  const asked = env.LOCKSTEP_DEFAULT_BUDGET_AFTER_FILES;
  const files = asked === undefined || asked === '' || !Number.isFinite(Number(asked)) ? DEFAULT_BUDGET_AFTER_FILES : Math.round(Number(asked));
  return files > 0 ? new InterruptBudgetSwitch(files) : undefined;
}

export class InterruptBudgetSwitch {
  private linted = 0;
  private switched = false;

  constructor(readonly afterFiles: number) {}

  /** After each file: V8's default budget once `afterFiles` files are linted. */
  fileLinted(): void {
    if (++this.linted === this.afterFiles) {
      setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
      this.switched = true;
    }
  }

  /**
   * The launcher's budget again. V8 keys code caches on its flags and the CLI writes its cache at
   * exit (startup/codeCache.ts): written under another budget, the next run (which starts with the
   * launcher's) would reject it.
   */
  release(): void {
    if (!this.switched) return;
    setFlagsFromString(`--interrupt-budget=${CLI_INTERRUPT_BUDGET}`);
    this.switched = false;
  }
}
