/** Hover in a host file: the lock impact of each statement the string or call under the cursor sends, and that SQL. */
import type { LockstepConfig } from '../config/types';
import { impactOf } from '../engine';
import type { TextSpan } from '../findings';
import { renderHover } from '../hover';
import type { HostLintResult } from './lint';

export function hostHoverAt(result: HostLintResult, offset: number, config: LockstepConfig): { markdown: string; span: TextSpan } | undefined {
  const { host, document } = result;
  const hits = document.statements
    .map((stmt) => ({ stmt, span: host.toHost(stmt.span) }))
    .filter(({ span }) => offset >= span.start && offset <= span.end);
  if (hits.length === 0) return undefined;
  const parts = hits.map(({ stmt }) => {
    const sql = stmt.text.trim().replace(/\n;$/, '').replace(/`/g, '\u02cb');
    return `${renderHover(impactOf(stmt), document, config)}\n\n${host.framework.label} sends:\n\n\`\`\`sql\n${sql}\n\`\`\``;
  });
  const tx = host.extraction.transaction;
  parts.push(`_${tx.wrapped ? 'In a transaction' : 'No transaction'}: ${tx.because}._`);
  const span = { start: Math.min(...hits.map((h) => h.span.start)), end: Math.max(...hits.map((h) => h.span.end)) };
  return { markdown: parts.join('\n\n---\n\n'), span };
}
