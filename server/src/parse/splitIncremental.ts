/**
 * Re-splits an edited text from the previous split: statements before the edit are kept, the text is
 * lexed again from the last point between statements that nothing at or after the edit decided, and
 * lexing stops as soon as it reaches a point between statements that the previous split also passed
 * through (shifted by the edit's length change) after the edit: from there on, lexing only reads the
 * same text as before, so the previous chunks are reused, shifted.
 *
 * Equivalent to `splitSql(newText)` by construction (test/unit/parse/splitIncremental.test.ts checks it
 * on random edit sequences):
 * - the starting point's `horizon` (split.ts) bounds what decided everything before it; recovery from an
 *   unterminated construct read the rest of its region, so no point after one is a start;
 * - marker lines split regions and are found line by line: unless they are the same (before the edit)
 *   or the same shifted (after it), and the edit sits inside one statement region, we split afresh;
 * - recovery spends a budget shared by the whole text: with at most MAX_SPENDS recoveries in both texts
 *   no budget check can fail, so the budget cannot tell the two apart; with more, we split afresh.
 */
import { findMarkerLines, splitsSections, type MarkerLine } from './markers';
import { resumeLogs, Splitter, type ResumeLog, type SplitResult } from './split';
import { chunkList, commentList, joinedList, splitOfLists } from './shiftedList';
import { editBetweenSources, type Edit } from './textEdit';
import { wholeText, type SourceText } from './pieceText';

/** Each recovery spends at most the text's length, and the budget is four times that and more. */
const MAX_SPENDS = 4;
const BYTE_ORDER_MARK = 0xfeff;

/**
 * `splitSql(newText)`, reusing `previous` (the split of `oldText`); undefined when the edit is one this
 * cannot prove it handles like a split from scratch (the caller then splits from scratch).
 */
