/**
 * Every fix is linted before it is offered: the finding it fixes must go away, and the result may
 * not gain findings of any other rule, except the two whose own safe fix follows up: a missing
 * lock_timeout (rewrites add statements that take locks; the prelude covers them) and a missing
 * IF [NOT] EXISTS (a rewrite in autocommit is several statements, so a rerun may meet a half-done one). New migration files are linted in
 * order after the edited file, each against the schema the ones before it leave.
 */
import { lintSteps, lintText, type LintResult } from '../engine';
import { runToEnd } from '../document/model';
import type { Finding } from '../findings';
import { LOCK_TIMEOUT_RULE } from './prelude';
import { applyEdits } from './textEdits';
import type { FixContext, TextEdit } from './types';
import type { ProjectFacts } from '../document/projectFacts';
import { lintWindow } from './window';

/** What verification linted since the process started (tests count statements, never time). */
export const verifyStats = { whole: 0, windowed: 0, statements: 0 };

/** Rules a fix may leave new findings of, because their own safe fix (applied by fix-all) clears them. */
export const FOLLOW_UPS: ReadonlySet<string> = new Set([LOCK_TIMEOUT_RULE, 'missing-if-exists']);

export interface VerifyFile {
  path: string;
  text: string;
  /** The runner runs it outside a transaction through metadata Lockstep cannot read (Flyway .conf, Diesel metadata.toml). */
  outside?: boolean;
}

export interface Verdict {
  ok: boolean;
  /** Why a fix was turned down, for tests and debugging. */
  reason?: string;
  /** The document after the edits. */
  text: string;
  after?: LintResult;
}

function countByRule(findings: readonly Finding[], into = new Map<string, number>()): Map<string, number> {
  for (const f of findings) into.set(f.ruleId, (into.get(f.ruleId) ?? 0) + 1);
  return into;
}

/** `facts`: what the edited file's surroundings will say once the fix's companion files exist (a Flyway .conf, …). */
export function verifyFix(ctx: FixContext, edits: readonly TextEdit[], files: readonly VerifyFile[] = [], facts?: ProjectFacts): Verdict {
  return runToEnd(verifyFixSteps(ctx, edits, files, facts));
}

/** `verifyFix` in steps: a whole-document lint pauses after each statement (the language server resolves fixes in slices). */
export function* verifyFixSteps(ctx: FixContext, edits: readonly TextEdit[], files: readonly VerifyFile[] = [], facts?: ProjectFacts): Generator<void, Verdict> {
  let text: string;
  try {
    text = applyEdits(ctx.text, edits);
  } catch {
    return { ok: false, text: ctx.text };
  }
  if (text === ctx.text && files.length === 0 && !facts) return { ok: false, text };
  let after: LintResult;
  let before: Map<string, number>;
  const counts = new Map<string, number>();
  try {
    // A long document is judged on the statements the edits touch (window.ts), not re-linted whole.
    const window = !facts ? lintWindow(ctx, edits, text) : undefined;
    let schema;
    if (window) {
      verifyStats.windowed++;
      verifyStats.statements += window.statements;
      before = countByRule(window.before.findings);
      countByRule(window.after.findings, counts);
      after = { document: window.document, findings: window.after.findings };
      schema = files.length ? window.catalogAfter() : undefined;
    } else {
      verifyStats.whole++;
      before = countByRule(ctx.result.findings);
      after = yield* lintSteps(text, { path: ctx.path, config: ctx.config, schema: ctx.schema, cache: ctx.cache, facts });
      verifyStats.statements += after.document.statements.length;
      countByRule(after.findings, counts);
      schema = after.document.catalog;
    }
    for (const file of files) {
      const config = file.outside ? { ...ctx.config, transaction: 'never' as const } : ctx.config;
      const linted = lintText(file.text, { path: file.path, config, schema });
      countByRule(linted.findings, counts);
      schema = linted.document.catalog;
    }
  } catch {
    return { ok: false, text };
  }
  const target = ctx.finding.ruleId;
  if ((counts.get(target) ?? 0) >= (before.get(target) ?? 0)) return reject(`${target} still reported`, text, after);
  for (const [rule, n] of counts) {
    if (rule !== target && !FOLLOW_UPS.has(rule) && n > (before.get(rule) ?? 0)) return reject(`adds ${rule}`, text, after);
  }
  return { ok: true, text, after };
}

function reject(reason: string, text: string, after: LintResult): Verdict {
  if (process.env.LOCKSTEP_DEBUG_FIXES) process.stderr.write(`fix rejected: ${reason}\n`);
  return { ok: false, reason, text, after };
}
