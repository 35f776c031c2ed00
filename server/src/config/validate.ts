/**
 * Checks an untrusted, already-parsed `lockstep.config.json` value key by key.
 * Good keys are kept, bad keys are reported and left out (so the caller's defaults apply to them).
 * `schemas/lockstep.config.schema.json` states the same rules for editors; a unit test keeps them in step.
 */
import { durationMs } from '../document/settings';
import { globProblem } from './glob';
import { CONFIG_PRESETS, RULE_CATEGORIES, type ConfigPreset, type EstimateSettings, type LockstepConfig, type RuleCategory, type RuleSetting, type RunnerId, type TransactionMode } from './types';

export const RUNNER_CHOICES = [
  'auto', 'plain', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'sqitch', 'diesel',
  'prisma', 'drizzle', 'supabase', 'postgres-migrations', 'graphile-migrate', 'atlas', 'liquibase', 'sqlx',
] as const;
export const TRANSACTION_CHOICES = ['auto', 'always', 'never'] as const;
export const RULE_SETTING_CHOICES = ['off', 'error', 'warning', 'info', 'hint'] as const;
export const ESTIMATE_KEYS = ['rewriteMBps', 'scanMBps', 'indexBuildMBps'] as const satisfies readonly (keyof EstimateSettings)[];
/** Throughput figures above this are typos (100 GB/s), not disks. */
export const MAX_MBPS = 100_000;
/** …and below this they are typos too (5e-324 would render estimates as 8.66e+297 h). */
export const MIN_MBPS = 0.1;
/** PostgreSQL's own ceiling for lock_timeout and statement_timeout: INT_MAX milliseconds (about 24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;
export const MIN_PG_VERSION = 10;
export const MAX_PG_VERSION = 18;
/** A PostgreSQL duration: a number and an optional unit (`500ms`, `2s`, `1min`); no unit means milliseconds. */
export const DURATION_PATTERN = /^[0-9]+(\.[0-9]+)?(us|ms|s|min|h|d)?$/;

// Compile-time guard: the lists above must name every member of the config types.
type Exhaustive<Listed, Declared> = [Declared] extends [Listed] ? true : never;
const runnersComplete: Exhaustive<(typeof RUNNER_CHOICES)[number], RunnerId | 'auto'> = true;
const transactionsComplete: Exhaustive<(typeof TRANSACTION_CHOICES)[number], TransactionMode> = true;
const settingsComplete: Exhaustive<(typeof RULE_SETTING_CHOICES)[number], RuleSetting> = true;
void [runnersComplete, transactionsComplete, settingsComplete];

export interface ValidationProblem {
  /** Where the bad value is, e.g. `pgVersion`, `rules.some-rule`, `exclude[2]`; `` for the whole file. */
  path: string;
  message: string;
}

export interface ValidationResult {
  /** Only the keys that were present and valid. */
  config: Partial<LockstepConfig>;
  problems: ValidationProblem[];
}

export interface ValidateOptions {
  /** When given, rule ids outside this list are reported. */
  knownRuleIds?: readonly string[];
}

