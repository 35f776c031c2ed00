/**
 * Error-tolerant statement splitter. It follows psql's lexical rules closely enough that every chunk is what
 * psql (or goose / dbmate) would send to the server, but it never throws and never needs the parser:
 * a broken statement still comes back as a chunk so the parser can report it.
 *
 * Recovery from unterminated constructs (a quote, quoted identifier, dollar quote or block comment that is
 * still open at a marker or at EOF): one stray `'` flips everything after it (strings become code and vice
 * versa), so the construct left open at EOF is usually not the culprit. We blame the earliest construct of the
 * same kind, opened inside the same statement, that spans a line break (multi-line strings are rare, a stray
 * quote "spans" until the next quote). Block comments nest instead of pairing up, so for them the culprit is
 * the open comment itself. That statement's chunk ends at the end of the culprit's line, and lexing resumes
 * on the next line as if at a statement start. A work budget keeps this linear on junk input.
 */
import type { TextSpan } from '../findings';
import { lineCommentEnd, lineEnd, skipWhitespace, SqlScanner, startsBlockComment, startsLineComment, trimWhitespaceEnd, isWhitespace } from './lexer';
import { findMarkerLines, splitsSections, type MarkerLine, type MarkerName, type RunnerMarker } from './markers';

export type { MarkerName, RunnerMarker };
export type ChunkKind = 'sql' | 'psql-meta' | 'copy-data';
export interface Chunk {
  kind: ChunkKind;
  span: TextSpan;
  text: string;
}
export interface SourceComment {
  span: TextSpan;
  text: string;
  kind: 'line' | 'block';
}
export interface SplitResult {
  chunks: Chunk[];
  markers: RunnerMarker[];
  comments: SourceComment[];
}

