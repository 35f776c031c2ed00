/**
 * Where a clause that names a column or constraint sits in a statement's text (`DROP COLUMN "email"`),
 * for a finding's span. The answer is the one `spanOfMatch` gives with the case-insensitive RegExp
 * `${lead}"?${name}"?${tail}`, found without building that RegExp: V8 compiles every new pattern on
 * its first use (40–70 µs measured, the name makes each one new), which was most of what drop-column
 * and set-not-null cost on the corpus.
 */
import type { StatementInfo } from '../document/model';
import type { TextSpan } from '../findings';
import { escapeRegExp, spanOfMatch } from './describe';

export interface NamedClause {
  /** Where the clause can start: global and case-insensitive, the lead's first word and `\s`. */
  starts: RegExp;
  /**
   * The lead's expansions in the order the RegExp tries them (its optional groups are greedy: taken
   * before skipped), each sticky, case-insensitive and ending in `\s+`.
   */
  leads: readonly RegExp[];
  /** What follows the name and its optional closing quote: sticky, starting with `\s`; none: nothing. */
  tail?: RegExp;
  /** The RegExp itself, for names this matcher does not cover. */
  pattern(escapedName: string): RegExp;
}

/**
 * Names made of ASCII identifier characters, starting with a letter or `_`: they cannot start with
 * whitespace or a quote, so the RegExp never backtracks into a shorter `\s+` or a skipped quote, and
 * case-insensitive matching compares them ASCII letter by ASCII letter.
 */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** `spanOfMatch(stmt, clause.pattern(escapeRegExp(name)))`, the same span. */
export function spanOfNamedClause(stmt: StatementInfo, clause: NamedClause, name: string): TextSpan {
  if (typeof name !== 'string' || !PLAIN_NAME.test(name)) return spanOfMatch(stmt, clause.pattern(escapeRegExp(name)));
  const text = stmt.text;
  const { starts } = clause;
  starts.lastIndex = 0;
  for (let found = starts.exec(text); found; found = starts.exec(text)) {
    const end = matchEnd(text, found.index, clause, name);
    if (end >= 0) return { start: stmt.span.start + found.index, end: stmt.span.start + end };
    starts.lastIndex = found.index + 1;
  }
  return stmt.span;
}

/** End of the clause's match starting at `at`, or -1: the first expansion of the lead that leads to a match. */
function matchEnd(text: string, at: number, clause: NamedClause, name: string): number {
  for (const lead of clause.leads) {
    lead.lastIndex = at;
    if (!lead.test(text)) continue;
    let p = lead.lastIndex;
    if (text.charCodeAt(p) === QUOTE) p++;
    if (!sameAsciiLetters(text, p, name)) continue;
    p += name.length;
    if (text.charCodeAt(p) === QUOTE) p++;
    if (!clause.tail) return p;
    clause.tail.lastIndex = p;
    if (clause.tail.test(text)) return clause.tail.lastIndex;
  }
  return -1;
}

const QUOTE = 0x22;

/** Does `text` at `at` spell `name` (ASCII), ignoring the case of ASCII letters only (as a RegExp's `i` flag does without `u`)? */
function sameAsciiLetters(text: string, at: number, name: string): boolean {
  if (at + name.length > text.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = text.charCodeAt(at + i);
    const n = name.charCodeAt(i);
    if (c === n) continue;
    if (c >= 0x80 || (c | 0x20) !== (n | 0x20) || (n | 0x20) < 0x61 || (n | 0x20) > 0x7a) return false;
  }
  return true;
}

/** `ALTER TABLE t DROP [COLUMN] [IF EXISTS] "?name"?` (drop-column). */
export const DROP_COLUMN: NamedClause = {
  starts: /DROP\s/gi,
  leads: [/DROP\s+COLUMN\s+IF\s+EXISTS\s+/iy, /DROP\s+COLUMN\s+/iy, /DROP\s+IF\s+EXISTS\s+/iy, /DROP\s+/iy],
  pattern: (name) => new RegExp(`DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?"?${name}"?`, 'i'),
};

/** `ALTER [COLUMN] "?name"? SET NOT NULL` (set-not-null). */
export const SET_NOT_NULL: NamedClause = {
  starts: /ALTER\s/gi,
  leads: [/ALTER\s+COLUMN\s+/iy, /ALTER\s+/iy],
  tail: /\s+SET\s+NOT\s+NULL/iy,
  pattern: (name) => new RegExp(`ALTER\\s+(?:COLUMN\\s+)?"?${name}"?\\s+SET\\s+NOT\\s+NULL`, 'i'),
};

/** `ALTER [COLUMN] "?name"? DROP NOT NULL` (drop-not-null). */
export const DROP_NOT_NULL: NamedClause = {
  starts: /ALTER\s/gi,
  leads: [/ALTER\s+COLUMN\s+/iy, /ALTER\s+/iy],
  tail: /\s+DROP\s+NOT\s+NULL/iy,
  pattern: (name) => new RegExp(`ALTER\\s+(?:COLUMN\\s+)?"?${name}"?\\s+DROP\\s+NOT\\s+NULL`, 'i'),
};
