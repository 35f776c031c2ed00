/** Hover content: the lock impact of the statement under the cursor. */
import type { Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt, type LintResult } from '../engine';
import type { LockstepConfig } from '../config/types';
import type { TextSpan } from '../findings';
import { spanToRange } from './diagnostics';
import { isHostResult } from '../frameworks/lint';
import { hostHoverAt } from '../frameworks/hover';

/** `offset` is in `result`'s text; `delta` maps its offsets to `doc`'s (a lint of an earlier text, see lastLint.ts). */
export function lockHover(doc: TextDocument, result: LintResult, offset: number, config: LockstepConfig, delta = 0): Hover | null {
  if (isHostResult(result)) {
    const found = hostHoverAt(result, offset, config);
    return found ? { contents: { kind: 'markdown', value: found.markdown }, range: spanToRange(doc, found.span.start + delta, found.span.end + delta) } : null;
  }
  const markdown = hoverAt(result, offset, config);
  if (!markdown) return null;
  const hover: Hover = { contents: { kind: 'markdown', value: markdown } };
  const span = statementSpanAt(result, offset);
  if (span) hover.range = spanToRange(doc, span.start + delta, span.end + delta);
  return hover;
}

/** Span of the statement containing `offset` (its `;` included). Statements are in document order. */
function statementSpanAt(result: LintResult, offset: number): TextSpan | undefined {
  const statements = result.document?.statements ?? [];
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const { span } = statements[mid];
    if (offset < span.start) high = mid - 1;
    else if (offset > span.end) low = mid + 1;
    else return span;
  }
  return undefined;
}
