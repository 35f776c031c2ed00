/**
 * Which relation is held in which mode across the migration. Statements run one after another
 * for their estimated durations; a lock taken inside a transaction block is held until the
 * transaction ends (PostgreSQL releases table locks only at commit or rollback), and a stronger
 * lock later in the same transaction replaces the weaker one from that point on.
 */
import { strongest, type LockMode } from '../locks/modes';
import type { TimelineSegment } from './report';

export interface TimedStatement {
  index: number;
  /** -1 for autocommit. */
  transactionId: number;
  start: number;
  seconds: number;
  locks: { relation: string; mode: LockMode }[];
}

export function buildTimeline(statements: TimedStatement[]): TimelineSegment[] {
  const segments: TimelineSegment[] = [];
  const lastOfTransaction = new Map<number, number>();
  statements.forEach((s, position) => s.transactionId >= 0 && lastOfTransaction.set(s.transactionId, position));
  const endOf = (position: number) => statements[position].start + statements[position].seconds;

  /** Open segments of the current transaction, by relation. */
  let open = new Map<string, TimelineSegment>();
  let openTransaction = -1;
  statements.forEach((s, position) => {
    if (s.transactionId !== openTransaction || s.transactionId < 0) {
      open = new Map();
      openTransaction = s.transactionId;
    }
    const last = s.transactionId >= 0 ? lastOfTransaction.get(s.transactionId)! : position;
    for (const lock of s.locks) {
      const held = open.get(lock.relation);
      if (held && strongest(held.mode, lock.mode) === held.mode) continue;
      const mode = held ? strongest(held.mode, lock.mode) : lock.mode;
      if (held) {
        // Strengthened: the weaker mode ends where this statement starts.
        held.end = s.start;
        held.lastPosition = position - 1;
        held.heldByTransaction = held.lastPosition > held.firstPosition;
      }
      const next: TimelineSegment = {
        relation: lock.relation,
        mode,
        start: s.start,
        end: endOf(last),
        statementIndex: s.index,
        firstPosition: position,
        lastPosition: last,
        heldByTransaction: last > position,
      };
      if (s.transactionId >= 0) open.set(lock.relation, next);
      segments.push(next);
    }
  });
  return segments;
}
