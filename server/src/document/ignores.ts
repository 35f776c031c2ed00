/**
 * `-- lockstep-ignore <id>[, <id>]: reason` silences the next statement;
 * `-- lockstep-ignore-file <id>[, <id>]` silences the whole file.
 */
import type { TextSpan } from '../findings';
import type { SourceComment } from '../parse/split';
import { commentAt, type ShiftedList } from '../parse/shiftedList';

export interface IgnoreDirective {
  scope: 'next-statement' | 'file';
  ruleIds: string[];
  reason?: string;
  span: TextSpan;
  /** Index of the statement a `next-statement` ignore applies to (undefined if none follows). */
  statementIndex?: number;
  /** Rule ids this directive actually silenced; an ignore that silences nothing is reported. */
  used: Set<string>;
}

/**
 * Work counters (directives and statements looked at), so a test can prove the cost grows linearly
 * with the number of ignores: 10,000 ignore/statement pairs used to cost 10⁸ steps.
 */
export const ignoreWork = { steps: 0 };

/** Parsed by hand, not by one regular expression: a long comment must cost one pass, not a backtrack. */
function parseDirective(comment: string): Pick<IgnoreDirective, 'scope' | 'ruleIds' | 'reason'> | undefined {
  let t = comment.trim();
  if (!t.startsWith('--') && !t.startsWith('/*')) return undefined;
  t = t.slice(2);
  if (t.endsWith('*/')) t = t.slice(0, -2);
  t = t.trimStart();
  if (!t.startsWith(KEYWORD)) return undefined;
  t = t.slice(KEYWORD.length);
  let scope: IgnoreDirective['scope'] = 'next-statement';
  if (t.startsWith('-file') && !WORD_CHAR.test(t.charAt(5))) {
    scope = 'file';
    t = t.slice(5);
  } else if (WORD_CHAR.test(t.charAt(0))) {
    return undefined; // e.g. `lockstep-ignored`
  }
  const colon = t.indexOf(':');
  const ids = colon < 0 ? t : t.slice(0, colon);
  if (ids.includes('*')) return undefined;
  const reason = colon < 0 ? '' : t.slice(colon + 1).trim();
  return { scope, ruleIds: ids.split(/[\s,]+/).filter(Boolean), reason: reason || undefined };
}

const KEYWORD = 'lockstep-ignore';
const WORD_CHAR = /\w/;

export function parseIgnores(comments: readonly SourceComment[]): IgnoreDirective[] {
  return parseIgnoresOf({ items: comments, shifts: undefined });
}

/** `parseIgnores` over a split's list of comments (parse/shiftedList.ts): only a directive's comment is made where it is now. */
export function parseIgnoresOf(comments: ShiftedList<SourceComment>): IgnoreDirective[] {
  const found: IgnoreDirective[] = [];
  for (let i = 0; i < comments.items.length; i++) {
    ignoreWork.steps++;
    const parsed = parseDirective(comments.items[i].text);
    if (parsed) found.push({ ...parsed, span: commentAt(comments, i).span, used: new Set() });
  }
  return found;
}

/**
 * Binds each `next-statement` ignore to the first statement that starts after it. Both lists are in
 * document order, so one merge pass does it.
 */
export function bindIgnores(directives: readonly IgnoreDirective[], statements: readonly { index: number; span: TextSpan }[]): void {
  let s = 0;
  for (const d of directives) {
    ignoreWork.steps++;
    if (d.scope !== 'next-statement') continue;
    while (s < statements.length && statements[s].span.start < d.span.end) {
      ignoreWork.steps++;
      s++;
    }
    d.statementIndex = statements[s]?.index;
  }
}

/** Finds the ignore that silences a finding in constant time: the first directive per (scope, rule id). */
export class IgnoreIndex {
  private readonly first = new Map<string, IgnoreDirective>();

  constructor(directives: readonly IgnoreDirective[]) {
    for (const d of directives) {
      const where = d.scope === 'file' ? 'file' : d.statementIndex;
      if (where === undefined) continue;
      for (const id of d.ruleIds) {
        ignoreWork.steps++;
        const key = `${where}|${id}`;
        if (!this.first.has(key)) this.first.set(key, d);
      }
    }
  }

  /** The first directive (in document order) that silences `ruleId` at `statementIndex`. */
  find(ruleId: string, statementIndex: number | undefined): IgnoreDirective | undefined {
    // Most files have no ignores: then a finding costs nothing here (a relint emits every finding again).
    if (this.first.size === 0) return undefined;
    let best = this.earlier(undefined, `file|${ruleId}`);
    best = this.earlier(best, 'file|all');
    if (statementIndex !== undefined) {
      best = this.earlier(best, `${statementIndex}|${ruleId}`);
      best = this.earlier(best, `${statementIndex}|all`);
    }
    return best;
  }

  private earlier(best: IgnoreDirective | undefined, key: string): IgnoreDirective | undefined {
    ignoreWork.steps++;
    const d = this.first.get(key);
    return d && (!best || d.span.start < best.span.start) ? d : best;
  }
}

/** Does `directive` silence `ruleId` for the statement at `statementIndex`? */
export function silences(directive: IgnoreDirective, ruleId: string, statementIndex: number | undefined): boolean {
  if (!directive.ruleIds.includes(ruleId) && !directive.ruleIds.includes('all')) return false;
  return directive.scope === 'file' || (statementIndex !== undefined && directive.statementIndex === statementIndex);
}
