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
  check(stmt: StatementInfo, ctx: RuleContext): RuleHit[];
}
