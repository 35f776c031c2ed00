/**
 * Where the statements of a rewrite go, for the file's runner. Candidates, in order of preference:
 *   1. in place (the statement runs outside any transaction, or every step can share it);
 *   2. in place, plus the runner's own opt-out (goose `-- +goose NO TRANSACTION`, dbmate
 *      `transaction:false`), only when nothing else in the file needs the transaction;
 *   3. after the COMMIT of an explicit BEGIN … COMMIT block;
 *   4. in new migration files after this one, named the runner's way.
 * Every candidate is linted before it is offered (verify.ts); the ones that pass become fixes.
 */
import type { RunnerId } from '../config/types';
import type { TextSpan } from '../findings';
import { transactionVerb, type MigrationDocument, type StatementInfo } from '../document/model';
import { RUNNERS } from '../document/runner';
import { readProjectFacts } from '../document/projectFacts';
import { companionOptOut, gooseStatement, HEADER_OPT_OUT, ONE_STATEMENT_OUTSIDE, packSteps, preludeFits, renderMigrations, type RenderedMigration } from './migrationFiles';
import { withTimeoutPrelude } from './prelude';
import { deleteRange, eolOf, indentLines, leadingIndent } from './textEdits';
import type { Fix, FixContext, Rewrite, Step, TextEdit } from './types';
import { runToEnd } from '../document/model';
import { verifyFixSteps, type VerifyFile } from './verify';

/** Steps as text for this document, each on its own line(s) at `indent`. */
function writeSteps(ctx: FixContext, list: readonly Step[], indent: string): string {
  const eol = eolOf(ctx.text);
  // goose splits at lines ending in `;`: a multi-line body (DO block) needs its StatementBegin/End fence.
  const fenced = (sql: string) => (ctx.result.document.runner === 'goose' ? gooseStatement(sql).join('\n') : sql);
  return list.map((s) => indentLines(fenced(s.sql), indent, eol)).join(eol + indent);
}

/** The rewrite's steps written in place of the statement, keeping its own text where a step is the statement. */
function inPlace(ctx: FixContext, stmt: StatementInfo, steps: readonly Step[]): TextEdit[] {
  const eol = eolOf(ctx.text);
  const indent = leadingIndent(ctx.text, stmt.span.start) ?? '';
  const join = (list: readonly Step[]) => writeSteps(ctx, list, indent);
  if (steps.length === 0) return [deleteRange(ctx.text, stmt.span.start, stmt.span.end)];
  const own = steps.findIndex((s) => s.edits);
  if (own < 0) return [{ start: stmt.span.start, end: stmt.span.end, newText: join(steps) }];
  const edits: TextEdit[] = [...steps[own].edits!];
  const before = steps.slice(0, own);
  const after = steps.slice(own + 1);
  if (before.length) edits.push({ start: stmt.span.start, end: stmt.span.start, newText: join(before) + eol + indent });
  if (after.length) edits.push({ start: stmt.span.end, end: stmt.span.end, newText: eol + indent + join(after) });
  return mergeSameOffset(edits);
}

/** Two inserts at the statement's start (a step before it, and an edit of its first token) become one, in order. */
function mergeSameOffset(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.start === e.start && last.end === last.start) out[out.length - 1] = { start: e.start, end: e.end, newText: last.newText + e.newText };
    else out.push(e);
  }
  return out;
}

/** Index of the first step that cannot share the statement's transaction (or must wait for a later migration). */
function firstMovedStep(steps: readonly Step[]): number {
  const i = steps.findIndex((s) => s.tx !== 'same' || s.deferred);
  return i < 0 ? steps.length : i;
}

/** Runners whose opt-out is an option on a section's marker line: dbmate `transaction:false`, Liquibase `runInTransaction:false`. */
const SECTION_OPT_OUT: Partial<Record<RunnerId, { opens: readonly string[]; option: string }>> = {
  dbmate: { opens: ['up', 'down'], option: 'transaction' },
  liquibase: { opens: ['changeset'], option: 'runInTransaction' },
};

/** `<option>:false` on the marker line at `span`: replacing the option's value, or appended. */
function setMarkerOption(text: string, span: TextSpan, option: string): TextEdit {
  const found = new RegExp(`\\b${option}:\\S+`, 'i').exec(text.slice(span.start, span.end));
  const value = `${option}:false`;
  return found
    ? { start: span.start + found.index, end: span.start + found.index + found[0].length, newText: value }
    : { start: span.end, end: span.end, newText: ` ${value}` };
}

