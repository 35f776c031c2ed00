import type { AstNode } from '../parse/ast';
import type { Catalog } from '../catalog/catalog';
import type { LockMode } from './modes';

/** `true`/`false` when the model is sure; `'maybe'` when it depends on something it cannot see. */
export type Certainty = boolean | 'maybe';

export type ObjectKind = 'table' | 'index' | 'sequence' | 'view' | 'matview' | 'type' | 'relation';

/** One lock a statement takes, and what it does to that object's data. */
export interface LockEffect {
  /** Unqualified object name as PostgreSQL stores it (`pg_class.relname`, or a type name). */
  object: string;
  kind: ObjectKind;
  mode: LockMode;
  /** The object's data is rewritten into a new file (relfilenode changes). */
  rewrite: Certainty;
  /** Every row is read while the lock is held (validation, index build, rewrite). */
  scan: Certainty;
  /** The object is created by this statement, so nobody else can be waiting for it. */
  created?: boolean;
  /** The object is dropped by this statement. */
  dropped?: boolean;
  /**
   * Dropped and built again under the same name, as a new relation (ALTER COLUMN TYPE does this to
   * the indexes on the column): rebuilt, but not the same file rewritten.
   */
  recreated?: boolean;
  /** Derived from the catalog rather than named in the SQL (e.g. the indexes a rewrite rebuilds). */
  implied?: boolean;
}

/** The locks of one part of a statement: an ALTER TABLE subcommand, or the whole statement. */
export interface PartEffect {
  /** Human label, e.g. `ADD COLUMN c4` or `CREATE INDEX`. */
  label: string;
  /** The AST node of this part (an AlterTableCmd, or the statement), for locating it in the text. */
  node: AstNode;
  /** ALTER TABLE subtype (`AT_AddColumn`, …) or the statement kind. */
  action: string;
  effects: LockEffect[];
  /** Why this part rewrites or scans, in words, when it does (or may). */
  reasons: string[];
}

export interface StatementLocks {
  /** Per relation, the strongest mode over all parts, with rewrite/scan merged. */
  effects: LockEffect[];
  parts: PartEffect[];
  /** False when PostgreSQL refuses to run the statement inside a transaction block. */
  transactional: boolean;
  /** Version-dependent or conditional facts, in words. */
  notes: string[];
  /**
   * Set when the statement runs code the model does not analyse (a procedure's or DO block's
   * body): its locks are not predicted, and this says why. A trace reports them as unexplained
   * by the model rather than as a disagreement.
   */
  unpredicted?: string;
}

export interface LockContext {
  pgVersion: number;
  /** Schema known so far (earlier statements and migrations); may be empty. */
  catalog: Catalog;
  /** Whether the session TimeZone is UTC (it decides whether timestamp→timestamptz rewrites). Unknown by default. */
  timeZoneIsUtc?: boolean;
  /**
   * check_function_bodies (on unless the migration turned it off): when on, CREATE FUNCTION … LANGUAGE sql
   * analyses its body and locks the relations it names.
   */
  checkFunctionBodies?: boolean;
}
