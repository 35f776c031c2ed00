import type { LockstepConfig, RuleCategory, Severity } from '../config/types';
import type { RelatedLocation, TextSpan } from '../findings';
import type { ReferenceLookup } from '../coderefs/index';
import type { MigrationDocument, StatementInfo } from '../document/model';

export interface RuleHit {
  message: string;
  /** Defaults to the whole statement. */
  span?: TextSpan;
  /** Overrides the rule's default severity for this hit (e.g. `info` when the model is unsure). */
  severity?: Severity;
  related?: RelatedLocation[];
}

export interface RuleContext {
  doc: MigrationDocument;
  config: LockstepConfig;
  /** The application code's references (`lint --code`, the language server's index); unset: not known. */
  code?: ReferenceLookup;
}


/** Application code an example is linted against (rules with `usesCode`). */
export interface ExampleCodeFile {
  path: string;
  text: string;
}

export interface Rule {
  /** Stable id: the file name under server/src/rules/ and docs/rules/. */
  id: string;
  /** One line, shown in docs and SARIF. */
  title: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  /** Off unless the config turns it on (`rules`, or `"extends": "lockstep:strict"`). */
  defaultOff?: boolean;
  /**
   * The statement kinds (the AST's top node: `AlterTableStmt`, `IndexStmt`…) the rule can flag; the
   * engine runs it on those statements only (rules/dispatch.ts). Omitted: every statement.
   * test/unit/rules/dispatch.test.ts checks that no rule flags a statement of a kind it does not list.
   */
  kinds?: readonly string[];
  /** SQL the rule flags, and its safe counterpart that it must not flag (used by docs and tests). */
  examples: { flagged: string; clean: string; setup?: string; code?: ExampleCodeFile[] };
  /**
   * Set when the verdict depends on statements the forward state does not capture (later
   * statements, or the exact previous one): the engine then never reuses a cached result.
   */
  crossStatement?: boolean;
  /** Set when the verdict depends on the application code (`RuleContext.code`): never cached either. */
  usesCode?: boolean;
  /**
   * For a `crossStatement` or `usesCode` rule: which other statements its verdict on a statement reads,
   * beyond what the engine's patch path keeps the same for every statement (the schema, the relations
   * created, transactions and settings, every statement's kind and locks, the config and the code).
   * Unset: the engine never patches a relint while the rule is on (engine.ts).
   */
  reach?: RuleReach;
  check(stmt: StatementInfo, ctx: RuleContext): RuleHit[];
}

export interface RuleReach {
  /** The statement right before; `pastSets`: and the statements before it across SET statements (previousIgnoringSets). */
  previous?: 'adjacent' | 'pastSets';
  /** The statement right after. */
  next?: boolean;
  /** Earlier statements that load rows (INSERT, COPY, CREATE TABLE AS) at any distance: their kind and the table they load (`loadedTable`). */
  loads?: boolean;
  /** The lock windows and lock_timeout gaps (rules/migration.ts), whose messages quote the statements they name. */
  lockIndexes?: boolean;
}