function isPreset(value: unknown): value is ConfigPreset {
  return (CONFIG_PRESETS as readonly unknown[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function oneOf(choices: readonly string[]): string {
  return choices.map((c) => `"${c}"`).join(', ');
}

export function validateConfig(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const config: Partial<LockstepConfig> = {};
  const problems: ValidationProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  if (!isRecord(raw)) {
    problem('', `the configuration must be a JSON object, got ${show(raw)}`);
    return { config, problems };
  }

  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case '$schema':
        if (typeof value !== 'string') problem(key, '"$schema" must be a string');
        break;
      case 'pgVersion':
        if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_PG_VERSION && value <= MAX_PG_VERSION) {
          config.pgVersion = value;
        } else {
          problem(key, `"pgVersion" must be a whole number from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}, got ${show(value)}`);
        }
        break;
      case 'runner':
        if ((RUNNER_CHOICES as readonly unknown[]).includes(value)) config.runner = value as LockstepConfig['runner'];
        else problem(key, `"runner" must be one of ${oneOf(RUNNER_CHOICES)}, got ${show(value)}`);
        break;
      case 'transaction':
        if ((TRANSACTION_CHOICES as readonly unknown[]).includes(value)) config.transaction = value as TransactionMode;
        else problem(key, `"transaction" must be one of ${oneOf(TRANSACTION_CHOICES)}, got ${show(value)}`);
        break;
      case 'extends':
        if (isPreset(value) || (Array.isArray(value) && value.length > 0 && value.every(isPreset))) config.extends = value;
        else problem(key, `"extends" must be one of ${oneOf(CONFIG_PRESETS)} (or a list of them), got ${show(value)}`);
        break;
      case 'rules':
        validateRules(value, options, problem, (rules) => (config.rules = rules));
        break;
      case 'categories':
        validateCategories(value, problem, (categories) => (config.categories = categories));
        break;
      case 'exclude':
        if (!Array.isArray(value)) {
          problem(key, `"exclude" must be an array of glob strings, got ${show(value)}`);
          break;
        }
        config.exclude = [];
        value.forEach((pattern, i) => {
          const refused = typeof pattern === 'string' && pattern !== '' ? globProblem(pattern) : undefined;
          if (refused) problem(`exclude[${i}]`, `"exclude" entry ${show(pattern)} is refused: ${refused}`);
          else if (typeof pattern === 'string' && pattern !== '') config.exclude!.push(pattern);
          else problem(`exclude[${i}]`, `"exclude" entries must be non-empty glob strings, got ${show(pattern)}`);
        });
        break;
      case 'lockTimeout':
      case 'statementTimeout':
        if (typeof value === 'string' && DURATION_PATTERN.test(value) && durationMs(value) > MAX_DURATION_MS) {
          problem(key, `"${key}" must be at most ${MAX_DURATION_MS} ms (about 24.8 days, PostgreSQL's limit), got ${show(value)}`);
        } else if (typeof value === 'string' && DURATION_PATTERN.test(value)) config[key] = value;
        else problem(key, `"${key}" must be a PostgreSQL duration such as "2s", "500ms" or "1min", got ${show(value)}`);
        break;
      case 'placeholders':
        validatePlaceholders(value, problem, (placeholders) => (config.placeholders = placeholders));
        break;
      case 'docsBaseUrl':
        if (typeof value === 'string' && /^https?:\/\/[^\s/]+/.test(value)) config.docsBaseUrl = value;
        else problem(key, `"docsBaseUrl" must be an http(s) URL such as "https://example.org/lockstep/", got ${show(value)}`);
        break;
      case 'estimate':
        validateEstimate(value, problem, (estimate) => (config.estimate = estimate));
        break;
      case 'codeScan':
        validateCodeScan(value, problem, (codeScan) => (config.codeScan = codeScan));
        break;
      default:
        problem(key, `unknown property "${key}"`);
    }
  }
  return { config, problems };
}

function validateRules(
  value: unknown,
  options: ValidateOptions,
  problem: (path: string, message: string) => void,
  accept: (rules: Record<string, RuleSetting>) => void,
): void {
  if (!isRecord(value)) {
    problem('rules', `"rules" must be an object mapping rule ids to a setting, got ${show(value)}`);
    return;
  }
  const rules: Record<string, RuleSetting> = {};
  for (const [id, setting] of Object.entries(value)) {
    if (options.knownRuleIds && !options.knownRuleIds.includes(id)) {
      problem(`rules.${id}`, `unknown rule "${id}"`);
    } else if ((RULE_SETTING_CHOICES as readonly unknown[]).includes(setting)) {
      rules[id] = setting as RuleSetting;
    } else {
      problem(`rules.${id}`, `rule "${id}" must be set to one of ${oneOf(RULE_SETTING_CHOICES)}, got ${show(setting)}`);
    }
  }
  accept(rules);
}

