/**
 * Verifying a fix on a long document without re-linting all of it: the statements the edits touch
 * (and the finding's own), two on each side, and the whole BEGIN … COMMIT block they sit in, are
 * linted before and after the edits, each time from the schema, lock_timeout and search_path the
 * earlier statements leave (the schema replayed from their parse trees, no rules run). The fix is
 * judged on those two windows (verify.ts): the rest of the document is the same text in the same
 * state, so its findings cannot change.
 *
 * That holds only when the edits leave what follows as it was, so the window is checked: the
 * window before the edits must lint its statements in the same transaction state as the whole
 * document did, and after the window (a sentinel statement) the transaction state, the settings
 * and the schema must be the same with and without the edits. Anything else (runner markers,
 * templates, syntax errors, a window over half the document, a check that fails) is verified by
 * linting the whole text, as before.
 */
import { Catalog } from '../catalog/catalog';
import { firstEndingAtOrAfter, lintText, type LintResult } from '../engine';
import type { MigrationDocument, StatementInfo } from '../document/model';
import { ownFields } from '../document/movedStatement';
import type { FixContext, TextEdit } from './types';

/** Documents with fewer statements are re-linted whole: cheap, and nothing to reconcile. */
export const WINDOW_MIN_STATEMENTS = 200;
/** Statements of context on each side of the edited ones (rules that look at neighbours). */
const CONTEXT = 2;
/** Shifts the window's transaction ids clear of the document's when the two are spliced together. */
const WINDOW_TRANSACTION_IDS = 1_000_000;
const SENTINEL = '\nSELECT 1;\n';

export interface WindowedLint {
  /** The window before the edits, and after them. */
  before: LintResult;
  after: LintResult;
  /** The document after the edits: the window's statements spliced between the untouched ones (placement checks read it). */
  document: MigrationDocument;
  /** How many statements the two lints analysed (tests count them). */
  statements: number;
  /** The schema after the whole edited document: the window's, then the untouched statements after it replayed. */
  catalogAfter(): Catalog;
}

/** The two windows' lints, or undefined when the document must be linted whole. */
export function lintWindow(ctx: FixContext, edits: readonly TextEdit[], newText: string): WindowedLint | undefined {
  const doc = ctx.result.document;
  const stmts = doc.statements;
  const n = stmts.length;
  if (n < WINDOW_MIN_STATEMENTS || edits.length === 0) return undefined;
  if (doc.markers.length || doc.host || doc.syntaxErrors.length || doc.notAnalysed.length || doc.metaCommands.length) return undefined;
  if (Object.keys(ctx.config.placeholders ?? {}).length) return undefined;

  const lo = Math.min(ctx.finding.span.start, ...edits.map((e) => e.start));
  const hi = Math.max(ctx.finding.span.end, ...edits.map((e) => e.end));
  let a = firstEndingAtOrAfter(stmts, lo);
  let b = Math.max(a, firstEndingAtOrAfter(stmts, hi));
  a = Math.max(0, Math.min(a, n - 1) - CONTEXT);
  b = Math.min(n - 1, b + CONTEXT);
  // A BEGIN … COMMIT block is linted whole: its statements' transaction state comes from its ends.
  while (a > 0 && stmts[a].transaction === 'explicit' && stmts[a - 1].transactionId === stmts[a].transactionId) a--;
  while (b < n - 1 && stmts[b].transaction === 'explicit' && stmts[b + 1].transactionId === stmts[b].transactionId) b++;
  if ((b - a + 1) * 2 > n) return undefined;
  const start = a > 0 ? stmts[a - 1].span.end : 0;
  const end = b < n - 1 ? stmts[b + 1].span.start : ctx.text.length;
  if (lo < start || hi > end) return undefined;
  const delta = newText.length - ctx.text.length;

  const schema = ctx.schema?.clone() ?? new Catalog();
  for (let i = 0; i < a; i++) schema.apply(stmts[i].ast);
  const first = stmts[a];
  const prefix =
    (first.lockTimeoutMs > 0 ? `SET lock_timeout = '${first.lockTimeoutMs}ms';\n` : '') +
    (first.searchSchema !== 'public' ? `SET search_path = "${first.searchSchema.replace(/"/g, '""')}";\n` : '');
  const prefixStatements = (first.lockTimeoutMs > 0 ? 1 : 0) + (first.searchSchema !== 'public' ? 1 : 0);
  const lint = (text: string) => lintText(prefix + text + SENTINEL, { path: ctx.path, config: ctx.config, schema });
  const before = lint(ctx.text.slice(start, end));
  const after = lint(newText.slice(start, end + delta));

  // The window before the edits must see its statements as the whole document did.
  const own = before.document.statements.slice(prefixStatements, -1);
  if (own.length !== b - a + 1) return undefined;
  if (own.some((s, k) => !sameState(s, stmts[a + k]))) return undefined;
  // And after the window, nothing may differ: the rest of the document runs in the same state.
  const sentinelBefore = before.document.statements.at(-1);
  const sentinelAfter = after.document.statements.at(-1);
  if (!sentinelBefore || !sentinelAfter || !sameState(sentinelBefore, sentinelAfter) || sentinelBefore.searchSchema !== sentinelAfter.searchSchema) return undefined;
  if (catalogDigest(before.document.catalog) !== catalogDigest(after.document.catalog)) return undefined;

  const shift = start - prefix.length;
  const edited = after.document.statements.slice(prefixStatements, -1).map((s, k) => ({
    ...s,
    index: a + k,
    span: { start: s.span.start + shift, end: s.span.end + shift },
    transactionId: s.transactionId < 0 ? s.transactionId : s.transactionId + WINDOW_TRANSACTION_IDS,
  }));
  const rest = stmts.slice(b + 1).map((s, k) => ({ ...ownFields(s), index: a + edited.length + k, span: { start: s.span.start + delta, end: s.span.end + delta } }));
  const document: MigrationDocument = { ...doc, text: newText, statements: [...stmts.slice(0, a), ...edited, ...rest] };
  const catalogAfter = () => {
    const catalog = after.document.catalog.clone();
    for (let i = b + 1; i < n; i++) catalog.apply(stmts[i].ast);
    return catalog;
  };
  return { before, after, document, statements: before.document.statements.length + after.document.statements.length, catalogAfter };
}


function sameState(x: StatementInfo, y: StatementInfo): boolean {
  return x.inTransaction === y.inTransaction && x.transaction === y.transaction && x.implicitTransaction === y.implicitTransaction && x.lockTimeoutMs === y.lockTimeoutMs;
}

/** The schema as text, to tell whether two catalogs hold the same (maps and sets as their entries). */
export function catalogDigest(catalog: Catalog): string {
  return JSON.stringify(catalog, (_key, value) => (value instanceof Map ? [...value] : value instanceof Set ? [...value] : value instanceof WeakSet ? undefined : value));
}
