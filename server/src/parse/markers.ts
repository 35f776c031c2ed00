/**
 * Recognises goose and dbmate annotation lines. Both runners find these by reading lines, without lexing SQL,
 * so we do the same: a marker line is a marker even inside what would otherwise be an unterminated string.
 * Like both runners (goose: `strings.HasPrefix(line, "--")`, dbmate: `(?m)^--\s*migrate:up`), the `--` must
 * start the line: an indented `-- migrate:down` is an ordinary comment, and the runner would not split there.
 */
import type { TextSpan } from '../findings';

export type MarkerName = 'up' | 'down' | 'statement-begin' | 'statement-end' | 'no-transaction';

export interface RunnerMarker {
  runner: 'goose' | 'dbmate';
  name: MarkerName;
  options: Record<string, string>;
  span: TextSpan;
}

const GOOSE_LINE = /^--\s*\+goose\s+(.*?)\s*$/i;
const DBMATE_LINE = /^--\s*migrate:(up|down)(?=\s|$)(.*)$/i;
const DBMATE_OPTION = /([A-Za-z_][\w-]*):(\S+)/g;

const GOOSE_NAMES: Record<string, MarkerName> = {
  up: 'up',
  down: 'down',
  statementbegin: 'statement-begin',
  statementend: 'statement-end',
  'no transaction': 'no-transaction',
};

/**
 * The marker on the line `line` (without its terminator),
 * which starts at document offset `start`. `-- +goose ENVSUB ON|OFF` and unknown annotations are not markers.
 */
export function parseMarkerLine(line: string, start: number): RunnerMarker | undefined {
  const trimmed = line.replace(/\s+$/, '');
  const span = { start, end: start + trimmed.length };
  const goose = GOOSE_LINE.exec(trimmed);
  if (goose) {
    const name = GOOSE_NAMES[goose[1].toLowerCase().replace(/\s+/g, ' ')];
    return name ? { runner: 'goose', name, options: {}, span } : undefined;
  }
  const dbmate = DBMATE_LINE.exec(trimmed);
  if (dbmate) {
    const options: Record<string, string> = {};
    for (const match of dbmate[2].matchAll(DBMATE_OPTION)) options[match[1]] = match[2];
    return { runner: 'dbmate', name: dbmate[1].toLowerCase() as MarkerName, options, span };
  }
  return undefined;
}

/** A marker line together with where its line (including the terminator) ends. */
export interface MarkerLine {
  marker: RunnerMarker;
  /** Offset of the first character of the line. */
  lineStart: number;
  /** Offset just after the line terminator (or the text length). */
  lineEnd: number;
}

const DASH = 0x2d;
const CR = 0x0d;
const BYTE_ORDER_MARK = 0xfeff;

/** Every marker line in `text`, in order. Linear: only lines starting with `--` reach a regex. */
export function findMarkerLines(text: string): MarkerLine[] {
  const found: MarkerLine[] = [];
  let lineStart = text.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
  while (lineStart < text.length) {
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) newline = text.length;
    if (text.charCodeAt(lineStart) === DASH && text.charCodeAt(lineStart + 1) === DASH) {
      let contentEnd = newline;
      if (text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
      // Annotation lines are short; skip long comment lines cheaply.
      const marker = contentEnd - lineStart <= 200 ? parseMarkerLine(text.slice(lineStart, contentEnd), lineStart) : undefined;
      if (marker) found.push({ marker, lineStart, lineEnd: Math.min(newline + 1, text.length) });
    }
    lineStart = newline + 1;
  }
  return found;
}
