/**
 * The effective config for one file: editor settings as the base, overridden by the
 * nearest `lockstep.config.json` (project config wins so the editor and CI agree).
 */
import { isExcluded, resolveConfigFor, type ConfigProblem } from '../config/load';
import type { LockstepConfig } from '../config/types';
import { RULE_IDS } from '../rules';
import { NOT_ANALYSED } from '../frameworks/types';

export type { ConfigProblem };

export interface EffectiveConfig {
  config: LockstepConfig;
  /** Absolute path of the config file that applied, if any. */
  file?: string;
  problems: ConfigProblem[];
  /** The file matches the config's `exclude` globs and must not be linted. */
  excluded: boolean;
}

/** `path` is undefined for unsaved (untitled) documents: they only get the editor settings. */
export function resolveEffectiveConfig(path: string | undefined, base: LockstepConfig): EffectiveConfig {
  if (!path) return { config: base, problems: [], excluded: false };
  // Known ids let a typo in `rules` surface as a problem instead of silently doing nothing.
  const loaded = resolveConfigFor(path, base, { knownRuleIds: [...RULE_IDS, NOT_ANALYSED] });
  return { ...loaded, excluded: isExcluded(loaded, path) };
}