export function splitSql(text: string): SplitResult {
  const steps = splitSqlSteps(text);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `splitSql` in slices: it yields after each statement, so the language server can answer a hover
 * while a long document is split (splitting 20,000 lines took ~0.5 s under load, in one piece).
 */
export function* splitSqlSteps(text: string, pauses = true): Generator<void, SplitResult> {
  const source = typeof text === 'string' ? text : '';
  try {
    const splitter = new Splitter(source);
    splitter.pauses = pauses;
    const result = yield* splitter.run();
    resumeLogs.set(result, splitter.log);
    return result;
  } catch {
    // Defensive only: a bug here must not take the editor down. Hand the whole text to the parser.
    const start = skipWhitespace(source, 0, source.length);
    const end = trimWhitespaceEnd(source, start, source.length);
    const chunks: Chunk[] = end > start ? [{ kind: 'sql', span: { start, end }, text: source.slice(start, end) }] : [];
    return { chunks, markers: [], comments: [] };
  }
}

/**
 * Where the splitter stood between statements, for splitIncremental.ts: at each such point nothing is
 * pending, so lexing from it depends only on the text after it. Parallel arrays, one entry per point,
 * in text order.
 */
export interface ResumeLog {
  pos: ArrayLike<number>;
  /**
   * Everything before the point was decided by the text before this offset (Infinity: do not start
   * here). A statement cut short by recovery looked at the rest of its region, and so does every point
   * after it in that region.
   */
  horizon: ArrayLike<number>;
  /** Chunks and comments emitted before the point. */
  chunks: ArrayLike<number>;
  comments: ArrayLike<number>;
  /** Recoveries that spent budget before the point. */
  spends: ArrayLike<number>;
  totalSpends: number;
  markerLines: MarkerLine[];
}

/** The log a splitter writes as it lexes (a re-split's is made in one go, as typed arrays: splitIncremental.ts). */
export interface GrowingResumeLog extends ResumeLog {
  pos: number[];
  horizon: number[];
  chunks: number[];
  comments: number[];
  spends: number[];
}

/** The resume log of each split (kept beside the result, so the result's shape stays what callers compare). */
export const resumeLogs = new WeakMap<SplitResult, ResumeLog>();

export function emptyResumeLog(markerLines: MarkerLine[]): GrowingResumeLog {
  return { pos: [], horizon: [], chunks: [], comments: [], spends: [], totalSpends: 0, markerLines };
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const SEMICOLON = 0x3b;
const BACKSLASH = 0x5c;
const BYTE_ORDER_MARK = 0xfeff;

/** What we need to know about the statement being lexed to decide whether a `;` ends it. */
class Statement {
  lastEnd: number;
  copyFromStdin = false;
  /** First opening offset, per construct family, of a construct in this statement that spans a line break. */
  readonly firstMultiLine = new Map<string, number>();
  private headWords: string[] = [];
  private previousWord = '';
  /** CREATE [OR REPLACE] FUNCTION|PROCEDURE: `BEGIN ATOMIC … END` bodies may contain `;` (as in psql). */
  private routine = false;
  /** CREATE [OR REPLACE] RULE: `DO (a; b)` keeps `;` inside parentheses (as in psql). */
  private rule = false;
  private copy = false;
  private atomicDepth = 0;
  private parenDepth = 0;

  constructor(readonly start: number) {
    this.lastEnd = start;
  }

  /** True when a `;` at this point is part of the statement rather than its end. */
  get semicolonIsInside(): boolean {
    return this.atomicDepth > 0 || (this.rule && this.parenDepth > 0);
  }

  /** Whether `noteWord` needs the word's text (most words after the first few do not matter). */
  get wantsWords(): boolean {
    return this.headWords.length < 4 || this.copy || this.routine;
  }

  noteMultiLine(family: string, openedAt: number): void {
    if (!this.firstMultiLine.has(family)) this.firstMultiLine.set(family, openedAt);
  }

  noteParen(delta: number): void {
    this.parenDepth = Math.max(0, this.parenDepth + delta);
    this.previousWord = '';
  }

  noteOther(): void {
    this.previousWord = '';
  }

  /** `word` is lower-case. */
  noteWord(word: string): void {
    if (this.headWords.length < 4) this.classify(word);
    if (this.copy && this.previousWord === 'from' && word === 'stdin') this.copyFromStdin = true;
    if (this.routine && this.parenDepth === 0) this.trackAtomic(word);
    this.previousWord = word;
  }

  private classify(word: string): void {
    const head = this.headWords;
    head.push(word);
    if (head.length === 1) this.copy = word === 'copy';
    const kindIndex = head[1] === 'or' && head[2] === 'replace' ? 3 : 1;
    if (head[0] === 'create' && head.length === kindIndex + 1) {
      this.routine = word === 'function' || word === 'procedure';
      this.rule = word === 'rule';
    }
  }

  private trackAtomic(word: string): void {
    if (word === 'atomic' && this.previousWord === 'begin') this.atomicDepth++;
    else if (this.atomicDepth > 0 && word === 'case') this.atomicDepth++;
    else if (this.atomicDepth > 0 && word === 'end') this.atomicDepth--;
  }
}

export class Splitter {
  readonly chunks: Chunk[] = [];
  private readonly markers: RunnerMarker[] = [];
  readonly comments: SourceComment[] = [];
  private readonly scanner: SqlScanner;
  /** Characters we may re-lex during recovery before giving up on it (keeps the worst case linear). */
  private recoveryBudget: number;
  /** Recoveries that spent budget so far. */
  spends = 0;
  /** Running maximum of what recovery (and inline COPY data) read, in the current region. */
  private readHorizon = 0;
  readonly log: GrowingResumeLog = emptyResumeLog([]);
  /** splitIncremental.ts: asked at each point between statements; true stops the region's lexing there. */
  stopAt: ((pos: number) => boolean) | undefined;
  stopped = false;
  /** False: never pause between statements (a one-shot lint runs to the end anyway; see runToEnd). */
  pauses = true;

  /** `budgetLength`: the whole text's length when `text` is a window of it (splitIncremental.ts): the budget is the whole text's. */
  constructor(private readonly text: string, budgetLength = text.length) {
    this.scanner = new SqlScanner(text);
    this.recoveryBudget = budgetLength * 4 + 100_000;
  }

  /** A window's results moved to the offsets of the text it was cut from (`base`: where it starts there). */
  moveBy(base: number): void {
    for (const c of this.chunks) c.span = { start: c.span.start + base, end: c.span.end + base };
    for (const c of this.comments) c.span = { start: c.span.start + base, end: c.span.end + base };
    const log = this.log;
    for (let i = 0; i < log.pos.length; i++) {
      log.pos[i] += base;
      log.horizon[i] += base;
    }
    this.readHorizon += base;
  }

  *run(): Generator<void, SplitResult> {
    // A byte-order mark is an editor artefact, not SQL.
    let regionStart = this.text.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
    let inGooseBlock = false;
    const markerLines = findMarkerLines(this.text);
    this.log.markerLines = markerLines;
    for (const line of markerLines) {
      const { marker } = line;
      // A marker that only describes the file (an opt-out, a header) is an ordinary comment to the lexer.
      if (!splitsSections(marker)) {
        this.markers.push(marker);
        continue;
      }
      yield* this.lexRegion(regionStart, line.lineStart, inGooseBlock);
      this.markers.push(marker);
      this.addComment(marker.span.start, marker.span.end, 'line');
      inGooseBlock = marker.runner === 'goose' && marker.name === 'statement-begin';
      regionStart = line.lineEnd;
    }
    yield* this.lexRegion(regionStart, this.text.length, inGooseBlock);
    this.log.totalSpends = this.spends;
    return { chunks: this.chunks, markers: this.markers, comments: this.comments };
  }

  private *lexRegion(from: number, to: number, inGooseBlock: boolean): Generator<void, void> {
    if (from >= to) return;
    if (inGooseBlock) this.lexBlock(from, to);
    else {
      // Nothing before the region's start decides how it is lexed but the marker lines around it.
      this.readHorizon = from;
      this.mark(from, from);
      yield* this.lexStatements(from, to);
    }
  }

  /** Lexes `from`…`to` of a statement region, from a point between statements (splitIncremental.ts); yields after each statement. */
  *lexFrom(from: number, to: number, horizon: number): Generator<void, void> {
    this.readHorizon = horizon;
    yield* this.lexStatements(from, to);
  }

  /** What recovery and inline COPY data have read so far in the region (a bound for the points after). */
  get readSoFar(): number {
    return this.readHorizon;
  }

  /**
   * What was just decided depended on nothing following before the region's end `to`, so text inserted
   * at `to` can undo it: the horizon lies past `to`.
   */
  private readToRegionEnd(to: number): void {
    this.readHorizon = to + 1;
  }

  /** Records a point between statements; returns true when `stopAt` says to stop there. */
  private mark(pos: number, horizon: number): boolean {
    const log = this.log;
    log.pos.push(pos);
    log.horizon.push(horizon);
    log.chunks.push(this.chunks.length);
    log.comments.push(this.comments.length);
    log.spends.push(this.spends);
    if (this.stopAt?.(pos)) this.stopped = true;
    return this.stopped;
  }

  /** A point after a statement: the scanner looked at most two characters past its last token. */
  private resumeAt(pos: number): boolean {
    return this.mark(pos, Math.max(this.readHorizon, pos + 2));
  }

  /** A goose StatementBegin…StatementEnd block: one chunk, however many `;` it holds. */
  private lexBlock(from: number, to: number): void {
    let first = -1;
    let last = -1;
    for (let pos = from; pos < to; ) {
      const next = this.consumeTrivia(pos, to);
      if (next !== pos) {
        pos = next;
        continue;
      }
      if (first < 0) first = pos;
      pos = startsBlockComment(this.text, pos, to) ? to : this.scanner.token(pos, to);
      last = pos;
    }
    if (first >= 0) this.emit('sql', first, trimWhitespaceEnd(this.text, first, last));
  }

  /**
   * Skips whitespace or one terminated comment at `pos` (recording the comment); returns `pos` when there is
   * no trivia. An unterminated block comment is recorded but not skipped: it is reported as a chunk.
   */
  private consumeTrivia(pos: number, to: number): number {
    const text = this.text;
    if (isWhitespace(text.charCodeAt(pos))) return skipWhitespace(text, pos, to);
    if (startsLineComment(text, pos, to)) {
      const end = lineCommentEnd(text, pos, to);
      this.addComment(pos, end, 'line');
      return end;
    }
    if (startsBlockComment(text, pos, to)) {
      const end = this.scanner.blockComment(pos, to);
      this.addComment(pos, end, 'block');
      if (this.scanner.terminated) return end;
    }
    return pos;
  }

  private *lexStatements(from: number, to: number): Generator<void, void> {
    const text = this.text;
    const scanner = this.scanner;
    let statement: Statement | undefined;
    let pos = from;
    while (pos < to) {
      const next = this.consumeTrivia(pos, to);
      if (next !== pos) {
        pos = next;
        continue;
      }
      const c = text.charCodeAt(pos);
      if (c === BACKSLASH) {
        // Outside quotes a backslash starts a psql command; mid-statement (`SELECT … \gexec`) it also
        // ends the query buffer, which psql then sends.
        if (statement) this.emit('sql', statement.start, statement.lastEnd);
        statement = undefined;
        pos = this.psqlMetaLine(pos, to);
        if (this.resumeAt(pos)) return;
        continue;
      }
      statement ??= new Statement(pos);
      // Only an unterminated block comment reaches here (terminated ones are trivia).
      const end = startsBlockComment(text, pos, to) ? scanner.blockComment(pos, to) : scanner.token(pos, to);
      if (scanner.family !== undefined) {
        if (scanner.multiLine) statement.noteMultiLine(scanner.family, pos);
        if (!scanner.terminated) {
          pos = this.recover(statement, scanner.family, to);
          statement = undefined;
          this.readToRegionEnd(to);
          if (this.resumeAt(pos)) return;
          continue;
        }
      }
      if (c === SEMICOLON && !statement.semicolonIsInside) {
        pos = this.endStatement(statement, end, to);
        statement = undefined;
        if (this.resumeAt(pos)) return;
        if (this.pauses) yield;
        continue;
      }
      if (c === OPEN_PAREN) statement.noteParen(1);
      else if (c === CLOSE_PAREN) statement.noteParen(-1);
      else if (scanner.isWord && statement.wantsWords) statement.noteWord(end - pos <= 9 ? text.slice(pos, end).toLowerCase() : '');
      else if (!scanner.isWord) statement.noteOther();
      statement.lastEnd = end;
      pos = end;
    }
    if (statement) this.emit('sql', statement.start, statement.lastEnd);
    // The region's end: a place to resynchronise at, never to start from (a statement left open
    // here would go on if the region grew).
    this.mark(to, Infinity);
  }

  /** Emits the statement ending at `end` (just after its `;`); returns where lexing continues. */
  private endStatement(statement: Statement, end: number, to: number): number {
    if (end - statement.start === 1) return end; // a lone `;` is not worth a chunk
    this.emit('sql', statement.start, end);
    return statement.copyFromStdin ? this.copyData(end, to) : end;
  }

  /** Handles a construct left open at `to`; returns the offset to resume lexing at. */
  private recover(statement: Statement, family: string, to: number): number {
    const culprit = statement.firstMultiLine.get(family);
    if (culprit !== undefined) {
      const cut = lineEnd(this.text, culprit, to);
      if (cut < to && this.spendRecoveryBudget(to - cut)) {
        this.dropCommentsFrom(culprit);
        const end = trimWhitespaceEnd(this.text, culprit, cut);
        if (family === 'comment') this.addComment(culprit, end, 'block');
        this.emit('sql', statement.start, end);
        return cut;
      }
    }
    this.emit('sql', statement.start, trimWhitespaceEnd(this.text, statement.start, to));
    return to;
  }

  private spendRecoveryBudget(characters: number): boolean {
    this.spends++;
    this.recoveryBudget -= characters;
    return this.recoveryBudget >= 0;
  }

  /** A psql backslash command: the rest of its line. `\copy … from stdin` is followed by inline data. */
  private psqlMetaLine(pos: number, to: number): number {
    const eol = lineEnd(this.text, pos, to);
    const end = trimWhitespaceEnd(this.text, pos, eol);
    this.emit('psql-meta', pos, end);
    const isCopyFromStdin = /^\\copy\b[^\n]*\bfrom\s+stdin\b/i.test(this.text.slice(pos, end));
    return isCopyFromStdin ? this.copyData(eol, to) : eol;
  }

  /**
   * Inline COPY data after a `COPY … FROM STDIN;` that ended at `pos`: from the next line up to and including
   * the `\.` line (or up to `to`). A trailing comment on the COPY line itself is still a comment.
   */
  private copyData(pos: number, to: number): number {
    const text = this.text;
    let dataStart = pos;
    while (dataStart < to && [SPACE, TAB, CR].includes(text.charCodeAt(dataStart))) dataStart++;
    if (startsLineComment(text, dataStart, to)) {
      const end = lineCommentEnd(text, dataStart, to);
      this.addComment(dataStart, end, 'line');
      dataStart = end < to && text.charCodeAt(end) === CR ? end + 1 : end;
    }
    if (dataStart < to && text.charCodeAt(dataStart) === LF) dataStart++;
    for (let lineStart = dataStart; lineStart < to; ) {
      const eol = lineEnd(text, lineStart, to);
      if (text.startsWith('\\.', lineStart) && trimWhitespaceEnd(text, lineStart, eol) === lineStart + 2) {
        this.emit('copy-data', dataStart, lineStart + 2);
        // The end of the data was decided by the rest of its line.
        this.readHorizon = Math.max(this.readHorizon, eol + 2);
        return lineStart + 2;
      }
      lineStart = eol + 1;
    }
    this.emit('copy-data', dataStart, trimWhitespaceEnd(text, dataStart, to));
    this.readToRegionEnd(to);
    return to;
  }

  private emit(kind: ChunkKind, start: number, end: number): void {
    if (end > start) this.chunks.push({ kind, span: { start, end }, text: this.text.slice(start, end) });
  }

  private addComment(start: number, end: number, kind: SourceComment['kind']): void {
    this.comments.push({ span: { start, end }, text: this.text.slice(start, end), kind });
  }

  /** Forgets comments recorded at or after `offset` (they are re-lexed after a recovery cut). */
  private dropCommentsFrom(offset: number): void {
    while (this.comments.length > 0 && this.comments[this.comments.length - 1].span.start >= offset) this.comments.pop();
  }
}