function validateCategories(
  value: unknown,
  problem: (path: string, message: string) => void,
  accept: (categories: Partial<Record<RuleCategory, RuleSetting>>) => void,
): void {
  if (!isRecord(value)) {
    problem('categories', `"categories" must be an object such as { "style": "off" }, got ${show(value)}`);
    return;
  }
  const categories: Partial<Record<RuleCategory, RuleSetting>> = {};
  for (const [name, setting] of Object.entries(value)) {
    if (!(RULE_CATEGORIES as readonly string[]).includes(name)) {
      problem(`categories.${name}`, `unknown category "${name}"; expected ${oneOf(RULE_CATEGORIES)}`);
    } else if ((RULE_SETTING_CHOICES as readonly unknown[]).includes(setting)) {
      categories[name as RuleCategory] = setting as RuleSetting;
    } else {
      problem(`categories.${name}`, `category "${name}" must be set to one of ${oneOf(RULE_SETTING_CHOICES)}, got ${show(setting)}`);
    }
  }
  accept(categories);
}

/** Placeholder names and the text that stands in for them: strings without line breaks. */
function validatePlaceholders(value: unknown, problem: (path: string, message: string) => void, accept: (p: Record<string, string>) => void): void {
  if (!isRecord(value)) {
    problem('placeholders', `"placeholders" must be an object such as { "Namespace": "app" }, got ${show(value)}`);
    return;
  }
  const placeholders: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (typeof text === 'string' && !/[\r\n]/.test(text)) placeholders[name] = text;
    else problem(`placeholders.${name}`, `placeholder "${name}" must be a one-line string, got ${show(text)}`);
  }
  accept(placeholders);
}

function validateEstimate(value: unknown, problem: (path: string, message: string) => void, accept: (estimate: EstimateSettings) => void): void {
  if (!isRecord(value)) {
    problem('estimate', `"estimate" must be an object such as { "rewriteMBps": 100 }, got ${show(value)}`);
    return;
  }
  const estimate: EstimateSettings = {};
  for (const [key, figure] of Object.entries(value)) {
    if (!(ESTIMATE_KEYS as readonly string[]).includes(key)) {
      problem(`estimate.${key}`, `unknown property "${key}" in "estimate"; expected ${oneOf(ESTIMATE_KEYS)}`);
    } else if (typeof figure === 'number' && Number.isFinite(figure) && figure >= MIN_MBPS && figure <= MAX_MBPS) {
      estimate[key as keyof EstimateSettings] = figure;
    } else {
      problem(`estimate.${key}`, `"estimate.${key}" must be a number of MB per second from ${MIN_MBPS} to ${MAX_MBPS}, got ${show(figure)}`);
    }
  }
  accept(estimate);
}

/** `codeScan`: `{ "include": [globs], "exclude": [globs] }`, for the code-reference index. */
function validateCodeScan(value: unknown, problem: (path: string, message: string) => void, set: (v: NonNullable<LockstepConfig['codeScan']>) => void): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problem('codeScan', `"codeScan" must be an object with "include" and/or "exclude" glob arrays, got ${show(value)}`);
    return;
  }
  const out: NonNullable<LockstepConfig['codeScan']> = {};
  for (const [key, list] of Object.entries(value as Record<string, unknown>)) {
    if (key !== 'include' && key !== 'exclude') {
      problem(`codeScan.${key}`, `unknown property "${key}" (expected "include" or "exclude")`);
      continue;
    }
    if (!Array.isArray(list)) {
      problem(`codeScan.${key}`, `"codeScan.${key}" must be an array of glob strings, got ${show(list)}`);
      continue;
    }
    out[key] = [];
    list.forEach((pattern, i) => {
      const refused = typeof pattern === 'string' && pattern !== '' ? globProblem(pattern) : undefined;
      if (refused) problem(`codeScan.${key}[${i}]`, `"codeScan.${key}" entry ${show(pattern)} is refused: ${refused}`);
      else if (typeof pattern === 'string' && pattern !== '') out[key]!.push(pattern);
      else problem(`codeScan.${key}[${i}]`, `"codeScan.${key}" entries must be non-empty glob strings, got ${show(pattern)}`);
    });
  }
  set(out);
}
