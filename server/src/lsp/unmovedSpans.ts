/**
 * Which finding spans an edit cannot have moved but by whole lines: DiagnosticReuse (diagnostics.ts)
 * takes their ranges from the last publish instead of computing each one again (two binary searches
 * over a 20,000-line file's line starts per finding, ~800 findings per keystroke).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editBetweenSources, type Edit } from '../parse/textEdit';
import type { SourceText } from '../parse/pieceText';
import { sourceOf } from './pieceDocument';

/** A document's text at a publish, to find the next one's edit against. */
export interface Snapshot {
  source: SourceText;
  lineCount: number;
}

export function snapshotOf(doc: TextDocument): Snapshot {
  return { source: sourceOf(doc), lineCount: doc.lineCount };
}

/**
 * The one edit from `before` to `doc` and where it leaves positions alone: a span ending before
 * `prefixEnd` has the same range as before; one from `suffixStart` on (new offsets) has the range it
 * had `delta` characters earlier, `lineDelta` lines later, same characters.
 */
export interface UnmovedSpans {
  edit: Edit;
  /** Spans [from, to) with to < prefixEnd: the edit starts a character or more after them (a CR's LF may hang on it). */
  prefixEnd: number;
  /** The first line start after the line the edit ends on (Infinity if none): from there on, the text and its line breaks are the old ones. */
  suffixStart: number;
  /** New text length: spans reaching past it are clamped, not shifted. */
  length: number;
  delta: number;
  lineDelta: number;
}

export function unmovedSpans(before: Snapshot, after: Snapshot, doc: TextDocument): UnmovedSpans {
  const edit = editBetweenSources(before.source, after.source);
  const endLine = doc.positionAt(edit.newEnd).line;
  return {
    edit,
    prefixEnd: edit.start - 1,
    suffixStart: endLine + 1 < after.lineCount ? doc.offsetAt({ line: endLine + 1, character: 0 }) : Infinity,
    length: after.source.length,
    delta: edit.delta,
    lineDelta: after.lineCount - before.lineCount,
  };
}
