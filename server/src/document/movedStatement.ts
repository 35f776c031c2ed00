/** Statement records moved by an edit before them (the patch path: patch.ts, columnPatch.ts). */
import type { TextSpan } from '../findings';
import type { StatementLocks } from '../locks/model';
import type { StatementInfo } from './model';

/**
 * A record a patch moved carries the function its parse made (`offsetBase`) and the shift applied to it
 * since (`offsetShift`), so moving it again never wraps a shifted function (a chain of closures after
 * many edits). Its `toDocOffset` is one function shared by every such record, called as their method
 * (`stmt.toDocOffset(b)`, as every caller does; a copy made by spreading a record keeps both fields):
 * a closure per record, or a property stored on each such function, cost more than the rest of the patch.
 */
interface ShiftedStatement extends StatementInfo {
  offsetBase: (b: number) => number;
  offsetShift: number;
}

function shiftedToDocOffset(this: ShiftedStatement, b: number): number {
  return this.offsetBase(b) + this.offsetShift;
}

/** A full copy of a moved record, with fields a caller may then change (columnPatch.ts sets its analysis). */
export function shifted(s: StatementInfo & Partial<ShiftedStatement>, delta: number): ShiftedStatement {
  return {
    ast: s.ast,
    kind: s.kind,
    span: shift(s.span, delta),
    text: s.text,
    toDocOffset: shiftedToDocOffset,
    index: s.index,
    section: s.section,
    inTransaction: s.inTransaction,
    transaction: s.transaction,
    implicitTransaction: s.implicitTransaction,
    templated: s.templated,
    transactionId: s.transactionId,
    locks: s.locks,
    lockTimeoutMs: s.lockTimeoutMs,
    searchSchema: s.searchSchema,
    stateBefore: s.stateBefore,
    offsetBase: s.offsetBase ?? s.toDocOffset,
    offsetShift: (s.offsetShift ?? 0) + delta,
  };
}

/**
 * A record moved by an edit before it, as a view: the record it moves (shared, never copied) and the
 * shift. Every field reads through to the record; `span` is made on first read. Per moved statement
 * a patch allocates this small object instead of a copy of all sixteen fields and a span: at 9,600
 * statements after a one-line edit the copies and the garbage they made were the patch's largest cost.
 * A column-only edit's later records are views too, with the fingerprint and analysis it gave them.
 * Read-only, and not for spreading (`{ ...view }` holds none of its fields): a caller that changes
 * fields or spreads makes a `shifted` copy.
 */
export class MovedStatement implements StatementInfo {
  readonly #record: StatementInfo & Partial<ShiftedStatement>;
  readonly #shift: number;
  #span: TextSpan | undefined;
  /** A column-only edit changes the fingerprint before later statements, and may keep their analyses (columnPatch.ts). */
  readonly #stateBefore: number;
  readonly #locks: StatementLocks;

  /** Use `moved` or `movedWith`: they never wrap a view in another. */
  constructor(record: StatementInfo, shift: number, stateBefore: number, locks: StatementLocks) {
    this.#record = record;
    this.#shift = shift;
    this.#stateBefore = stateBefore;
    this.#locks = locks;
  }

  /** The record this view moves (the same object across every edit that moved it). */
  get record(): StatementInfo {
    return this.#record;
  }
  get delta(): number {
    return this.#shift;
  }
  get span(): TextSpan {
    return (this.#span ??= shift(this.#record.span, this.#shift));
  }
  get ast() {
    return this.#record.ast;
  }
  get kind() {
    return this.#record.kind;
  }
  get text() {
    return this.#record.text;
  }
  get index() {
    return this.#record.index;
  }
  get section() {
    return this.#record.section;
  }
  get inTransaction() {
    return this.#record.inTransaction;
  }
  get transaction() {
    return this.#record.transaction;
  }
  get implicitTransaction() {
    return this.#record.implicitTransaction;
  }
  get templated() {
    return this.#record.templated;
  }
  get transactionId() {
    return this.#record.transactionId;
  }
  get locks() {
    return this.#locks;
  }
  get lockTimeoutMs() {
    return this.#record.lockTimeoutMs;
  }
  get searchSchema() {
    return this.#record.searchSchema;
  }
  get stateBefore() {
    return this.#stateBefore;
  }
  /** What `shifted` reads to copy a view without a chain of offset functions. */
  get offsetBase(): (b: number) => number {
    return this.#record.offsetBase ?? this.#record.toDocOffset;
  }
  get offsetShift(): number {
    return (this.#record.offsetShift ?? 0) + this.#shift;
  }
  toDocOffset(b: number): number {
    return this.#record.toDocOffset(b) + this.#shift;
  }
}

/** `s` moved by `delta`: a view of the record underneath (a view is never wrapped in another). */
export function moved(s: StatementInfo, delta: number): StatementInfo {
  return delta === 0 ? s : movedWith(s, delta, s.stateBefore, s.locks);
}

/** `s` moved by `delta` with another fingerprint before it and analysis (a column-only edit: columnPatch.ts). */
export function movedWith(s: StatementInfo, delta: number, stateBefore: number, locks: StatementLocks): StatementInfo {
  return s instanceof MovedStatement ? new MovedStatement(s.record, s.delta + delta, stateBefore, locks) : new MovedStatement(s, delta, stateBefore, locks);
}

/** `s` with its fields its own, for spreading: a view becomes the copy a patch made before views. */
export function ownFields(s: StatementInfo): StatementInfo {
  return s instanceof MovedStatement ? shifted(s as StatementInfo, 0) : s;
}

/** The record `s` reads through to (itself when it is not a view). */
export function recordOf(s: StatementInfo): StatementInfo {
  return s instanceof MovedStatement ? s.record : s;
}

export function shift(span: TextSpan, delta: number): TextSpan {
  return { start: span.start + delta, end: span.end + delta };
}