/** The edit that opts the statement's section out of the runner's transaction, if the runner has one, and its words. */
function optOutEdit(ctx: FixContext, stmt: StatementInfo): { edit: TextEdit; how: string } | undefined {
  const doc = ctx.result.document;
  const header = HEADER_OPT_OUT[doc.runner];
  // A committed graphile-migrate migration carries a hash of its body: only current.sql may change.
  if (doc.runner === 'graphile-migrate' && /[\\/]committed[\\/]/.test(ctx.path ?? '')) return undefined;
  if (header) {
    // A whole-file opt-out: goose wants it before `-- +goose Up`, sqlx and graphile-migrate on the first line,
    // Atlas in the header: the top of the file serves them all.
    const bom = ctx.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const eol = eolOf(ctx.text);
    return { edit: { start: bom, end: bom, newText: header.replace(/\n/g, eol) + eol }, how: header.trim() };
  }
  // Section opt-outs: an option on the marker line that opens the statement's section or changeset.
  const section = SECTION_OPT_OUT[doc.runner];
  if (section) {
    const marker = doc.markers.filter((m) => m.runner === doc.runner && section.opens.includes(m.name) && m.span.start < stmt.span.start).pop();
    return marker ? { edit: setMarkerOption(ctx.text, marker.span, section.option), how: `${section.option}:false` } : undefined;
  }
  return undefined;
}

/**
 * After opting out, every section the opt-out covers must be safe without a transaction: a single
 * statement, or only statements that cannot run in one anyway (and session SETs). Otherwise a failure
 * halfway would leave the migration half-applied.
 */
function sectionsSafeWithoutTransaction(doc: MigrationDocument, stmt: StatementInfo): boolean {
  // A header opt-out covers the whole file; dbmate's and Liquibase's cover one section or changeset.
  if (HEADER_OPT_OUT[doc.runner] && doc.runner !== 'goose') {
    const all = doc.statements;
    if (ONE_STATEMENT_OUTSIDE.has(doc.runner)) return all.length <= 1;
    const own = all.filter((s) => s.kind !== 'VariableSetStmt');
    return own.length <= 1 || own.every((s) => !s.locks.transactional);
  }
  if (doc.runner === 'liquibase') {
    // runInTransaction:false covers one changeset, and (splitStatements on) its statements run one by one.
    const starts = doc.markers.filter((m) => m.name === 'changeset').map((m) => m.span.start);
    const from = Math.max(-1, ...starts.filter((s) => s < stmt.span.start));
    const to = Math.min(Infinity, ...starts.filter((s) => s > stmt.span.start));
    const own = doc.statements.filter((s) => s.span.start > from && s.span.start < to && s.kind !== 'VariableSetStmt');
    return own.length <= 1 || own.every((s) => !s.locks.transactional);
  }
  const sections = doc.runner === 'goose' ? [...new Set(doc.statements.map((s) => s.section))] : [stmt.section];
  return sections.every((section) => {
    const all = doc.statements.filter((s) => s.section === section);
    // dbmate sends the section as one query string: two statements would share an implicit transaction.
    if (ONE_STATEMENT_OUTSIDE.has(doc.runner)) return all.length <= 1;
    const own = all.filter((s) => s.kind !== 'VariableSetStmt');
    return own.length <= 1 || own.every((s) => !s.locks.transactional);
  });
}

/**
 * The opt-out cannot pass `sectionsSafeWithoutTransaction` whatever the edits do: the statements
 * they leave untouched already fail it (two or more, one of them transactional). Their kind and
 * `locks.transactional` come from their own text (and the PostgreSQL version), and the check only
 * fails more with more statements, so this holds for the edited document too. Decided before any
 * lint: on a long Flyway file the opt-out would otherwise cost a whole-document verification.
 */
function optOutRuledOut(doc: MigrationDocument, stmt: StatementInfo, edits: readonly TextEdit[]): boolean {
  const untouched = doc.statements.filter((s) => edits.every((e) => s.span.end < e.start || s.span.start > e.end));
  return !sectionsSafeWithoutTransaction({ ...doc, statements: untouched }, stmt);
}

/**
 * Written in place, step k is statement `first + k` of the new document: each must get the
 * transaction it asked for (outside any, or a later one than the step before).
 */
function transactionsRespected(doc: MigrationDocument, first: number, steps: readonly Step[]): boolean {
  return steps.every((step, k) => {
    const s = doc.statements[first + k];
    if (!s) return false;
    if (step.tx === 'outside') return !s.inTransaction;
    if (step.tx === 'separate' && k > 0) return s.transactionId < 0 || s.transactionId !== doc.statements[first + k - 1]?.transactionId;
    return true;
  });
}

/** The placements of `rewrite` that verify, most preferred first. */
export function placeRewrite(ctx: FixContext, rewrite: Rewrite): Fix[] {
  return runToEnd(placeRewriteSteps(ctx, rewrite));
}

