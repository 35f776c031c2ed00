/**
 * `lockstep estimate --format markdown`: a pull-request comment. GitHub-flavoured markdown:
 * a summary table that fits a review, details folded away, the timeline as a text chart.
 */
import { formatAge, formatSeconds, shortQuery } from '../format';
import type { EstimateReport } from '../report';
import { blockerLine, codeSpan, durationSummary, lockSummary, relationFigures, riskLabel, sizeSummary, throughputLine } from './common';
import { timelineText } from './timelineText';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = codeSpan;

export function renderMarkdown(report: EstimateReport): string {
  const out: string[] = [
    `### Lockstep lock impact${report.file ? `: ${code(report.file)}` : ''} — risk **${riskLabel(report.risk)}**`,
    '',
    `Estimated against ${code(report.target)} (PostgreSQL ${report.server.version}) at ${report.takenAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}: ` +
      `about **${formatSeconds(report.totalSeconds)}** of lock-holding work over ${report.statements.length} statement${report.statements.length === 1 ? '' : 's'}.`,
    '',
    '| # | line | statement | lock | rows | size | est. time | blockers now | risk |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of report.statements) {
    const { rows, size } = sizeSummary(s);
    const blockers = new Set(s.relations.flatMap((r) => [...r.waitsFor, ...r.queuesBehind].map((b) => b.pid ?? 'prepared'))).size;
    out.push(
      `| ${s.index + 1} | ${s.line} | ${cell(s.summary)} | ${cell(lockSummary(s))} | ${rows} | ${size} | ${durationSummary(s)} | ${blockers || '—'} | **${riskLabel(s.risk)}** |`,
    );
  }
  out.push('');
  const risky = report.statements.filter((s) => s.risk !== 'low');
  for (const s of risky) {
    out.push(`<details><summary>#${s.index + 1} (line ${s.line}) ${cell(s.summary)} — ${riskLabel(s.risk)}</summary>`, '');
    out.push('```sql', s.sql, '```', '');
    for (const reason of s.reasons) out.push(`- ${reason}`);
    for (const w of s.work) out.push(`- ${w.certain ? '' : 'May '}${w.kind} of ${code(w.relation)}: about ${formatSeconds(w.seconds)} (${w.basis})`);
    for (const r of s.relations.filter((r) => !r.created)) {
      out.push(`- ${relationFigures(r)}`);
      for (const b of r.waitsFor) out.push(`  - waits for ${cell(blockerLine(b, code))}`);
      for (const b of r.queuesBehind) out.push(`  - queues behind ${cell(blockerLine(b, code))}`);
    }
    out.push('', '</details>', '');
  }
  const chart = timelineText(report);
  if (chart.length) out.push('<details><summary>Lock timeline</summary>', '', '```text', ...chart, '```', '', '</details>', '');
  if (report.longTransactions.length) {
    out.push(`**Transactions open longer than ${report.longTransactionSeconds} s** (a lock request queues behind them, and traffic behind it):`, '');
    out.push('| pid | application | state | open for | query |', '|---|---|---|---|---|');
    for (const t of report.longTransactions) {
      out.push(`| ${t.pid} | ${cell(t.application || t.backendType)} | ${cell(t.state)} | ${formatAge(t.xactAgeSeconds)} | ${code(shortQuery(t.query, 60))} |`);
    }
    out.push('');
  }
  for (const n of report.notes) out.push(`> ${n}`);
  if (report.notes.length) out.push('');
  out.push(`<sub>${throughputLine(report)}</sub>`);
  return `${out.join('\n')}\n`;
}
