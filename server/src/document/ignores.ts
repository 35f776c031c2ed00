/**
 * `-- lockstep-ignore <id>[, <id>]: reason` silences the next statement;
 * `-- lockstep-ignore-file <id>[, <id>]` silences the whole file.
 */
import type { TextSpan } from '../findings';
import type { SourceComment } from '../parse/split';

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

const DIRECTIVE = /^(?:--|\/\*)\s*lockstep-ignore(-file)?\b\s*([^:*]*?)\s*(?::\s*(.*?))?\s*(?:\*\/)?\s*$/s;

export function parseIgnores(comments: readonly SourceComment[]): IgnoreDirective[] {
  const found: IgnoreDirective[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text.trim());
    if (!m) continue;
    const ruleIds = m[2].split(/[\s,]+/).filter(Boolean);
    found.push({ scope: m[1] ? 'file' : 'next-statement', ruleIds, reason: m[3] || undefined, span: c.span, used: new Set() });
  }
  return found;
}

/** Does `directive` silence `ruleId` for the statement at `statementIndex`? */
export function silences(directive: IgnoreDirective, ruleId: string, statementIndex: number | undefined): boolean {
  if (!directive.ruleIds.includes(ruleId) && !directive.ruleIds.includes('all')) return false;
  return directive.scope === 'file' || (statementIndex !== undefined && directive.statementIndex === statementIndex);
}
