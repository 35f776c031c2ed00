/**
 * Fixes that keep the statement as written and only move it into a later transaction than the one
 * before it (VALIDATE after its NOT VALID add, a use of an enum value after its ADD VALUE commits).
 */
import { slugify } from './names';
import { withSemicolon } from './sql';
import type { FixProvider } from './types';

function laterTransaction(ruleId: string, title: string): FixProvider {
  return {
    ruleId,
    rewrites(ctx) {
      const stmt = ctx.stmt;
      if (!stmt) return [];
      return [{ title, steps: [{ sql: withSemicolon(stmt.text), tx: 'separate', edits: [], slug: slugify(stmt.locks.parts[0]?.label ?? stmt.kind) }], safe: false }];
    },
  };
}

export const validateInSameTransaction = laterTransaction('validate-in-same-transaction', 'VALIDATE it in a later transaction');
export const enumAddValueInTransaction = laterTransaction('enum-add-value-in-transaction', 'Use the new value in a later transaction');
