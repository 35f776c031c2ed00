/**
 * The connected part of a statement's hover: live sizes, the estimated duration, who is in the
 * way right now, and the risk. Appended under the offline lock table, never replacing it.
 */
import { formatAge, formatBytes, formatCount, formatSeconds } from '../format';
import type { EstimateReport, StatementEstimate } from '../report';
import { blockerLine, codeSpan, durationSummary, riskLabel } from './common';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function connectedHover(report: EstimateReport, statement: StatementEstimate | undefined, ageSeconds: number): string {
  const source = `**${cell(report.target)}** · PostgreSQL ${report.server.version}${ageSeconds >= 1 ? ` · figures from ${formatAge(ageSeconds)} ago` : ''}`;
  if (!statement) return ['---', '', source, '', 'This statement takes no table lock.'].join('\n');
  const lines = ['---', '', source, ''];
  const existing = statement.relations.filter((r) => !r.created && !r.missing);
  if (existing.length) {
    lines.push('| relation | rows | table | indexes | TOAST | lock held |', '|---|---|---|---|---|---|');
    for (const r of existing) {
      const indexes = r.indexCount ? `${formatBytes(r.indexBytes)} (${r.indexCount})` : '—';
      lines.push(`| ${cell(r.relation)} | ${formatCount(r.rows)} | ${formatBytes(r.heapBytes)} | ${indexes} | ${r.toastBytes ? formatBytes(r.toastBytes) : '—'} | ${formatSeconds(r.heldSeconds)} |`);
    }
    lines.push('');
  }
  for (const r of statement.relations.filter((x) => x.missing)) lines.push(`${cell(r.relation)} is not in the database.`, '');
  lines.push(`Estimated time: ${durationSummary(statement)}${statement.work.length ? ` — ${statement.work.map((w) => `${w.kind} of ${w.relation}: ${w.basis}`).join('; ')}` : ''}`, '');
  const blockers = existing.flatMap((r) => [
    ...r.waitsFor.map((b) => `- waits for ${cell(blockerLine(b, codeSpan))}`),
    ...r.queuesBehind.map((b) => `- queues behind ${cell(blockerLine(b, codeSpan))}`),
  ]);
  if (blockers.length) lines.push('**Live sessions in the way**', '', ...blockers.slice(0, 5), ...(blockers.length > 5 ? [`- … and ${blockers.length - 5} more`] : []), '');
  lines.push(`**Risk: ${riskLabel(statement.risk)}** — ${statement.reasons.map(cell).join(' ')}`);
  return lines.join('\n');
}
