/**
 * The engine's public face: everything the language server, the CLI and the tests call.
 * (Contract first; the implementation lands behind these signatures.)
 */
import type { LockstepConfig } from './config/types';
import type { Finding, TextSpan } from './findings';
import type { MigrationDocument } from './document/model';
import type { LockMode, BlockedActivities } from './locks/modes';

export interface LintOptions {
  /** File path (absolute or relative); drives runner detection (Flyway `V1__x.sql`, `up.sql`, …). */
  path?: string;
  config: LockstepConfig;
  /** Reused across calls so an edit only re-parses and re-lints statements whose text changed. */
  cache?: EngineCache;
}

export interface LintResult {
  document: MigrationDocument;
  /** Sorted by span.start. Includes `syntax-error` and `psql-meta-command` findings. */
  findings: Finding[];
}

/** What one statement does to one relation, straight from the lock model. */
export interface RelationImpact {
  relation: string;
  mode: LockMode;
  blocks: BlockedActivities;
  rewrite: boolean;
  scan: boolean;
}

/** Everything Lockstep knows about one statement's lock impact (rendered by hovers and `lint --explain`). */
export interface StatementImpact {
  statementIndex: number;
  span: TextSpan;
  /** Short description, e.g. `ALTER TABLE orders ADD COLUMN`. */
  summary: string;
  relations: RelationImpact[];
  inTransaction: boolean;
  /** Version-dependent and conditional facts, in words. */
  notes: string[];
}

/** Load the libpg-query WASM module. Call once before anything else; later calls are no-ops. */
export declare function initEngine(): Promise<void>;
export declare function lintText(text: string, options: LintOptions): LintResult;
/** The lock impact of every parsed statement, in document order. */
export declare function explain(result: LintResult, config: LockstepConfig): StatementImpact[];
/** Markdown describing the locks of the statement at `offset` (UTF-16), or undefined between statements. */
export declare function hoverAt(result: LintResult, offset: number, config: LockstepConfig): string | undefined;
export declare class EngineCache {}
