/**
 * What a fix is. A rule's fix module turns a finding into either plain text edits (ignore comments,
 * the timeout prelude) or a *rewrite*: the safe statements, in order, each saying what transaction it
 * needs. placement.ts then decides where those statements go for the file's runner (in place, after
 * the COMMIT, behind a no-transaction marker, or in new migration files) and proves each choice by
 * linting the result.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import type { StatementInfo } from '../document/model';
import type { EngineCache, LintResult } from '../engine';
import type { Finding } from '../findings';

/** Replace [start, end) of the document (UTF-16 offsets) with `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A file a fix creates. `path` is absolute when the document has a path, else relative to its folder. */
export interface NewFile {
  path: string;
  text: string;
}

/**
 * How a step relates to the transaction of the step before it:
 * `same`: may share it; `separate`: must start after it committed (VALIDATE after ADD … NOT VALID);
 * `outside`: must run outside any transaction block (CONCURRENTLY, a DO block that COMMITs per batch).
 */
export type StepTransaction = 'same' | 'separate' | 'outside';

/** Where a statement belongs in an expand → backfill → contract rollout (see server/src/split/). */
export type Phase = 'expand' | 'backfill' | 'contract';

/** One statement of a rewrite, in the order the statements must run. */
export interface Step {
  /** Complete SQL, ending with `;`. */
  sql: string;
  tx: StepTransaction;
  /** When the step is the flagged statement itself, edited: the edits that turn it into `sql`, so formatting survives. */
  edits?: TextEdit[];
  /** A few snake_case words naming the step, for the file name of a migration that holds it. */
  slug: string;
  /** SQL that undoes the step, for runners with down migrations. */
  undo?: string;
  /** Overrides split's classification of this step (split reads the AST otherwise). */
  phase?: Phase;
  /**
   * This step (and the ones after it) must wait for a later migration, after something only the
   * user can do (deploy code that writes a column, backfill it): the words say what.
   */
  deferred?: string;
}

/** The safe statements that replace a flagged one. */
export interface Rewrite {
  /** Code-action title, e.g. `Use CREATE INDEX CONCURRENTLY`. */
  title: string;
  steps: Step[];
  /** Same end state as the original, so fix-all and `lint --fix` may apply it (when it stays in this file). */
  safe: boolean;
}

/** A fix ready to apply: edits to the document, and files to create. */
export interface Fix {
  title: string;
  ruleId: string;
  edits: TextEdit[];
  files: NewFile[];
  /** Part of fix-all and `lint --fix`: needs no review (fix-all in the editor also requires that it creates no file). */
  safe: boolean;
  /** The fix an editor should offer first (VS Code's "preferred" quick-fix). */
  preferred?: boolean;
  /** How far the statements moved (0 in place … 3 new files): between alternatives, the least moved wins. */
  moved?: number;
}

/** The migration folder around the document, for naming new migration files. */
export interface MigrationFolder {
  /** Names of the entries in the document's folder (for Diesel: in the folder of its migration folder). */
  siblings: readonly string[];
  /** The clock, for timestamp-versioned runners; tests pin it. */
  now: Date;
}

export interface FixContext {
  text: string;
  result: LintResult;
  finding: Finding;
  /** The statement the finding belongs to, when it belongs to one. */
  stmt?: StatementInfo;
  config: LockstepConfig;
  path?: string;
  /** The schema before this file, exactly as it was linted with. */
  schema?: Catalog;
  /** Absent when the file system is out of reach: fixes that create files are then not offered. */
  folder?: MigrationFolder;
  /** Shared by the verifying lints of one request: candidates differ from the text only near the statement. */
  cache?: EngineCache;
}

/** The fixes of one rule. Either or both of the two forms. */
export interface FixProvider {
  ruleId: string;
  /** Some of its fixes may be safe: fix-all looks at this rule's findings (it skips the rest, which is most of its time). */
  inFixAll?: boolean;
  /** Safe rewrites of the flagged statement; placement.ts places and verifies them. */
  rewrites?(ctx: FixContext): Rewrite[];
  /** Fixes that are plain edits of this file, verified the same way. */
  edits?(ctx: FixContext): Fix[];
}
