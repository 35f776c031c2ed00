/**
 * What the code-reference index knows about one place in the application code that uses a table
 * or a column. Every source (SQL strings, ORM models, .sql files) produces these; the index adds the
 * file, line and column; the `still-referenced` rule and `lockstep refs` read them.
 */

/** How the code uses the name: reads it, writes it, or maps it in a model (which does both). */
export type Access = 'read' | 'write' | 'map';

/** A reference found in one file, located by UTF-16 offsets into that file's text. */
export interface RawReference {
  start: number;
  end: number;
  /** Unqualified table name, as PostgreSQL folds it (lower case unless quoted). */
  table: string;
  /** Unset: the reference is to the table itself (FROM users, a model of users). */
  column?: string;
  access: Access;
  /**
   * Uses every column of the table without naming them: `SELECT *`, `RETURNING *`, an `INSERT`
   * without a column list, an ORM model that loads whole rows (ActiveRecord).
   */
  everyColumn?: boolean;
  /**
   * The columns a write sets, when it names them (an INSERT's column list, the fields a model
   * creates rows with): a write that omits a newly required column would violate it.
   */
  writesColumns?: string[];
  /** Columns an ActiveRecord model says it ignores (`ignored_columns`): "every column" minus these. */
  exceptColumns?: string[];
  /** The source that found it (`sql-string`, `prisma`, `django`, …), for reports. */
  source: string;
}

/** A reference with its place: what `lockstep refs` prints and the rule lists as related information. */
export interface CodeReference extends RawReference {
  /** Absolute path (for a git revision: the path inside the repository, prefixed by the root). */
  file: string;
  /** `/`-separated path relative to the indexed root (what reports print). */
  path: string;
  /** 1-based line and column (UTF-16 code units) of `start`. */
  line: number;
  column1: number;
  endLine: number;
  endColumn1: number;
  /** The source line, trimmed, for `lockstep refs`; the language server's worker does not ship it. */
  excerpt?: string;
}

/** A reference with its place in its file, before the file's names are attached (what the language server's worker ships). */
export type LocatedReference = Omit<CodeReference, 'file' | 'path'>;

/** One kind of source: which files it reads, and the references it finds in one of them. */
export interface ReferenceSource {
  id: string;
  /** Cheap test on the path (extension, file name) before the file is read. */
  accepts(path: string): boolean;
  /** Synchronous; never throws for bad input (a file it cannot read yields no references). */
  extract(text: string, path: string): RawReference[];
}
