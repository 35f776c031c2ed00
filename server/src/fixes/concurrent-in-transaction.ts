/**
 * A statement PostgreSQL refuses inside a transaction block (CONCURRENTLY and friends): keep it as
 * written and move it out of the transaction, the way the runner needs (placement.ts).
 */
import { slugify } from './names';
import { withSemicolon } from './sql';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'concurrent-in-transaction',
  inFixAll: true,
  rewrites(ctx) {
    const stmt = ctx.stmt;
    if (!stmt || stmt.locks.transactional) return [];
    const label = stmt.locks.parts[0]?.label ?? stmt.kind;
    return [
      {
        title: 'Run it outside the transaction',
        steps: [{ sql: withSemicolon(stmt.text), tx: 'outside', edits: [], slug: slugify(label) }],
        safe: true,
      },
    ];
  },
};
