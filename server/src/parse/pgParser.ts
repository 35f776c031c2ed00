/**
 * Thin, never-throwing wrapper around libpg-query (the real PostgreSQL parser compiled to WASM).
 * Its offsets come in two foreign units: AST locations are UTF-8 bytes, error cursors are code points.
 * Everything leaving this module is a UTF-16 document offset.
 */
import { hasSqlDetails, loadModule, parseSync, type Node, type RawStmt, type SqlError } from 'libpg-query';
import type { TextSpan } from '../findings';
import { codePointToUtf16, Utf8OffsetMap } from './positions';
import { lineEnd, skipTrivia, SqlScanner } from './lexer';
import type { Chunk } from './split';

let loading: Promise<void> | undefined;

/** Loads the WASM module once; concurrent callers share one promise, and a failed load can be retried. */
export async function loadParser(): Promise<void> {
  loading ??= loadModule().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  await loading;
}

/** Calls into the parser so far: tests count them (one per file when the whole file parses). */
export const parserCalls = { count: 0 };

export interface ParsedStatement {
  /** RawStmt.stmt, e.g. `{ AlterTableStmt: {...} }`. */
  ast: Node;
  /** The single key of `ast`, e.g. `AlterTableStmt`. */
  kind: string;
  /** Document UTF-16 offsets, without surrounding whitespace and comments, including the `;`. */
  span: TextSpan;
  text: string;
  /** Maps an AST `location` (UTF-8 byte offset relative to the chunk text) to a document UTF-16 offset. */
  toDocOffset(byteLocation: number): number;
}

export type ParseOutcome =
  | { ok: true; statements: ParsedStatement[] }
  | { ok: false; error: { message: string; span: TextSpan } };

export function parseChunk(chunk: Chunk): ParseOutcome {
  try {
    return parseSqlChunk(chunk);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { message: `Could not parse this statement: ${reason}`, span: { ...chunk.span } } };
  }
}

function parseSqlChunk(chunk: Chunk): ParseOutcome {
  if (chunk.kind !== 'sql') return { ok: true, statements: [] };
  // Lone surrogates would reach the parser as invalid UTF-8; U+FFFD keeps every UTF-16 offset unchanged.
  const text = replaceLoneSurrogates(chunk.text);
  const base = chunk.span.start;
  // parseSync('') throws. PostgreSQL's whitespace is ASCII only (U+00A0 is an identifier character).
  if (/^[ \t\n\r\f\v;]*$/.test(text)) return { ok: true, statements: [] };
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    // The parser is C and would silently stop reading at the NUL.
    return { ok: false, error: { message: 'NUL character (0x00) is not allowed in SQL', span: { start: base + nul, end: base + nul + 1 } } };
  }
  let rawStatements: RawStmt[];
  try {
    parserCalls.count++;
    rawStatements = parseSync(text).stmts ?? [];
  } catch (error) {
    if (!hasSqlDetails(error)) throw error;
    return { ok: false, error: syntaxError(text, base, error) };
  }
  const offsets = new Utf8OffsetMap(text);
  const scanner = new SqlScanner(text);
  const statements: ParsedStatement[] = [];
  for (const raw of rawStatements) {
    if (raw.stmt) statements.push(toParsedStatement(raw, raw.stmt, scanner, base, offsets));
  }
  return { ok: true, statements };
}

/**
 * Every chunk's outcome from ONE parser call, exactly as `parseChunk` gives it chunk by chunk: the
 * chunks' text at their own offsets, everything between them (comments, psql meta-commands, COPY
 * data) blanked. One call instead of one per statement saves the parser's per-call cost and a
 * position map per statement. Returns undefined when the text does not parse as a whole, or its
 * statements do not line up with the chunks (a statement across two chunks): the caller then parses
 * chunk by chunk, which also finds each error. Only `sql` chunks are parsed; pass them in order.
 */
export function parseChunksTogether(chunks: readonly Chunk[]): Map<Chunk, ParseOutcome> | undefined {
  try {
    return parseTogether(chunks);
  } catch {
    return undefined;
  }
}

