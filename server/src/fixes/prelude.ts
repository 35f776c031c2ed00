/**
 * The timeout prelude: `SET lock_timeout` (and `statement_timeout`) with the values from config,
 * placed so it covers the flagged statement and everything before it in the same transaction
 * (or, outside transactions, the same section), so one prelude fixes a whole run of findings.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { transactionVerb, type MigrationDocument, type StatementInfo } from '../document/model';
import { durationMs } from '../document/settings';
import { lintText } from '../engine';
import { blockedBy } from '../locks/modes';
import { kindOf } from '../parse/ast';
import { applyEdits, insertLinesBefore } from './textEdits';
import type { TextEdit } from './types';

export const LOCK_TIMEOUT_RULE = 'require-lock-timeout';

/** The first statement the prelude must precede so that it covers `stmt`. */
function coverStart(doc: MigrationDocument, stmt: StatementInfo): StatementInfo {
  // A lock_timeout is already set but too long: override it right here, after the SET that set it.
  if (stmt.lockTimeoutMs > 0) return stmt;
  let first = stmt;
  for (let i = stmt.index - 1; i >= 0; i--) {
    const prev = doc.statements[i];
    if (prev.section !== stmt.section || prev.lockTimeoutMs > 0) break;
    if (stmt.transactionId >= 0 ? prev.transactionId !== stmt.transactionId || transactionVerb(prev.ast) === 'begin' : prev.transactionId >= 0) break;
    first = prev;
  }
  return first;
}

/**
 * Statements that may rightly run for a long time without blocking traffic (a CONCURRENTLY build,
 * VALIDATE, a batched backfill): a statement_timeout would cancel them, so the prelude leaves it out.
 */
function runsLongOnPurpose(stmt: StatementInfo): boolean {
  if (['DoStmt', 'UpdateStmt', 'InsertStmt', 'DeleteStmt', 'CallStmt'].includes(kindOf(stmt.ast))) return true;
  return stmt.locks.effects.some((e) => e.scan !== false && !e.created && !blockedBy(e.mode, e.kind).writes);
}

/** The prelude edit covering `stmt`, or undefined when there is nothing sensible to insert. */
export function timeoutPrelude(text: string, doc: MigrationDocument, stmt: StatementInfo, config: LockstepConfig): TextEdit | undefined {
  if (durationMs(config.lockTimeout) <= 0) return undefined;
  const first = coverStart(doc, stmt);
  const local = first.inTransaction ? 'LOCAL ' : '';
  const lines = [`SET ${local}lock_timeout = '${config.lockTimeout}';`];
  // Covered statements: from `first` to the end of its transaction (or section, outside transactions).
  const covered = doc.statements.filter(
    (s) => s.index >= first.index && s.section === first.section && (first.transactionId < 0 ? s.transactionId < 0 : s.transactionId === first.transactionId),
  );
  if (durationMs(config.statementTimeout) > 0 && !covered.some(runsLongOnPurpose)) {
    lines.push(`SET ${local}statement_timeout = '${config.statementTimeout}';`);
  }
  return insertLinesBefore(text, first.span.start, lines);
}

/** Add preludes until no statement of `text` lacks one (bounded); for new migration files. */
export function withTimeoutPrelude(text: string, options: { path?: string; config: LockstepConfig; schema?: Catalog }): string {
  if (options.config.rules[LOCK_TIMEOUT_RULE] === 'off') return text;
  let current = text;
  for (let round = 0; round < 5; round++) {
    const result = lintText(current, options);
    const finding = result.findings.find((f) => f.ruleId === LOCK_TIMEOUT_RULE && f.statementIndex !== undefined);
    if (!finding) break;
    const edit = timeoutPrelude(current, result.document, result.document.statements[finding.statementIndex!], options.config);
    if (!edit) break;
    current = applyEdits(current, [edit]);
  }
  return current;
}
