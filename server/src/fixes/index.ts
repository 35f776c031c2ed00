/**
 * The fix registry: one module per rule id (server/src/fixes/<rule-id>.ts), listed here.
 * `fixesFor` turns one finding into verified fixes: the rule's rewrites placed for the runner,
 * its plain edits, then the ignore comments.
 */
import { preferBigint, preferIdentity, preferJsonb, preferText, preferTimestamptz } from './columnTypes';
import { fix as combineAlters } from './combine-alters';
import { fix as concurrentIndexIfNotExists } from './concurrent-index-if-not-exists';
import { fix as concurrentInTransaction } from './concurrent-in-transaction';
import { fix as attachNewPartition } from './attach-new-partition';
import { fix as timeoutCancelsConcurrentBuild } from './timeout-cancels-concurrent-build';
import { fix as foreignKeyNeedsIndex } from './foreign-key-needs-index';
import { ignoreFixes } from './ignore';
import { placeRewriteSteps } from './placement';
import { runToEnd } from '../document/model';
import { fix as missingIfExists } from './missing-if-exists';
import { enumAddValueInTransaction, validateInSameTransaction } from './moveToLaterTransaction';
import { fix as refreshMatviewConcurrently } from './refresh-matview-concurrently';
import { fix as requireConcurrentDetach } from './require-concurrent-detach';
import { fix as requireConcurrentReindex } from './require-concurrent-reindex';
import { fix as requireConcurrentDropIndex } from './require-concurrent-drop-index';
import { fix as requireConcurrentIndex } from './require-concurrent-index';
import { fix as requireLockTimeout } from './require-lock-timeout';
import { fix as requiredColumn } from './required-column';
import { fix as requireNotValid } from './require-not-valid';
import { fix as setNotNull } from './set-not-null';
import { fix as unboundedDml } from './unbounded-dml';
import { fix as unusedIgnore } from './unused-ignore';
import { primaryKeyNeedsIndex, uniqueConstraintNeedsIndex } from './usingIndex';
import { fix as volatileDefault } from './volatile-default';
import { EngineCache } from '../engine';
import type { Fix, FixContext, FixProvider } from './types';
import { verifyFixSteps } from './verify';

export const FIX_PROVIDERS: readonly FixProvider[] = [
  requireConcurrentIndex,
  requireConcurrentDropIndex,
  concurrentInTransaction,
  requireNotValid,
  setNotNull,
  volatileDefault,
  requireLockTimeout,
  unusedIgnore,
  missingIfExists,
  requireConcurrentReindex,
  requireConcurrentDetach,
  validateInSameTransaction,
  enumAddValueInTransaction,
  refreshMatviewConcurrently,
  uniqueConstraintNeedsIndex,
  primaryKeyNeedsIndex,
  requiredColumn,
  preferText,
  preferBigint,
  preferTimestamptz,
  preferJsonb,
  preferIdentity,
  unboundedDml,
  foreignKeyNeedsIndex,
  combineAlters,
  concurrentIndexIfNotExists,
  timeoutCancelsConcurrentBuild,
  attachNewPartition,
];

export function providerFor(ruleId: string): FixProvider | undefined {
  return FIX_PROVIDERS.find((p) => p.ruleId === ruleId);
}

export interface FixOptions {
  /** Leave out the ignore-comment fixes (fix-all never applies them). */
  withoutIgnores?: boolean;
}

/** Every verified fix for `ctx.finding`, the preferred one first. Never throws: a failing fix is just not offered. */
export function fixesFor(request: FixContext, options: FixOptions = {}): Fix[] {
  return runToEnd(fixesForSteps(request, options));
}

/** `fixesFor` in steps (each verification's lint pauses after every statement), for the language server. */
export function* fixesForSteps(request: FixContext, options: FixOptions = {}): Generator<void, Fix[]> {
  const ctx: FixContext = { ...request, cache: request.cache ?? new EngineCache() };
  const provider = providerFor(ctx.finding.ruleId);
  const fixes: Fix[] = [];
  const attempt = (produce: () => Fix[]) => {
    try {
      fixes.push(...produce());
    } catch {
      // A fix that cannot be built for this input is simply not offered.
    }
  };
  // A statement parsed with template stand-ins: a rewrite could write a stand-in over the user's placeholder.
  // Only the ignore comment is offered there.
  if (ctx.stmt?.templated) {
    if (!options.withoutIgnores) attempt(() => ignoreFixes(ctx));
    return fixes;
  }
  fixes.push(...(yield* bestRewriteSteps(ctx)));
  for (const fix of safely(() => provider?.edits?.(ctx) ?? [])) {
    try {
      if ((yield* verifyFixSteps(ctx, fix.edits)).ok) fixes.push(fix);
    } catch {
      // As above: not offered.
    }
  }
  if (fixes.length) fixes[0] = { ...fixes[0], preferred: true };
  // An ignore comment for the finding's own rule silences it by construction: no lint needed.
  if (!options.withoutIgnores) attempt(() => ignoreFixes(ctx));
  return fixes;
}

/**
 * A provider's rewrites are alternatives, best first: the placements of the one whose placement moves
 * the least; between equals, the one that creates fewer files (a DROP guard alone in its own migration
 * protects nothing), then the earlier. [] when none places.
 */
export function bestRewrite(ctx: FixContext): Fix[] {
  return runToEnd(bestRewriteSteps(ctx));
}

/** `bestRewrite` in steps (each verification's lint pauses after every statement). */
export function* bestRewriteSteps(ctx: FixContext): Generator<void, Fix[]> {
  const cost = (f: Fix) => (f.moved ?? 0) * 1000 + f.files.length;
  let best: Fix[] = [];
  let bestCost = Infinity;
  for (const rewrite of safely(() => providerFor(ctx.finding.ruleId)?.rewrites?.(ctx) ?? [])) {
    let placed: Fix[] = [];
    try {
      placed = yield* placeRewriteSteps(ctx, rewrite);
    } catch {
      // A rewrite that cannot be placed for this input is simply not offered.
    }
    const least = Math.min(...placed.map(cost));
    if (least < bestCost) [best, bestCost] = [placed, least];
    // In place with no new file: nothing can beat it, and a tie goes to the earlier. Placing the
    // next alternative would only cost whole-document verifications.
    if (bestCost === 0) break;
  }
  return best;
}

export function safely<T>(produce: () => T[]): T[] {
  try {
    return produce();
  } catch {
    return [];
  }
}

/** Rule ids that have a fix of their own (besides the ignore comments); `safeOnly`: those fix-all may apply. */
export function fixableRuleIds(safeOnly = false): string[] {
  return FIX_PROVIDERS.filter((p) => !safeOnly || p.inFixAll).map((p) => p.ruleId);
}
