/**
 * An open document whose text is kept in pieces (parse/pieceText.ts), with its line offsets updated per
 * edit: an edit builds no whole-text string. It behaves as vscode-languageserver-textdocument's
 * TextDocument (the same positions, offsets and line counts; test/lsp/pieceDocument.test.ts checks
 * it against that on random edits), whose update concatenated the whole text and read it back, which
 * flattened a new ~790 KB string per keystroke in a 20,000-line file. `getText()` still returns the
 * whole text, built then; the linter reads `pieces` instead (documentLinter.ts).
 */
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentsConfiguration } from 'vscode-languageserver';
import { PieceText } from '../parse/pieceText';
import { lastAtOrBefore, pushLineStarts } from '../parse/positions';

const LF = 10;
const CR = 13;

export class PieceDocument implements TextDocument {
  private lineOffsets: number[] | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    /** The current text (a new snapshot after each edit; older ones stay as they were). */
    public pieces: PieceText,
  ) {}

  getText(range?: Range): string {
    if (range) {
      // As String's substring: reversed ends are swapped.
      const a = this.offsetAt(range.start);
      const b = this.offsetAt(range.end);
      return this.pieces.slice(Math.min(a, b), Math.max(a, b));
    }
    return this.pieces.whole();
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range !== undefined) this.replace(wellformed(change.range), change.text);
      else {
        this.pieces = PieceText.of(change.text);
        this.lineOffsets = undefined;
      }
    }
    this.version = version;
  }

  /** TextDocument.update's incremental step, reading the pieces instead of a concatenated string. */
  private replace(range: Range, text: string): void {
    const startOffset = this.offsetAt(range.start);
    const endOffset = this.offsetAt(range.end);
    this.pieces = this.pieces.replace(startOffset, endOffset, text);
    const content = this.pieces;
    const insertedEnd = startOffset + text.length;
    const crlfAtStart = content.charCodeAt(startOffset - 1) === CR && content.charCodeAt(startOffset) === LF;
    const crlfAtEnd = content.charCodeAt(insertedEnd - 1) === CR && content.charCodeAt(insertedEnd) === LF;
    if (crlfAtStart || crlfAtEnd) {
      // A CRLF pair across an edit boundary is not among the inserted text's line offsets.
      this.lineOffsets = undefined;
      return;
    }
    const startLine = Math.max(range.start.line, 0);
    const endLine = Math.max(range.end.line, 0);
    let lineOffsets = this.lineOffsets!;
    const added = pushLineStarts(text, [], startOffset);
    if (endLine - startLine === added.length) {
      for (let i = 0; i < added.length; i++) lineOffsets[i + startLine + 1] = added[i];
    } else if (added.length < 10_000) {
      lineOffsets.splice(startLine + 1, endLine - startLine, ...added);
    } else {
      this.lineOffsets = lineOffsets = lineOffsets.slice(0, startLine + 1).concat(added, lineOffsets.slice(endLine + 1));
    }
    const diff = text.length - (endOffset - startOffset);
    if (diff !== 0) for (let i = startLine + 1 + added.length; i < lineOffsets.length; i++) lineOffsets[i] += diff;
  }

  private getLineOffsets(): number[] {
    // Only after a full change or a CRLF pair cut by an edit: the whole text is read (built) then.
    this.lineOffsets ??= pushLineStarts(this.pieces.whole(), [0]);
    return this.lineOffsets;
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.pieces.length), 0);
    const lineOffsets = this.getLineOffsets();
    if (lineOffsets.length === 0) return { line: 0, character: offset };
    const line = lastAtOrBefore(lineOffsets, offset);
    // A line holds no CR or LF but its terminator, so only an offset just before its last character can
    // follow one (the CR of a CRLF): elsewhere the character before it need not be read.
    if (line + 1 < lineOffsets.length && offset === lineOffsets[line + 1] - 1) offset = this.ensureBeforeEOL(offset, lineOffsets[line]);
    return { line, character: offset - lineOffsets[line] };
  }

  offsetAt(position: Position): number {
    const lineOffsets = this.getLineOffsets();
    if (position.line >= lineOffsets.length) return this.pieces.length;
    if (position.line < 0) return 0;
    const lineOffset = lineOffsets[position.line];
    if (position.character <= 0) return lineOffset;
    const nextLineOffset = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this.pieces.length;
    const offset = Math.min(lineOffset + position.character, nextLineOffset);
    return this.ensureBeforeEOL(offset, lineOffset);
  }

  getLineRange(line: number): Range {
    const lineOffsets = this.getLineOffsets();
    if (line >= lineOffsets.length) {
      const lastLine = lineOffsets.length - 1;
      return { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: this.pieces.length - lineOffsets[lastLine] } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const startOffset = lineOffsets[line];
    const nextLineOffset = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this.pieces.length;
    const endOffset = this.ensureBeforeEOL(nextLineOffset, startOffset);
    return { start: { line, character: 0 }, end: { line, character: endOffset - startOffset } };
  }

  getEOLCharacters(line: number): string {
    const lineOffsets = this.getLineOffsets();
    if (line >= lineOffsets.length || line < 0) return '';
    const nextLineOffset = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this.pieces.length;
    const eolOffset = this.ensureBeforeEOL(nextLineOffset, lineOffsets[line]);
    return this.pieces.slice(eolOffset, nextLineOffset);
  }

  get lineCount(): number {
    return this.getLineOffsets().length;
  }

  private ensureBeforeEOL(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEOL(this.pieces.charCodeAt(offset - 1))) offset--;
    return offset;
  }
}

/** For `new TextDocuments(PIECE_DOCUMENTS)`: the server's open documents, kept in pieces. */
export const PIECE_DOCUMENTS: TextDocumentsConfiguration<PieceDocument> = {
  create: (uri, languageId, version, content) => new PieceDocument(uri, languageId, version, PieceText.of(content)),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};

/** The text the linter reads: the pieces of a PieceDocument, else the whole string. */
export function sourceOf(doc: TextDocument): PieceText | string {
  return doc instanceof PieceDocument ? doc.pieces : doc.getText();
}

function isEOL(char: number): boolean {
  return char === CR || char === LF;
}

function wellformed(range: Range): Range {
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return { start: end, end: start };
  return range;
}
