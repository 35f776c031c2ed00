/**
 * Quick-fixes in two steps, for editors that resolve code actions lazily (codeAction/resolve):
 * `plannedFixes` names a finding's fixes without linting anything, so listing them is cheap;
 * `resolvePlanned` builds and verifies the one the user picked (placement.ts and verify.ts: a few
 * whole-document lints). Ignore comments are ready at once: they silence their rule by construction.
 *
 * A planned rewrite is titled by the rewrite; where it lands (in place, after the COMMIT, in a new
 * migration) is decided when it is resolved, because only a lint of the result can tell.
 */
import { EngineCache } from '../engine';
import { ignoreFixes } from './ignore';
import { runToEnd } from '../document/model';
import { bestRewriteSteps, providerFor, safely } from './index';
import type { Fix, FixContext } from './types';
import { verifyFixSteps } from './verify';

/** Which of the provider's fixes: its `rewrites()` or its `edits()`, by position. */
export interface FixSlot {
  kind: 'rewrite' | 'edit';
  index: number;
}

export interface PlannedFix {
  title: string;
  ruleId: string;
  preferred?: boolean;
  /** To build and verify on resolve. */
  slot?: FixSlot;
  /** Already complete (ignore comments). */
  fix?: Fix;
}

/** The fixes `fixesFor` may offer for `ctx.finding`, named but neither placed nor verified. Never throws. */
export function plannedFixes(ctx: FixContext): PlannedFix[] {
  const ruleId = ctx.finding.ruleId;
  const provider = providerFor(ruleId);
  const planned: PlannedFix[] = [];
  // A templated statement gets only the ignore comments (see fixesFor).
  if (!ctx.stmt?.templated && provider) {
    // The rewrites are alternatives (fixesFor offers the best one), so they are listed once, by the first's title.
    const first = safely(() => provider.rewrites?.(ctx) ?? []).find((rewrite) => rewrite.steps.length > 0);
    if (first) planned.push({ title: first.title, ruleId, slot: { kind: 'rewrite', index: 0 } });
    safely(() => provider.edits?.(ctx) ?? []).forEach((fix, index) => planned.push({ title: fix.title, ruleId, slot: { kind: 'edit', index } }));
  }
  if (planned.length) planned[0].preferred = true;
  for (const fix of safely(() => ignoreFixes(ctx))) planned.push({ title: fix.title, ruleId, fix });
  return planned;
}

/** The planned fix in `slot`, built, placed and verified; undefined when no placement of it verifies. Never throws. */
export function resolvePlanned(request: FixContext, slot: FixSlot): Fix | undefined {
  return runToEnd(resolvePlannedSteps(request, slot));
}

/**
 * `resolvePlanned` in steps: a verification that lints the whole document pauses after each
 * statement, so the language server answers other requests meanwhile and stops when the resolve
 * is cancelled or the text changes (lsp/codeActions.ts).
 */
export function* resolvePlannedSteps(request: FixContext, slot: FixSlot): Generator<void, Fix | undefined> {
  const ctx: FixContext = { ...request, cache: request.cache ?? new EngineCache() };
  const provider = providerFor(ctx.finding.ruleId);
  if (!provider || ctx.stmt?.templated) return undefined;
  try {
    // The best alternative's most preferred placement that verifies: what fixesFor offers first.
    if (slot.kind === 'rewrite') return (yield* bestRewriteSteps(ctx))[0];
    const fix = safely(() => provider.edits?.(ctx) ?? [])[slot.index];
    return fix && (yield* verifyFixSteps(ctx, fix.edits)).ok ? fix : undefined;
  } catch {
    return undefined;
  }
}
