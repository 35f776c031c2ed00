/**
 * The timeout prelude: `SET lock_timeout` (and `statement_timeout`) with the values from config,
 * placed where it takes effect for every lock request of one `require-lock-timeout` finding: at the
 * start of its transaction as `SET LOCAL` (so it never leaks into later migrations on the same
 * connection), or, for a run of autocommit statements, as a session `SET` before the run and a
 * `RESET` after the last statement it covers.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { transactionVerb, type MigrationDocument, type StatementInfo } from '../document/model';
import { RUNNERS } from '../document/runner';
import { durationMs } from '../document/settings';
import { lintText } from '../engine';
import { blockedBy } from '../locks/modes';
import { kindOf } from '../parse/ast';
import { ruleSetting } from '../rules';
import { sameTimeoutUnit, timeoutGaps } from '../rules/migration';
import { applyEdits, eolOf, insertLinesBefore, nextLineStart } from './textEdits';
import type { TextEdit } from './types';

export const LOCK_TIMEOUT_RULE = 'require-lock-timeout';

/** The first statement the prelude must precede so that it covers the gap's first lock request. */
function coverStart(doc: MigrationDocument, anchor: StatementInfo): StatementInfo {
  // A lock_timeout is already set but too long: override it right here, after the SET that set it.
  if (anchor.lockTimeoutMs > 0) return anchor;
  let first = anchor;
  for (let i = anchor.index - 1; i >= 0; i--) {
    const prev = doc.statements[i];
    if (!sameTimeoutUnit(prev, anchor) || prev.lockTimeoutMs > 0 || transactionVerb(prev.ast) === 'begin') break;
    first = prev;
  }
  return first;
}

/**
 * Statements that may rightly run for a long time: an index build (plain or CONCURRENTLY), REINDEX,
 * CLUSTER, VALIDATE, a backfill. A statement_timeout would cancel them (a cancelled CONCURRENTLY
 * build leaves an INVALID index), so the prelude leaves it out.
 */
function runsLongOnPurpose(stmt: StatementInfo): boolean {
  const kind = kindOf(stmt.ast);
  if (['DoStmt', 'UpdateStmt', 'InsertStmt', 'DeleteStmt', 'CallStmt', 'IndexStmt', 'ReindexStmt', 'ClusterStmt', 'VacuumStmt', 'RefreshMatViewStmt'].includes(kind)) return true;
  const existingWork = stmt.locks.effects.some((e) => !e.created && e.kind !== 'index' && e.scan !== false);
  const buildsIndex = stmt.locks.effects.some((e) => e.kind === 'index' && e.created);
  if (existingWork && buildsIndex) return true;
  return stmt.locks.effects.some((e) => e.scan !== false && !e.created && !blockedBy(e.mode, e.kind).writes);
}

/**
 * Would the prelude put the statement in a transaction? golang-migrate runs a file of more than one
 * statement as one implicit transaction, so adding the SET to a one-statement file makes `SET LOCAL` work.
 */
function localWorks(doc: MigrationDocument, first: StatementInfo, config: LockstepConfig): boolean {
  if (first.inTransaction) return true;
  return config.transaction === 'auto' && RUNNERS[doc.runner].transaction === 'implicit-if-multiple' && doc.statements.every((s) => s.locks.transactional);
}

/** The prelude edits fixing the `require-lock-timeout` finding on `stmt`, or undefined when there is none to fix. */
export function timeoutPrelude(text: string, doc: MigrationDocument, stmt: StatementInfo, config: LockstepConfig): TextEdit[] | undefined {
  if (durationMs(config.lockTimeout) <= 0) return undefined;
  const gap = timeoutGaps(doc, durationMs(config.lockTimeout)).get(stmt.index);
  if (!gap) return undefined;
  const first = coverStart(doc, stmt);
  const local = localWorks(doc, first, config);
  const covered = doc.statements.slice(Math.max(gap.unitStart, first.index), gap.unitEnd);
  const withStatementTimeout = durationMs(config.statementTimeout) > 0 && !covered.some(runsLongOnPurpose);
  const prefix = local ? 'SET LOCAL' : 'SET';
  const lines = [`${prefix} lock_timeout = '${config.lockTimeout}';`];
  if (withStatementTimeout) lines.push(`${prefix} statement_timeout = '${config.statementTimeout}';`);
  const edits = [insertLinesBefore(text, first.span.start, lines)];
  // A session-level SET would outlive this migration on a reused connection: undo it after the run.
  if (!local && stmt.lockTimeoutMs === 0) {
    edits.push(insertLinesAfter(text, gap.last.span.end, ['RESET lock_timeout;', ...(withStatementTimeout ? ['RESET statement_timeout;'] : [])]));
  }
  return edits;
}

/** Insert whole lines after the line on which `offset` falls. */
function insertLinesAfter(text: string, offset: number, lines: readonly string[]): TextEdit {
  const eol = eolOf(text);
  const at = nextLineStart(text, offset);
  const needsBreak = at === text.length && !/[\r\n]$/.test(text);
  return { start: at, end: at, newText: (needsBreak ? eol : '') + lines.map((l) => l + eol).join('') };
}

/** Add preludes until no statement of `text` lacks one (bounded); for new migration files. */
export function withTimeoutPrelude(text: string, options: { path?: string; config: LockstepConfig; schema?: Catalog }): string {
  if (ruleSetting(options.config, LOCK_TIMEOUT_RULE) === 'off') return text;
  let current = text;
  for (let round = 0; round < 5; round++) {
    const result = lintText(current, options);
    const finding = result.findings.find((f) => f.ruleId === LOCK_TIMEOUT_RULE && f.statementIndex !== undefined);
    if (!finding) break;
    const edits = timeoutPrelude(current, result.document, result.document.statements[finding.statementIndex!], options.config);
    if (!edits) break;
    current = applyEdits(current, edits);
  }
  return current;
}
