/** Statement records moved by an edit before them (the patch path: patch.ts, columnPatch.ts). */
import type { TextSpan } from '../findings';
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

export function shift(span: TextSpan, delta: number): TextSpan {
  return { start: span.start + delta, end: span.end + delta };
}

