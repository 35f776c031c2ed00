/**
 * A hover for a document whose first lint has not finished (a big file just opened): instead of
 * waiting for that lint, find the statement at the cursor in a window of lines around it, parse
 * and lint that statement alone, and describe its locks. The answer knows nothing of the
 * statements before it (the schema they build, a BEGIN); the next hover, after the lint, does.
 *
 * The window runs from the line after the nearest earlier line ending in `;` to the first line
 * ending in `;` at or after the cursor, at most QUICK_WINDOW_CHARS each way, so the work is bounded
 * whatever the document's size (a window over twice that, one very long line, gets no hover). A
 * window that starts inside a function body makes the statement at the cursor fail to parse: that
 * is answered with no hover rather than a wrong one.
 */
import type { Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText, type LintResult } from '../engine';
import type { LockstepConfig } from '../config/types';
import { splitSql } from '../parse/split';
import { lockHover } from './hover';

/** How far from the cursor the window may reach, each way. */
export const QUICK_WINDOW_CHARS = 64 * 1024;

// lastIndexOf clamps a negative start to 0: at the first line it would find a newline at offset 0 and
// answer 1, and the walk back below would never get past it.
const lineStartOf = (text: string, pos: number) => (pos <= 0 ? 0 : text.lastIndexOf('\n', pos - 1) + 1);
const endsStatement = (text: string, lineStart: number, lineEnd: number) => /;\s*$/.test(text.slice(lineStart, lineEnd));

/** The lines around `offset` that hold its statement whole, when the statement is shorter than the limit. */
export function statementWindow(text: string, offset: number, limit = QUICK_WINDOW_CHARS): { start: number; end: number } {
  let start = lineStartOf(text, offset);
  while (start > 0 && offset - start <= limit) {
    const previous = lineStartOf(text, start - 1);
    if (endsStatement(text, previous, start - 1)) break;
    start = previous;
  }
  let end = offset;
  for (;;) {
    const newline = text.indexOf('\n', end);
    const lineEnd = newline < 0 ? text.length : newline;
    if (newline < 0 || endsStatement(text, lineStartOf(text, lineEnd), lineEnd) || lineEnd - offset > limit) {
      end = lineEnd;
      break;
    }
    end = newline + 1;
  }
  return { start, end };
}

/**
 * The last few statements linted alone. Hovers come in bursts on the statement under the mouse, and
 * one pathological statement (a few hundred nested subqueries) takes tens of milliseconds to lint:
 * a burst of three must not pay that three times in a row.
 */
export class QuickLints {
  /** Lints actually run (a cache hit runs none). */
  lints = 0;
  private readonly recent: { text: string; config: LockstepConfig; path: string | undefined; result: LintResult }[] = [];

  constructor(private readonly limit = 4) {}

  lint(text: string, config: LockstepConfig, path: string | undefined): LintResult {
    const hit = this.recent.find((e) => e.text === text && e.config === config && e.path === path);
    if (hit) return hit.result;
    this.lints++;
    const result = lintText(text, { path, config });
    this.recent.unshift({ text, config, path, result });
    if (this.recent.length > this.limit) this.recent.pop();
    return result;
  }
}

const serverQuickLints = new QuickLints();

/** The lock hover of the statement at `offset`, from that statement alone; null between statements or when it does not parse. */
export function quickHover(doc: TextDocument, offset: number, config: LockstepConfig, path: string | undefined, lints = serverQuickLints): Hover | null {
  const text = doc.getText();
  const window = statementWindow(text, offset);
  // One line longer than the limit (minified or binary junk): no statement we could lint in a few ms.
  if (window.end - window.start > 2 * QUICK_WINDOW_CHARS) return null;
  const local = offset - window.start;
  const chunk = splitSql(text.slice(window.start, window.end)).chunks.find((c) => c.kind === 'sql' && c.span.start <= local && local <= c.span.end);
  if (!chunk) return null;
  const result = lints.lint(chunk.text, config, path);
  if (result.document.syntaxErrors.length > 0) return null;
  const at = window.start + chunk.span.start;
  return lockHover(doc, result, offset - at, config, at);
}