function parseTogether(chunks: readonly Chunk[]): Map<Chunk, ParseOutcome> | undefined {
  const outcomes = new Map<Chunk, ParseOutcome>();
  const parts: string[] = [];
  let at = 0;
  for (const chunk of chunks) {
    const { start, end } = chunk.span;
    if (chunk.kind !== 'sql' || start < at || end - start !== chunk.text.length) return undefined;
    parts.push(' '.repeat(start - at), chunk.text);
    at = end;
    outcomes.set(chunk, { ok: true, statements: [] });
  }
  // Same preparation as parseSqlChunk; a NUL is an error only chunk-by-chunk parsing places.
  const text = replaceLoneSurrogates(parts.join(''));
  if (/^[ \t\n\r\f\v;]*$/.test(text)) return outcomes;
  if (text.includes('\0')) return undefined;
  let rawStatements: RawStmt[];
  try {
    parserCalls.count++;
    rawStatements = parseSync(text).stmts ?? [];
  } catch {
    return undefined;
  }
  const offsets = new Utf8OffsetMap(text);
  const scanner = new SqlScanner(text);
  let c = 0;
  for (const raw of rawStatements) {
    if (!raw.stmt) continue;
    const { start, end } = statementRange(raw, scanner, offsets);
    while (c < chunks.length && chunks[c].span.end <= start) c++;
    const chunk = chunks[c];
    if (!chunk || start < chunk.span.start || end > chunk.span.end) return undefined;
    // As parsing the chunk alone maps it: a location outside the chunk (-1: none) clamps to its ends.
    const first = offsets.toUtf8(chunk.span.start);
    const last = offsets.toUtf8(chunk.span.end);
    const toDocOffset = (byteLocation: number) => offsets.toUtf16(Math.min(Math.max(Math.floor(byteLocation) || 0, first), last));
    (outcomes.get(chunk) as { statements: ParsedStatement[] }).statements.push({
      ast: raw.stmt,
      kind: kindKey(raw.stmt),
      span: { start, end },
      text: scanner.text.slice(start, end),
      toDocOffset,
    });
  }
  return outcomes;
}

function toParsedStatement(raw: RawStmt, ast: Node, scanner: SqlScanner, base: number, offsets: Utf8OffsetMap): ParsedStatement {
  const { start, end } = statementRange(raw, scanner, offsets);
  return {
    ast,
    kind: kindKey(ast),
    span: { start: base + start, end: base + end },
    text: scanner.text.slice(start, end),
    toDocOffset: (byteLocation: number) => base + offsets.toUtf16(byteLocation),
  };
}

/** The statement's UTF-16 range in the parsed text: without surrounding trivia, its `;` included. */
function statementRange(raw: RawStmt, scanner: SqlScanner, offsets: Utf8OffsetMap): TextSpan {
  const text = scanner.text;
  const startByte = raw.stmt_location ?? 0;
  // An absent (zero) stmt_len means "to the end of the text"; otherwise it stops just before the `;`.
  const rangeEnd = raw.stmt_len ? offsets.toUtf16(startByte + raw.stmt_len) : text.length;
  const start = skipTrivia(scanner, offsets.toUtf16(startByte), rangeEnd);
  const end = text.charCodeAt(rangeEnd) === 0x3b /* ; */ ? rangeEnd + 1 : lastTokenEnd(scanner, start, rangeEnd);
  return { start, end };
}

/** The single key of a statement node (`Object.keys(ast)[0]` without the array). */
function kindKey(ast: Node): string {
  for (const key in ast) return key;
  return 'Unknown';
}

/** End of the last significant token in [start, limit), ignoring trailing whitespace and comments. */
function lastTokenEnd(scanner: SqlScanner, start: number, limit: number): number {
  let end = start;
  for (let pos = skipTrivia(scanner, start, limit); pos < limit; pos = skipTrivia(scanner, end, limit)) {
    end = scanner.token(pos, limit);
  }
  return end;
}

/** Start of the last significant token (for errors "at end of input"), or -1. */
function lastTokenStart(scanner: SqlScanner): number {
  const limit = scanner.text.length;
  let last = -1;
  let end = 0;
  for (let pos = skipTrivia(scanner, 0, limit); pos < limit; pos = skipTrivia(scanner, end, limit)) {
    last = pos;
    end = scanner.token(pos, limit);
  }
  return last;
}

/** One error whose span covers the offending token, in document offsets. */
function syntaxError(text: string, base: number, error: SqlError): { message: string; span: TextSpan } {
  const message = error.sqlDetails?.message ?? error.message;
  const scanner = new SqlScanner(text);
  let start = codePointToUtf16(text, error.sqlDetails?.cursorPosition ?? 0);
  if (start >= text.length) {
    const last = lastTokenStart(scanner);
    start = last >= 0 ? last : Math.max(0, text.length - 1);
  }
  return { message, span: { start: base + start, end: base + tokenEndForError(scanner, start, message) } };
}

/**
 * End of the token PostgreSQL complained about: the `at or near "…"` text when it matches the source,
 * otherwise our own lexer's idea of the token. Never past the end of its line, so an unterminated string
 * underlines one line rather than the rest of the file.
 */
function tokenEndForError(scanner: SqlScanner, start: number, message: string): number {
  const text = scanner.text;
  const near = /at or near "([\s\S]*)"$/.exec(message);
  let end = near && near[1].length > 0 && text.startsWith(near[1], start) ? start + near[1].length : scanner.token(start, text.length);
  const eol = lineEnd(text, start, text.length);
  if (end > eol && eol > start) end = eol;
  if (text.charCodeAt(end - 1) === 0x0d && end - 1 > start) end--;
  return Math.max(end, Math.min(start + 1, text.length));
}

function replaceLoneSurrogates(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
