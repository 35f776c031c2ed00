/**
 * The document's schema as the language server builds it on an edit: a statement's effect is applied
 * only when an analysis needs the schema before a later statement (an analysis the memo does not hold),
 * starting from the nearest snapshot an earlier lint kept, and the schema after the whole file comes
 * from that earlier lint when the same schema-changing statements led to it. An edit that changes no
 * schema (a comment, a backfill's WHERE, a COMMENT string) then replays nothing: replaying a
 * 20,000-line file's schema cost more than the rest of the relint's reuse saved.
 *
 * Snapshots are found by `key`: a fingerprint of the schema before the file and of every
 * schema-changing statement so far, in order (its forward-state key, or its text for the statements
 * that change the schema without handing anything on to the lock model: SELECT/DO/CALL running code).
 */
import { Catalog, recordRelationReads } from '../catalog/catalog';
import type { AstNode } from '../parse/ast';
import { kindOf } from '../parse/ast';
import { foldState, hashString } from './forwardState';

/** Where the engine keeps schemas between lints (EngineCache). */
export interface CatalogMemo {
  /** The schema kept for `key`; undefined when none. Marks it used by this lint. */
  catalogAt(key: number): Catalog | undefined;
  /** Keep `catalog` (which nobody changes any more) as the schema for `key`. */
  keepCatalog(key: number, catalog: Catalog): void;
  /** What applying the statement that led to `key` looked up (`ApplyReads`); undefined when not known. Marks it used. */
  appliedReadsAt(key: number): ApplyReads | undefined;
  keepAppliedReads(key: number, reads: ApplyReads): void;
}

/**
 * The relations a statement's effect looked up while it was applied (catalog.ts `recordRelationReads`:
 * every change of a relation record looks it up first), or 'all' when it walked every relation. A
 * statement whose effect did not look relation t up neither read nor changed t's record: the patch
 * path (columnPatch.ts) carries t's columns over such statements instead of replaying them.
 */
export type ApplyReads = readonly string[] | 'all';

/** A snapshot every this many schema-changing statements (a restore replays at most this many). */
export const CHECKPOINT_EVERY = 64;

interface Pending {
  ast: AstNode;
  /** The key after this statement. */
  key: number;
  /** Schema-changing statements up to and including this one. */
  count: number;
}

export class LazyCatalog {
  key: number;
  /** Schema-changing statements pushed so far. */
  count = 0;
  private pending: Pending[] = [];
  /** A snapshot to start from (cloned when the schema is first needed): everything before it is in it. */
  private restore: Catalog | undefined;
  /**
   * By ordinal (the `count` before the statement): what each schema-changing statement's effect looked
   * up, recorded when it is applied, else an earlier lint's under the same key; undefined: not known.
   */
  readonly applyReads: (ApplyReads | undefined)[] = [];

  constructor(
    private readonly holder: { catalog: Catalog },
    private readonly memo: CatalogMemo,
    seed: number,
  ) {
    this.key = hashString('schema', seed);
  }

  /** The statement `ast` (with its forward-state key hash) runs next. */
  push(ast: AstNode, text: string, forwardKeyHash: number): void {
    if (!Catalog.changedBy(kindOf(ast))) return;
    this.key = foldState(this.key, forwardKeyHash || hashString(text) || 1);
    this.count++;
    this.pending.push({ ast, key: this.key, count: this.count });
    if (this.count % CHECKPOINT_EVERY !== 0) return;
    const kept = this.memo.catalogAt(this.key);
    if (kept) {
      this.restore = kept;
      this.skipPending();
    }
  }

  /** The pending statements are in a kept schema: not applied, their reads are the lint's that kept it. */
  private skipPending(): void {
    for (const p of this.pending) this.applyReads[p.count - 1] = this.memo.appliedReadsAt(p.key);
    this.pending = [];
  }

  /** The schema with every statement pushed so far applied (the holder's catalog, brought up to date). */
  current(): Catalog {
    if (this.restore) {
      this.holder.catalog = this.restore.clone();
      this.restore = undefined;
    }
    const catalog = this.holder.catalog;
    for (const p of this.pending) {
      const reads = recordRelationReads(() => catalog.apply(p.ast)).reads ?? 'all';
      this.applyReads[p.count - 1] = reads;
      this.memo.keepAppliedReads(p.key, reads);
      if (p.count % CHECKPOINT_EVERY === 0 && !this.memo.catalogAt(p.key)) this.memo.keepCatalog(p.key, catalog.clone());
    }
    this.pending = [];
    return catalog;
  }

  /** After the last statement: the holder's catalog is the schema after the file (an earlier lint's when the key matches). */
  finish(): void {
    const kept = this.memo.catalogAt(this.key);
    if (kept) {
      this.holder.catalog = kept;
      this.skipPending();
      this.restore = undefined;
      return;
    }
    this.memo.keepCatalog(this.key, this.current());
  }
}
