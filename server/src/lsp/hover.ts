/** Hover content: the lock impact of the statement under the cursor. */
import type { Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { impactOf, statementAt, type LintResult } from '../engine';
import { renderHover } from '../hover';
import type { LockstepConfig } from '../config/types';
import { spanToRange } from './diagnostics';
import { isHostResult } from '../frameworks/lint';
import { hostHoverAt } from '../frameworks/hover';

/** `offset` is in `result`'s text; `delta` maps its offsets to `doc`'s (a lint of an earlier text, see lastLint.ts). */
export function lockHover(doc: TextDocument, result: LintResult, offset: number, config: LockstepConfig, delta = 0): Hover | null {
  if (isHostResult(result)) {
    const found = hostHoverAt(result, offset, config);
    return found ? { contents: { kind: 'markdown', value: found.markdown }, range: spanToRange(doc, found.span.start + delta, found.span.end + delta) } : null;
  }
  // One binary search for the statement (engine.ts statementAt), its hover rendered once.
  const stmt = statementAt(result.document.statements, offset);
  if (!stmt) return null;
  const markdown = renderHover(impactOf(stmt), result.document, config);
  return { contents: { kind: 'markdown', value: markdown }, range: spanToRange(doc, stmt.span.start + delta, stmt.span.end + delta) };
}
