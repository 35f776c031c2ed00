/**
 * Which rules to run on a statement. Rules name the statement kinds they can flag (`Rule.kinds`), so
 * a statement visits only the rules that could flag it and those that look at every statement,
 * instead of all of them (an INSERT skips every ALTER TABLE rule). Built once per lint, for its config.
 */
import type { LockstepConfig } from '../config/types';
import { RULES, ruleSetting } from './index';
import type { Rule, RuleReach } from './types';

export interface RulesForKind {
  /** Verdicts that depend only on the statement and the state before it: the engine may cache them. */
  cacheable: readonly Rule[];
  /** Cross-statement and code-reading rules: run every time. */
  uncached: readonly Rule[];
}

export class RuleDispatch {
  private readonly byKind = new Map<string, RulesForKind>();
  private readonly anyKind: RulesForKind;
  private readonly enabled: readonly Rule[];
  /**
   * Every other statement the enabled uncached rules' verdicts read (their `reach`, merged); undefined
   * when one of them does not say (then the engine never patches a relint).
   */
  readonly reach: RuleReach | undefined;

  constructor(config: Pick<LockstepConfig, 'rules' | 'categories' | 'extends'>, rules: readonly Rule[] = RULES) {
    this.enabled = rules.filter((r) => ruleSetting(config, r.id) !== 'off');
    this.anyKind = split(this.enabled.filter((r) => !r.kinds));
    this.reach = mergedReach(split(this.enabled).uncached);
  }

  /** The enabled rules that can flag a statement of this kind, in registry order. */
  forKind(kind: string): RulesForKind {
    let found = this.byKind.get(kind);
    if (!found) {
      found = this.anyKind;
      const specific = this.enabled.filter((r) => r.kinds?.includes(kind));
      if (specific.length > 0) found = split(this.enabled.filter((r) => !r.kinds || r.kinds.includes(kind)));
      this.byKind.set(kind, found);
    }
    return found;
  }
}

/** Dispatches by the config's rule settings: a CLI run lints thousands of files under one config. */
const built = new Map<string, RuleDispatch>();

/**
 * The dispatch for `config`, built once per distinct `rules`, `categories` and `extends` (what
 * `ruleSetting` reads), keyed by their content so a config changed in place never gets a stale one.
 */
export function dispatchFor(config: Pick<LockstepConfig, 'rules' | 'categories' | 'extends'>): RuleDispatch {
  const key = JSON.stringify([config.rules, config.categories ?? null, config.extends ?? null]);
  let dispatch = built.get(key);
  if (!dispatch) {
    if (built.size >= 64) built.clear();
    built.set(key, (dispatch = new RuleDispatch(config)));
  }
  return dispatch;
}

function split(rules: readonly Rule[]): RulesForKind {
  const uncachedRule = (r: Rule) => !!r.crossStatement || !!r.usesCode;
  return { cacheable: rules.filter((r) => !uncachedRule(r)), uncached: rules.filter(uncachedRule) };
}

function mergedReach(rules: readonly Rule[]): RuleReach | undefined {
  const merged: RuleReach = {};
  for (const r of rules) {
    if (!r.reach) return undefined;
    if (r.reach.previous === 'pastSets' || (r.reach.previous && !merged.previous)) merged.previous = r.reach.previous;
    merged.next ||= r.reach.next;
    merged.loads ||= r.reach.loads;
    merged.lockIndexes ||= r.reach.lockIndexes;
  }
  return merged;
}
