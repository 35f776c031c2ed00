/** The shape of `lockstep.config.json`, shared by the language server and the CLI. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type RuleSetting = 'off' | Severity;

/** Migration runners Lockstep knows how to read. */
export type RunnerId =
  | 'plain'
  | 'flyway'
  | 'golang-migrate'
  | 'goose'
  | 'dbmate'
  | 'sqitch'
  | 'diesel';

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
  /** Glob patterns (relative to the config file) of files never linted. */
  exclude: string[];
  /** Values the timeout prelude fix writes, and the ceiling the timeout rule accepts. */
  lockTimeout: string;
  statementTimeout: string;
  /** Where reports link rule docs (`<base>docs/rules/<id>.md`); unset: the project's repository. */
  docsBaseUrl?: string;
  /** Throughput figures for the database estimate; unset keys use the measured defaults (server/src/db/throughput.ts). */
  estimate?: EstimateSettings;
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