/** `placeRewrite` in steps (each verification's lint pauses after every statement). */
export function* placeRewriteSteps(ctx: FixContext, rewrite: Rewrite): Generator<void, Fix[]> {
  const stmt = ctx.stmt;
  if (!stmt || rewrite.steps.length === 0) return [];
  const doc = ctx.result.document;
  const fixes: Fix[] = [];
  function* offer(moved: number, title: string, edits: TextEdit[], files: RenderedMigration[] = [], safe = false, extraCheck?: (after: MigrationDocument) => boolean): Generator<void, void> {
    const verifyFiles: VerifyFile[] = files.map((m) => ({ path: m.upPath, text: m.files.find((f) => f.path === m.upPath)!.text, outside: m.outsideByMetadata }));
    const verdict = yield* verifyFixSteps(ctx, edits, verifyFiles);
    if (!verdict.ok || !verdict.after || (extraCheck && !extraCheck(verdict.after.document))) return;
    fixes.push({ title, ruleId: ctx.finding.ruleId, edits, files: files.flatMap((m) => m.files), safe, moved });
  }

  const steps = rewrite.steps;
  const moved = firstMovedStep(steps);
  const deferred = steps.some((s) => s.deferred);
  const all = inPlace(ctx, stmt, steps);
  // 1. In place.
  if (!deferred) yield* offer(0, rewrite.title, all, [], rewrite.safe, (after) => transactionsRespected(after, stmt.index, steps));
  if (fixes.length) return fixes;

  // 2. In place, with the runner's opt-out from its transaction.
  const optOutPossible = stmt.transaction === 'runner' && !deferred && !optOutRuledOut(doc, stmt, all);
  if (optOutPossible) {
    const optOut = optOutEdit(ctx, stmt);
    if (optOut) {
      yield* offer(1, `${rewrite.title} (and mark the migration ${optOut.how})`, [...all, optOut.edit], [], rewrite.safe, (after) =>
        transactionsRespected(after, stmt.index, steps) && sectionsSafeWithoutTransaction(after, stmt));
    }
  }

  // 2b. In place, with the opt-out file the runner reads next to the migration (Flyway .sql.conf, Diesel metadata.toml).
  const companion = optOutPossible && !fixes.length ? companionOptOut(doc.runner, ctx.path) : undefined;
  if (companion) {
    const facts = { ...readProjectFacts(ctx.path), ...companion.facts };
    const verdict = yield* verifyFixSteps(ctx, all, [], facts);
    if (verdict.ok && verdict.after && transactionsRespected(verdict.after.document, stmt.index, steps) && sectionsSafeWithoutTransaction(verdict.after.document, stmt)) {
      const name = companion.file.path.replace(/\\/g, '/').split('/').pop();
      fixes.push({ title: `${rewrite.title} (and add ${name}: ${companion.file.text.trim()})`, ruleId: ctx.finding.ruleId, edits: all, files: [companion.file], safe: false, moved: 1 });
    }
  }

  // 3. Explicit BEGIN … COMMIT: the steps that cannot share the transaction go after its COMMIT.
  if (stmt.transaction === 'explicit' && !deferred) {
    const end = doc.statements.find((s) => s.index > stmt.index && s.transactionId === stmt.transactionId && transactionVerb(s.ast) === 'end');
    if (end) {
      const eol = eolOf(ctx.text);
      const indent = leadingIndent(ctx.text, end.span.start) ?? '';
      const after = writeSteps(ctx, steps.slice(moved), indent);
      yield* offer(2, `${rewrite.title}, after the COMMIT`, [
        ...inPlace(ctx, stmt, steps.slice(0, moved)),
        { start: end.span.end, end: end.span.end, newText: eol + indent + after },
      ], [], rewrite.safe);
    }
  }

  // 4. New migration files after this one: when the runner's transaction is in the way, when a step must wait,
  // or when in place would make a one-query file (golang-migrate, dbmate, Diesel) several statements, one implicit transaction.
  const oneQuery = ONE_STATEMENT_OUTSIDE.has(doc.runner) && moved < steps.length;
  if (ctx.folder && ((stmt.inTransaction && stmt.transaction === 'runner') || deferred || oneQuery)) {
    const packed = packSteps(doc.runner, steps.slice(moved), ctx.config.pgVersion);
    const rendered = renderMigrations(doc.runner, ctx.path, ctx.folder, packed, packed.map((p) => p.steps[0].slug), ctx.config);
    if (rendered) {
      const withPrelude = rendered.map((m, i) => (preludeFits(doc.runner, packed[i]) ? addPrelude(ctx, m) : m));
      const count = withPrelude.length === 1 ? 'a new migration' : `${withPrelude.length} new migrations`;
      // Safe (same end state once the new migrations ran) only when the runner's transaction forced the move, not a wait.
      yield* offer(3, `${rewrite.title}, in ${count} (${RUNNERS[doc.runner].label})`, inPlace(ctx, stmt, steps.slice(0, moved)), withPrelude, rewrite.safe && !deferred);
    }
  }
  return fixes;
}

/** New transactional migrations get the timeout prelude their statements need. */
function addPrelude(ctx: FixContext, m: RenderedMigration): RenderedMigration {
  return {
    ...m,
    files: m.files.map((f) => (f.path === m.upPath ? { ...f, text: withTimeoutPrelude(f.text, { path: f.path, config: ctx.config }) } : f)),
  };
}
