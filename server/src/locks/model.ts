/**
 * The lock model: the single source of truth for which locks a statement takes, on which
 * relations, and whether it rewrites or scans them, for a given PostgreSQL version.
 * Rules, hovers, messages and the CLI ask this module; none of them restates lock facts.
 * It is checked against real PostgreSQL by test/pg/lockOracle.test.ts.
 */
import { AstNode, inner, kindOf } from '../parse/ast';
import { strongest } from './modes';
import { STATEMENTS } from './statements';
import type { Certainty, LockContext, LockEffect, StatementLocks } from './types';

export * from './types';

export function analyzeLocks(stmt: AstNode, ctx: LockContext): StatementLocks {
  const analyze = STATEMENTS[kindOf(stmt)];
  if (!analyze) return { effects: [], parts: [], transactional: true, notes: [] };
  const facts = analyze(inner(stmt), ctx, stmt);
  return {
    effects: mergeEffects(facts.parts.flatMap((p) => p.effects)),
    parts: facts.parts,
    transactional: facts.transactional ?? true,
    notes: facts.notes ?? [],
  };
}

/** One entry per object: the strongest mode, and rewrite/scan if any part does it. */
export function mergeEffects(effects: LockEffect[]): LockEffect[] {
  const byObject = new Map<string, LockEffect>();
  for (const e of effects) {
    const key = `${e.kind === 'type' ? 'type:' : ''}${e.object}`;
    const seen = byObject.get(key);
    if (!seen) {
      byObject.set(key, { ...e });
      continue;
    }
    seen.mode = strongest(seen.mode, e.mode);
    seen.rewrite = anyOf(seen.rewrite, e.rewrite);
    seen.scan = anyOf(seen.scan, e.scan);
    seen.implied = seen.implied && e.implied;
    seen.created = seen.created || e.created;
    seen.dropped = seen.dropped || e.dropped;
  }
  return [...byObject.values()];
}

function anyOf(a: Certainty, b: Certainty): Certainty {
  if (a === true || b === true) return true;
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return false;
}
