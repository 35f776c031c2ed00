/**
 * The lock model: the single source of truth for which locks a statement takes, on which
 * relations, and whether it rewrites or scans them, for a given PostgreSQL version.
 * Rules, hovers, messages and the CLI ask this module; none of them restates lock facts.
 * It is checked against real PostgreSQL by test/pg/lockOracle.test.ts.
 */
import { AstNode, inner, kindOf } from '../parse/ast';
import { mergeEffects } from './merge';
import { STATEMENTS } from './statements';
import type { LockContext, StatementLocks } from './types';

export * from './types';
export { mergeEffects } from './merge';

export function analyzeLocks(stmt: AstNode, ctx: LockContext): StatementLocks {
  const analyze = STATEMENTS[kindOf(stmt)];
  if (!analyze) return { effects: [], parts: [], transactional: true, notes: [] };
  const facts = analyze(inner(stmt), ctx, stmt);
  return {
    effects: mergeEffects(facts.parts.flatMap((p) => p.effects)),
    parts: facts.parts,
    transactional: facts.transactional ?? true,
    notes: facts.notes ?? [],
    ...(facts.unpredicted ? { unpredicted: facts.unpredicted } : {}),
  };
}

