/**
 * The lock model: the single source of truth for which locks a statement takes, on which
 * relations, and whether it rewrites or scans them, for a given PostgreSQL version.
 * Rules, hovers, messages and the CLI ask this module; none of them restates lock facts.
 * It is checked against real PostgreSQL by test/pg/lockOracle.test.ts.
 */
import { AstNode, inner, kindOf } from '../parse/ast';
import { mergeEffects } from './merge';
import { STATEMENTS } from './statements';
import { rebuiltIndexes } from './alterTable';
import type { LockContext, LockEffect, StatementLocks } from './types';

export * from './types';
export { mergeEffects } from './merge';

export function analyzeLocks(stmt: AstNode, ctx: LockContext): StatementLocks {
  const analyze = STATEMENTS[kindOf(stmt)];
  if (!analyze) return { effects: [], parts: [], transactional: true, notes: [] };
  const facts = analyze(inner(stmt), ctx, stmt);
  const parts = facts.parts.map((p) => ({ ...p, effects: spreadToPartitions(p.effects, ctx) }));
  const locks: StatementLocks = {
    // One part (most statements): its effects as they are, without flattening a list of lists.
    effects: mergeEffects(parts.length === 1 ? parts[0].effects : parts.flatMap((p) => p.effects)),
    parts,
    transactional: facts.transactional ?? true,
    notes: facts.notes ?? [],
  };
  // Set, not spread in: a conditional spread in the literal took V8's generic path for every statement.
  if (facts.unpredicted) locks.unpredicted = facts.unpredicted;
  return locks;
}

/** A table effect a partitioned parent passes on to its partitions (spreadToPartitions). */
function passedOn(e: LockEffect, ctx: LockContext): boolean {
  return e.kind === 'table' && !e.created && !e.dropped && (e.rewrite !== false || e.scan !== false) && ctx.catalog.relation(e.object)?.kind === 'partitioned';
}


/**
 * A partitioned table has no storage of its own: what rewrites or reads it happens to each
 * partition instead (PostgreSQL recurses, under the same lock), and its indexes, which have no
 * storage either, are not rebuilt. When Lockstep knows none of its partitions, whether anything
 * is read or rewritten is a "maybe".
 */
function spreadToPartitions(effects: LockEffect[], ctx: LockContext): LockEffect[] {
  // Most statements touch no partitioned table: no filtered copy for them.
  if (!effects.some((e) => passedOn(e, ctx))) return effects;
  const partitioned = effects.filter((e) => passedOn(e, ctx));
  const parents = new Set(partitioned.map((e) => e.object));
  // The parent's own (partitioned) indexes are not rebuilt by a rewrite; those dropped and created again still are locked.
  const out = effects.filter((e) => !(e.kind === 'index' && e.implied && !e.recreated && !e.created && !e.dropped && e.rewrite !== false && parents.has(ctx.catalog.relation(e.object)?.table ?? '')));
  for (const parent of partitioned) {
    const partitions = ctx.catalog.partitionsOf(parent.object);
    const unknown = partitions.length === 0;
    const at = out.indexOf(parent);
    out[at] = { ...parent, rewrite: parent.rewrite === false ? false : unknown ? 'maybe' : false, scan: parent.scan === false ? false : unknown ? 'maybe' : false };
    const spread = partitions.flatMap((p): LockEffect[] => [
      { object: p, kind: 'table', mode: parent.mode, rewrite: parent.rewrite, scan: parent.scan, implied: true },
      ...(parent.rewrite !== false ? rebuiltIndexes(p, ctx, parent.rewrite) : []),
    ]);
    // A partition that is itself partitioned passes it on to its own partitions.
    out.push(...spreadToPartitions(spread, ctx));
  }
  return out;
}
