/** A missing (or too long) lock_timeout → the timeout prelude, with the values from config. */
import { durationMs } from '../document/settings';
import { LOCK_TIMEOUT_RULE, timeoutPrelude } from './prelude';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: LOCK_TIMEOUT_RULE,
  inFixAll: true,
  edits(ctx) {
    if (!ctx.stmt) return [];
    const edits = timeoutPrelude(ctx.text, ctx.result.document, ctx.stmt, ctx.config);
    if (!edits) return [];
    const also = durationMs(ctx.config.statementTimeout) > 0 && edits[0].newText.includes('statement_timeout') ? ` and statement_timeout = '${ctx.config.statementTimeout}'` : '';
    return [{ title: `Set lock_timeout = '${ctx.config.lockTimeout}'${also} first`, ruleId: LOCK_TIMEOUT_RULE, edits, files: [], safe: true }];
  },
};
