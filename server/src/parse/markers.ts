/**
 * Recognises runner annotation lines: goose and dbmate sections, and the per-file transaction opt-outs of
 * postgres-migrations, graphile-migrate, Atlas, sqlx and Liquibase formatted SQL (with its changesets).
 * Goose and dbmate markers split the file into sections; the others only describe it.
 *
 * Goose and dbmate annotation lines. Both runners find these by reading lines, without lexing SQL,
 * so we do the same: a marker line is a marker even inside what would otherwise be an unterminated string.
 * Like both runners (goose: `strings.HasPrefix(line, "--")`, dbmate: `(?m)^--\s*migrate:up`), the `--` must
 * start the line: an indented `-- migrate:down` is an ordinary comment, and the runner would not split there.
 */
import type { TextSpan } from '../findings';

export type MarkerName =
  | 'up'
  | 'down'
  | 'statement-begin'
  | 'statement-end'
  | 'no-transaction'
  /** graphile-migrate's `--! Previous:` / `--! Hash:` / `--! Message:` header lines. */
  | 'header'
  /** Atlas `-- atlas:txmode <mode>` (options.mode). */
  | 'txmode'
  /** Liquibase `--liquibase formatted sql`. */
  | 'formatted-sql'
  /** Liquibase `--changeset author:id attr:value …` (options hold the attributes). */
  | 'changeset'
  /** Drizzle Kit's `--> statement-breakpoint`. */
  | 'breakpoint';

export type MarkerRunner = 'goose' | 'dbmate' | 'drizzle' | 'postgres-migrations' | 'graphile-migrate' | 'atlas' | 'liquibase' | 'sqlx';

export interface RunnerMarker {
  runner: MarkerRunner;
  name: MarkerName;
  options: Record<string, string>;
  span: TextSpan;
}

const GOOSE_LINE = /^--\s*\+goose\s+(.*?)\s*$/i;
const DBMATE_LINE = /^--\s*migrate:(up|down)(?=\s|$)(.*)$/i;
const DBMATE_OPTION = /([A-Za-z_][\w-]*):(\S+)/g;
// postgres-migrations looks for this exact text anywhere in the file (`sql.includes(…)`); we take it on a comment line.
const POSTGRES_MIGRATIONS_LINE = /^--\s*postgres-migrations\s+disable-transaction\b/;
const GRAPHILE_LINE = /^--!\s*(no-transaction|Previous:|Hash:|Message:|AllowInvalidHash)/i;
const ATLAS_LINE = /^--\s*atlas:txmode\s+(\S+)/i;
const LIQUIBASE_FORMATTED = /^--\s*liquibase\s+formatted\s+sql\b/i;
const LIQUIBASE_CHANGESET = /^--\s*changeset\s+(\S+)(.*)$/i;
const LIQUIBASE_OPTION = /([A-Za-z][\w-]*):("[^"]*"|\S+)/g;
// sqlx: `migration.sql.starts_with("-- no-transaction")`, so only the very first line counts.
const SQLX_LINE = /^-- no-transaction\b/;

/** Markers that end the statement before them and start a new section (the others only describe the file). */
export function splitsSections(marker: RunnerMarker): boolean {
  return marker.runner === 'goose' || marker.runner === 'dbmate' || marker.name === 'changeset';
}

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
  // trimEnd strips exactly what \s matches (WhiteSpace and LineTerminator), without a regex's retries at each blank.
  const trimmed = line.trimEnd();
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
  return parseOtherMarker(trimmed, start, span);
}

function parseOtherMarker(trimmed: string, start: number, span: TextSpan): RunnerMarker | undefined {
  if (/^-->\s*statement-breakpoint\b/.test(trimmed)) return { runner: 'drizzle', name: 'breakpoint', options: {}, span };
  if (POSTGRES_MIGRATIONS_LINE.test(trimmed)) return { runner: 'postgres-migrations', name: 'no-transaction', options: {}, span };
  const graphile = GRAPHILE_LINE.exec(trimmed);
  if (graphile) return { runner: 'graphile-migrate', name: graphile[1].toLowerCase() === 'no-transaction' ? 'no-transaction' : 'header', options: {}, span };
  const atlas = ATLAS_LINE.exec(trimmed);
  if (atlas) return { runner: 'atlas', name: 'txmode', options: { mode: atlas[1].toLowerCase() }, span };
  if (LIQUIBASE_FORMATTED.test(trimmed)) return { runner: 'liquibase', name: 'formatted-sql', options: {}, span };
  const changeset = LIQUIBASE_CHANGESET.exec(trimmed);
  if (changeset) {
    const options: Record<string, string> = { id: changeset[1] };
    for (const match of changeset[2].matchAll(LIQUIBASE_OPTION)) options[match[1]] = match[2].replace(/^"|"$/g, '');
    return { runner: 'liquibase', name: 'changeset', options, span };
  }
  if (start === 0 && SQLX_LINE.test(trimmed)) return { runner: 'sqlx', name: 'no-transaction', options: {}, span };
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
  const firstLine = lineStart;
  while (lineStart < text.length) {
    let newline = text.indexOf('\n', lineStart);
    if (newline < 0) newline = text.length;
    if (text.charCodeAt(lineStart) === DASH && text.charCodeAt(lineStart + 1) === DASH) {
      let contentEnd = newline;
      if (text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
      // Annotation lines are short; skip long comment lines cheaply.
      // sqlx only reads the very first line: parse it as if at offset 0, then put the span back.
      const at = lineStart === firstLine ? 0 : lineStart;
      const parsed = contentEnd - lineStart <= 200 ? parseMarkerLine(text.slice(lineStart, contentEnd), at) : undefined;
      const marker = parsed && at !== lineStart ? { ...parsed, span: { start: lineStart, end: lineStart + (parsed.span.end - parsed.span.start) } } : parsed;
      if (marker) found.push({ marker, lineStart, lineEnd: Math.min(newline + 1, text.length) });
    }
    lineStart = newline + 1;
  }
  return found;
}
