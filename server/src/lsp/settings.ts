/**
 * Turns the untrusted `lockstep.*` editor settings into a base LockstepConfig, with the same
 * validator as lockstep.config.json. Bad values are reported and fall back to the defaults.
 */
import { DEFAULT_CONFIG, type LockstepConfig } from '../config/types';
import { validateConfig } from '../config/validate';

/** Settings that map onto config keys; others in the section (e.g. `trace`) belong to the client. */
const CONFIG_KEYS = ['pgVersion', 'runner', 'transaction', 'rules', 'categories', 'lockTimeout', 'statementTimeout', 'estimate'] as const;

export interface SettingsResult {
  config: LockstepConfig;
  /** Human-readable, e.g. `lockstep.runner: "runner" must be one of …`. */
  problems: string[];
}

/** `raw` is whatever the client returned for the `lockstep` section (may be null or junk). */
export function settingsToConfig(raw: unknown, knownRuleIds?: readonly string[]): SettingsResult {
  const section = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const relevant: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    // VS Code reports unset settings as null in some clients; treat them as absent.
    if (section[key] !== undefined && section[key] !== null) relevant[key] = section[key];
  }
  const { config, problems } = validateConfig(relevant, { knownRuleIds });
  return {
    // Exclusions are a project decision: they only come from lockstep.config.json.
    config: { ...DEFAULT_CONFIG, ...config, rules: { ...config.rules }, ...(config.categories ? { categories: { ...config.categories } } : {}), exclude: [] },
    problems: problems.map((p) => `lockstep.${p.path}: ${p.message}`),
  };
}