export function splitIncremental(oldText: SourceText, previous: SplitResult, newText: SourceText): SplitResult | undefined {
  const steps = splitIncrementalSteps(oldText, previous, newText);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `splitIncremental` in slices: it yields after each statement it lexes again (an edit can open a quote
 * that runs to the end). `known`: the edit between the two texts, when the caller has it already.
 */
export function* splitIncrementalSteps(oldText: SourceText, previous: SplitResult, newText: SourceText, known?: Edit): Generator<void, SplitResult | undefined> {
  const log = resumeLogs.get(previous);
  if (!log || log.totalSpends > MAX_SPENDS) return undefined;
  if (oldText === newText) return previous;
  const edit = known ?? editBetweenSources(oldText, newText);
  // A byte-order mark decides where the first region starts; sqlx reads only the first line.
  if (edit.start === 0 || newText.charCodeAt(0) === BYTE_ORDER_MARK) return undefined;
  const markerLines = markerLinesAfter(log.markerLines, oldText, newText, edit) ?? findMarkerLines(wholeText(newText));
  if (!sameMarkerLines(log.markerLines, markerLines, edit)) return undefined;
  const region = regionOf(log.markerLines, oldText.length, edit);
  if (!region) return undefined;

  const from = startPoint(log, region.start, edit.start);
  if (from < 0) return undefined;
  const oldPos = log.pos;
  const lexed = yield* lexWindow(newText, edit, oldPos, from, log.horizon[from], region.end + edit.delta);
  if (!lexed) return undefined; // cannot happen: the region's end is always such a point
  const { splitter, resync } = lexed;

  const spends = log.spends[from] + splitter.spends + (log.totalSpends - log.spends[resync]);
  if (spends > MAX_SPENDS) return undefined;
  return assemble(previous, log, markerLines, from, resync, splitter, edit, region.end + edit.delta, spends);
}

/** Characters past the edit's end the first window holds; grown while lexing needs more. */
export const WINDOW = { chars: 4096 };

/**
 * Lexes the new text from point `from` until it passes through a point of the previous split after the
 * edit (`resync`), reading only a window of it: [the point, the edit's end + WINDOW.chars), as its own
 * string, the results moved back to the text's offsets. Lexing a prefix of the region decides the same as
 * lexing all of it up to a point between statements whose horizon (split.ts) lies inside the prefix, and
 * when nothing recovery read reached its end; else the window grows, up to the region's end (exact).
 */
function* lexWindow(text: SourceText, edit: Edit, oldPos: ArrayLike<number>, from: number, horizon: number, regionEnd: number): Generator<void, { splitter: Splitter; resync: number } | undefined> {
  const base = oldPos[from];
  // Growing by four: an edit that leaves a quote open lexes to the region's end in the end, and the smaller windows
  // before it add at most a third to that.
  for (let reach = Math.max(1, WINDOW.chars); ; reach *= 4) {
    const end = Math.min(regionEnd, edit.newEnd + reach);
    const whole = end === regionEnd;
    const splitter = new Splitter(text.slice(base, end), text.length);
    let resync = -1;
    let stoppedAt = -1;
    splitter.stopAt = (at) => {
      const pos = at + base;
      if (pos < edit.newEnd) return false;
      const found = indexOf(oldPos, pos - edit.delta);
      if (found < 0) return false;
      resync = found;
      stoppedAt = at;
      return true;
    };
    yield* splitter.lexFrom(0, end - base, horizon - base);
    if (whole || (resync >= 0 && stoppedAt + 2 < end - base && splitter.readSoFar < end - base)) {
      if (resync < 0) return undefined;
      splitter.moveBy(base);
      return { splitter, resync };
    }
  }
}

/**
 * The marker lines of the new text without reading all of it: when no line the edit touches starts with
 * `--` (in the old text or the new), no marker line appeared or went, and those after the edit moved by
 * its length change. Undefined: look at every line. A line is a marker by its own text alone (the first
 * line aside, which an edit at offset 0 never reaches here).
 */
function markerLinesAfter(old: MarkerLine[], oldText: SourceText, newText: SourceText, edit: Edit): MarkerLine[] | undefined {
  if (mayStartMarker(oldText, edit.start, edit.oldEnd) || mayStartMarker(newText, edit.start, edit.newEnd)) return undefined;
  if (edit.delta === 0) return old;
  return old.map((line) => (line.lineStart < edit.start ? line : shiftedMarkerLine(line, edit.delta)));
}

/**
 * Does a line starting in [line of `from`, `to`] start with `--`? Those are the lines whose text or
 * whose being a line at all the edit can change (the character before `to` may now be a newline).
 */
function mayStartMarker(text: SourceText, from: number, to: number): boolean {
  let lineStart = text.lastIndexOf('\n', from - 1) + 1;
  while (lineStart <= to && lineStart < text.length) {
    if (text.charCodeAt(lineStart) === DASH && text.charCodeAt(lineStart + 1) === DASH) return true;
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return false;
}

const DASH = 0x2d;

function shiftedMarkerLine(line: MarkerLine, delta: number): MarkerLine {
  const { marker } = line;
  return {
    marker: { ...marker, span: { start: marker.span.start + delta, end: marker.span.end + delta } },
    lineStart: line.lineStart + delta,
    lineEnd: line.lineEnd + delta,
  };
}

/** Marker lines before the edit unchanged, those after it shifted, none touching it. */
function sameMarkerLines(old: MarkerLine[], now: MarkerLine[], edit: Edit): boolean {
  if (old.length !== now.length) return false;
  for (let i = 0; i < old.length; i++) {
    const o = old[i];
    let shift: number;
    if (o.lineEnd <= edit.start) shift = 0;
    else if (o.lineStart >= edit.oldEnd) shift = edit.delta;
    else return false;
    if (!sameMarkerLine(o, now[i], shift)) return false;
  }
  return true;
}

function sameMarkerLine(o: MarkerLine, n: MarkerLine, shift: number): boolean {
  const a = o.marker;
  const b = n.marker;
  return (
    n.lineStart === o.lineStart + shift &&
    n.lineEnd === o.lineEnd + shift &&
    a.runner === b.runner &&
    a.name === b.name &&
    a.span.start + shift === b.span.start &&
    a.span.end + shift === b.span.end &&
    JSON.stringify(a.options) === JSON.stringify(b.options)
  );
}

/** The statement region (between section markers, not a goose block) holding the whole edit, in old offsets. */
function regionOf(lines: MarkerLine[], length: number, edit: Edit): { start: number; end: number } | undefined {
  let start = 0;
  let inGooseBlock = false;
  for (const line of lines) {
    const { marker } = line;
    if (!splitsSections(marker)) continue;
    if (start <= edit.start && edit.oldEnd <= line.lineStart) return inGooseBlock ? undefined : { start, end: line.lineStart };
    inGooseBlock = marker.runner === 'goose' && marker.name === 'statement-begin';
    start = line.lineEnd;
  }
  return start <= edit.start && !inGooseBlock ? { start, end: length } : undefined;
}

/** The last point between statements in the region, at or before the edit, decided by the text before it. */
function startPoint(log: ResumeLog, regionStart: number, editStart: number): number {
  let i = lastAtOrBefore(log.pos, editStart);
  while (i > 0 && log.pos[i] > regionStart && log.horizon[i] > editStart) i--;
  // An empty region has no points of its own.
  return i >= 0 && log.pos[i] >= regionStart && log.horizon[i] <= editStart ? i : -1;
}

function lastAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function indexOf(sorted: ArrayLike<number>, value: number): number {
  const i = lastAtOrBefore(sorted, value);
  return i >= 0 && sorted[i] === value ? i : -1;
}

/** The first `count` values of `from` into `to`. */
function copyPrefix(to: Float64Array | Int32Array, from: ArrayLike<number>, count: number): void {
  if (from instanceof Float64Array || from instanceof Int32Array) to.set(from.subarray(0, count));
  else for (let i = 0; i < count; i++) to[i] = from[i];
}

function assemble(previous: SplitResult, log: ResumeLog, markerLines: MarkerLine[], from: number, resync: number, splitter: Splitter, edit: Edit, regionEnd: number, totalSpends: number): SplitResult {
  const delta = edit.delta;
  const middle = splitter.log;
  // The chunks and comments after the edit are the previous split's objects, moved by numbers (shiftedList.ts).
  const chunks = joinedList(chunkList(previous), log.chunks[from], splitter.chunks, log.chunks[resync], delta);
  const chunksAtResync = log.chunks[from] + splitter.chunks.length;
  const comments = joinedList(commentList(previous), log.comments[from], splitter.comments, log.comments[resync], delta);
  const commentsAtResync = log.comments[from] + splitter.comments.length;

  // The next log in one go, as typed arrays (no array grown point by point, 10,000 points after a one-line edit),
  // the five of them views of one buffer: allocating a buffer each was most of the time spent here.
  const tail = log.pos.length - resync - 1;
  const length = from + 1 + middle.pos.length + tail;
  const buffer = new ArrayBuffer(length * 28);
  const pos = new Float64Array(buffer, 0, length);
  const horizon = new Float64Array(buffer, length * 8, length);
  const chunkCounts = new Int32Array(buffer, length * 16, length);
  const commentCounts = new Int32Array(buffer, length * 20, length);
  const spendCounts = new Int32Array(buffer, length * 24, length);
  const next: ResumeLog = { pos, horizon, chunks: chunkCounts, comments: commentCounts, spends: spendCounts, totalSpends, markerLines };
  // The points before the edit as they were (a block copy when the previous log is typed arrays too).
  copyPrefix(pos, log.pos, from + 1);
  copyPrefix(horizon, log.horizon, from + 1);
  copyPrefix(chunkCounts, log.chunks, from + 1);
  copyPrefix(commentCounts, log.comments, from + 1);
  copyPrefix(spendCounts, log.spends, from + 1);
  const baseChunks = log.chunks[from];
  const baseComments = log.comments[from];
  const baseSpends = log.spends[from];
  // The middle's points, its last one (where it stopped) standing for the previous split's `resync`.
  let at = from + 1;
  for (let i = 0; i < middle.pos.length; i++, at++) {
    pos[at] = middle.pos[i];
    horizon[at] = middle.horizon[i];
    chunkCounts[at] = baseChunks + middle.chunks[i];
    commentCounts[at] = baseComments + middle.comments[i];
    spendCounts[at] = baseSpends + middle.spends[i];
  }
  // What recovery in the middle read still bounds the points after it in the same region.
  const middleHorizon = splitter.readSoFar;
  const spendsAtResync = baseSpends + splitter.spends;
  for (let i = resync + 1; i < log.pos.length; i++, at++) {
    const moved = log.pos[i] + delta;
    pos[at] = moved;
    const h = log.horizon[i] + delta;
    horizon[at] = moved <= regionEnd ? Math.max(h, middleHorizon) : h;
    chunkCounts[at] = log.chunks[i] - log.chunks[resync] + chunksAtResync;
    commentCounts[at] = log.comments[i] - log.comments[resync] + commentsAtResync;
    spendCounts[at] = log.spends[i] - log.spends[resync] + spendsAtResync;
  }
  const result = splitOfLists({ chunks, comments }, markerLines.map((l) => l.marker));
  resumeLogs.set(result, next);
  return result;
}
