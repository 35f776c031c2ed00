/**
 * Answering from the last completed lint while a newer one runs (or waits for its debounce): the
 * statement under the cursor is looked up in the last lint's model if its text is untouched by
 * the edits since — inside the unchanged start or the unchanged end of the document, the end
 * shifted by how much the text grew or shrank. A hover then costs a lookup, never a lint.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isHostResult } from '../frameworks/lint';
import { statementAt } from '../engine';
import type { LintedDocument } from './documentLinter';
import { sourceOf } from './pieceDocument';
import type { SourceText } from '../parse/pieceText';
import { editBetweenSources } from '../parse/textEdit';

export interface FromLastLint {
  linted: LintedDocument;
  /** The cursor as an offset in the last lint's text. */
  offset: number;
  /** Add to an offset in the last lint's text to get the offset in the current text. */
  delta: number;
}

/**
 * How much of the start and of the end two texts share (the end not overlapping the start): the edit
 * between them (textEdit.ts), which compares texts in pieces without building either whole.
 */
export function sharedEnds(before: SourceText, after: SourceText): { prefix: number; suffix: number } {
  const edit = editBetweenSources(before, after);
  return { prefix: edit.start, suffix: before.length - edit.oldEnd };
}

export class LastLintLookup {
  /** Per document: the shared ends of its current text and its last lint's text (several hovers per version). */
  private readonly ends = new Map<string, { version: number; linted: LintedDocument; prefix: number; suffix: number }>();

  find(doc: TextDocument, offset: number, last: LintedDocument | undefined): FromLastLint | undefined {
    if (!last?.result || isHostResult(last.result)) return undefined;
    // The text as linted (the document's `text` of pieces would be built whole: parse/pieceText.ts).
    const before = last.source ?? last.result.document.text;
    if (before === undefined) return undefined;
    const now = sourceOf(doc);
    let ends = this.ends.get(doc.uri);
    if (!ends || ends.version !== doc.version || ends.linted !== last) {
      const shared = sharedEnds(before, now);
      // An oversized document was linted as a prefix of its text: only that prefix lines up.
      ends = { version: doc.version, linted: last, prefix: shared.prefix, suffix: last.large ? 0 : shared.suffix };
      this.ends.set(doc.uri, ends);
    }
    const delta = now.length - before.length;
    const inEnd = offset >= before.length - ends.suffix + delta;
    const old = offset < ends.prefix ? offset : inEnd ? offset - delta : -1;
    if (old < 0) return undefined;
    const stmt = statementAt(last.result.document.statements, old);
    if (!stmt) return undefined;
    if (stmt.span.end <= ends.prefix) return { linted: last, offset: old, delta: 0 };
    if (stmt.span.start >= before.length - ends.suffix) return { linted: last, offset: old, delta };
    return undefined;
  }

  forget(uri: string): void {
    this.ends.delete(uri);
  }
}
