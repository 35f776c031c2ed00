/** The shape of `lockstep.config.json`, shared by the language server and the CLI. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type RuleSetting = 'off' | Severity;

/**
 * What a rule is about, so a team can switch a whole group (`"categories": { "style": "off" }`):
 * `locking`: locks, rewrites and scans that stall traffic; `breaking-change`: changes that break the
 * code still running; `hygiene`: migrations that fail, misbehave on retry or hide mistakes;
 * `style`: type and naming best practices.
 */
export const RULE_CATEGORIES = ['locking', 'breaking-change', 'hygiene', 'style'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/** Presets a config can extend (server/src/config/presets.ts). `lockstep:recommended` is the default set. */
export { CONFIG_PRESETS, type ConfigPreset } from './presets';
import type { ConfigPreset } from './presets';

/** Migration runners Lockstep knows how to read. */
export type RunnerId =
  | 'plain'
  | 'flyway'
  | 'golang-migrate'
  | 'goose'
  | 'dbmate'
  | 'sqitch'
  | 'diesel'
  | 'prisma'
  | 'drizzle'
  | 'supabase'
  | 'postgres-migrations'
  | 'graphile-migrate'
  | 'atlas'
  | 'liquibase'
  | 'sqlx';

/**
 * How statements are wrapped in transactions when the file has no explicit BEGIN/COMMIT:
 * `auto` follows the runner's default, `always`/`never` override it.
 */
export type TransactionMode = 'auto' | 'always' | 'never';

export interface LockstepConfig {
  /** Target PostgreSQL major version (e.g. 14, 17). */
  pgVersion: number;
  /** Runner, or `auto` to detect it from markers and file layout. */
  runner: RunnerId | 'auto';
  transaction: TransactionMode;
  /** Per-rule on/off and severity overrides, by rule id. */
  rules: Record<string, RuleSetting>;
  /** On/off and severity for every rule of a category; a rule's own entry in `rules` wins. */
  categories?: Partial<Record<RuleCategory, RuleSetting>>;
  /**
   * Presets under the file's own settings (one name or a list): `lockstep:strict` also turns on the rules
   * that are off by default; `lockstep:<runner>` pins the runner and sets what it needs (presets.ts).
   */
  extends?: ConfigPreset | ConfigPreset[];
  /** Glob patterns (relative to the config file) of files never linted. */
  exclude: string[];
  /** Values the timeout prelude fix writes, and the ceiling the timeout rule accepts. */
  lockTimeout: string;
  statementTimeout: string;
  /**
   * Values for template placeholders (Go `{{ .Name }}`, Flyway/Liquibase `${name}`, psql `:name`), by name.
   * Unset names get a neutral stand-in of the placeholder's own length (see server/src/parse/templates.ts).
   */
  placeholders?: Record<string, string>;
  /** Where reports link rule docs (`<base>docs/rules/<id>.md`); unset: the project's repository. */
  docsBaseUrl?: string;
  /** Throughput figures for the database estimate; unset keys use the measured defaults (server/src/db/throughput.ts). */
  estimate?: EstimateSettings;
  /** Which application code the code-reference index reads (globs relative to the indexed root); see docs/code-references.md. */
  codeScan?: { include?: string[]; exclude?: string[] };
}

/** MB (1024² bytes) of table heap per second, per kind of work done under a lock. */
export interface EstimateSettings {
  rewriteMBps?: number;
  scanMBps?: number;
  indexBuildMBps?: number;
}

/** Frozen (deeply) so no caller can change the defaults for everyone else. */
export const DEFAULT_CONFIG: Readonly<LockstepConfig> = Object.freeze({
  pgVersion: 16,
  runner: 'auto',
  transaction: 'auto',
  rules: Object.freeze({}) as Record<string, RuleSetting>,
  exclude: Object.freeze([]) as unknown as string[],
  lockTimeout: '2s',
  statementTimeout: '60s',
});
