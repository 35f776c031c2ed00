/**
 * The one interface every framework extractor implements (TypeScript/JavaScript ORMs here; Ruby,
 * Python and Elixir frameworks plug into the same shape). An extractor reads a host file (a `.ts`
 * migration, later a `.rb` or `.py` one) and returns the SQL the framework sends to PostgreSQL, each
 * statement tied to the exact host range that produced it, plus the transaction the framework runs
 * the file in. The engine lints that SQL like any migration and maps every finding back through the
 * offset maps, so squiggles, hovers and fixes land in the host file. See docs/frameworks/README.md.
 */
import type { TextSpan } from '../findings';
import type { TextEdit } from '../fixes/types';

/** The id of the one finding per host file that lists what was not analysed (configurable like a rule). */
export const NOT_ANALYSED = 'not-analysed';

/** Framework ids; the issue-13 frameworks add theirs here. */
export type FrameworkId = 'typeorm' | 'knex' | 'sequelize' | 'kysely' | 'mikro-orm' | 'node-pg-migrate' | 'django' | 'alembic' | 'rails' | 'ecto';

/**
 * How offsets inside the extracted SQL map to host offsets: sorted, non-overlapping runs where
 * `length` SQL characters starting at `sql` come verbatim from host offset `host`. A character
 * outside every run (an escape such as `\n`, a joined `+` boundary) maps to the run before it.
 */
export interface OffsetRun {
  sql: number;
  host: number;
  length: number;
}

export interface ExtractedStatement {
  /** The SQL the framework sends (one or more statements; `;` optional). */
  sql: string;
  /** The host range that produced it: the string literal, or the whole builder call. */
  range: TextSpan;
  /** `literal`: SQL written by the user in a string (positions map exactly); `builder`: translated from a call. */
  origin: 'literal' | 'builder';
  /** For `literal`: SQL offset → host offset. Builder SQL maps to `range` as a whole. */
  runs?: OffsetRun[];
  /** The whole call expression (`queryRunner.query(…)`, `knex.schema.alterTable(…)`): fixes edit it. */
  call: TextSpan;
  /** Which method of the migration it belongs to. Only `up` is linted; `down` feeds nothing. */
  section: 'up' | 'down';
  /**
   * Transaction override for this statement alone (Sequelize's `{ transaction: t }`): the group id
   * of the explicit transaction it joins, or `none` when the file's transaction does not apply.
   * Undefined: the file's transaction model decides.
   */
  transaction?: { group: number } | 'none';
  /** Framework-specific facts the fix idioms need (e.g. the options-object range of `addIndex`). */
  data?: Record<string, unknown>;
}

/** Something the file does that Lockstep could not turn into SQL; reported, never silently skipped. */
export interface NotAnalysed {
  range: TextSpan;
  section: 'up' | 'down';
  /** Short and countable across files, e.g. `template literal with ${} interpolation`. */
  reason: string;
}

/** How the framework wraps the file's `up` migration. */
export interface TransactionModel {
  /** True: every statement of `up` runs in one transaction the framework opens. */
  wrapped: boolean;
  /** Why, in words a user recognises (`Knex runs each migration in a transaction`, `exports.config = { transaction: false }`). */
  because: string;
  /** Host range of the opt-out (or opt-in) that decided it, when the file has one. */
  decidedAt?: TextSpan;
}

export interface Extraction {
  framework: FrameworkId;
  statements: ExtractedStatement[];
  notAnalysed: NotAnalysed[];
  transaction: TransactionModel;
}

/** What a fix needs to know to write the safe form in the framework's own idiom. */
export interface FixIdioms {
  /** How to opt one migration out of the transaction, in words (rule messages and docs). */
  optOutWords: string;
  /** Edits that opt this file out of the framework's transaction; undefined when not possible. */
  optOutOfTransaction(text: string, extraction: Extraction): TextEdit[] | undefined;
  /**
   * Edits that take this one statement out of the explicit transaction it joins (`stmt.transaction`
   * is a group): Sequelize drops `transaction: t` from the call's options, so it runs on its own
   * connection. Optional: frameworks whose statements never join a per-call transaction leave it out.
   */
  leaveTransaction?(text: string, stmt: ExtractedStatement): TextEdit[] | undefined;
  /**
   * Edits that make `stmt` build its index (or drop it) CONCURRENTLY in the framework's way:
   * `CONCURRENTLY` in a query string, `{ concurrently: true }` for a builder call.
   * Undefined when the framework has no way to say it.
   */
  concurrently(text: string, stmt: ExtractedStatement): TextEdit[] | undefined;
  /**
   * Edits that add `stmt`'s CHECK / FOREIGN KEY constraint NOT VALID in the framework's way (Rails
   * `validate: false`), and the later migration that validates it. Optional: frameworks without one get no fix.
   */
  notValid?(text: string, stmt: ExtractedStatement): { edits: TextEdit[]; later: { slug: string; text: string } } | undefined;
  /** File name for a new migration next to `siblings` (the framework's naming: timestamp, class name…). */
  newMigrationName(slug: string, now: Date, siblings: readonly string[]): string;
  /**
   * Write whole migrations in this framework's form ("Split into phases" and `lockstep scaffold
   * --format <framework>`): one file per migration, named so the framework runs them after
   * `options.siblings` and in the given order, each running its SQL through the framework's raw-SQL
   * call, with the file's transaction opt-out where a step must run outside a transaction.
   * `{ ok: false }` when the framework cannot express a migration (Kysely cannot leave its Migrator's
   * transaction per file). Optional: a framework without it gets plain SQL files and a message.
   */
  writeMigrations?(migrations: readonly MigrationToWrite[], options: WriteOptions): WrittenMigrations;
}

/**
 * One direction of a migration to write (the same shape as the scaffold's plan step): `tx`, every
 * statement in one transaction; `single`, exactly one statement that must run outside any
 * transaction (CREATE INDEX CONCURRENTLY, a CALL that commits per batch).
 */
export type WriteStep = { kind: 'tx'; statements: string[] } | { kind: 'single'; statement: string };

export interface MigrationToWrite {
  /** Name part, lower snake case (`accounts_email_expand`); the writer spells it the framework's way. */
  slug: string;
  /** Comment lines for the top of the file, without comment markers (plan, phase, why). */
  header: readonly string[];
  up: WriteStep;
  down: WriteStep;
}

export interface WriteOptions {
  now: Date;
  /** Names already in the migrations folder: new names sort after them (timestamps later than any). */
  siblings: readonly string[];
  /**
   * An existing migration of the project (or the one being split): the writer copies its language
   * and module style (TypeScript or JavaScript, ESM or CommonJS, the `.ts`/`.js`/`.mjs` extension).
   */
  sample?: { name: string; text: string };
}

export type WrittenMigrations =
  | { ok: true; files: Array<{ /** Relative to the migrations folder, `/`-separated. */ name: string; text: string }> }
  | { ok: false; reason: string };

export interface FrameworkExtractor {
  id: FrameworkId;
  label: string;
  /** File extensions it reads (lower case, with the dot). */
  extensions: readonly string[];
  /** Cheap check on the path and text, without parsing: is this a migration of this framework? */
  detect(path: string | undefined, text: string): boolean;
  /** Parse the host file and return its SQL. Must not throw on any input. */
  extract(text: string, path?: string): Extraction;
  idioms: FixIdioms;
}
