/** `lockstep estimate --format text`: the report for a terminal. */
import { formatAge, formatSeconds, shortQuery } from '../format';
import type { EstimateReport } from '../report';
import { blockerLine, durationSummary, headline, lockSummary, relationFigures, riskLabel, throughputLine } from './common';
import { timelineText } from './timelineText';

export function renderText(report: EstimateReport): string {
  const out: string[] = [`Lock impact${report.file ? ` of ${report.file}` : ''}`, headline(report), ''];
  for (const s of report.statements) {
    out.push(`#${s.index + 1}  line ${s.line}  ${riskLabel(s.risk).padEnd(6)}  ${s.summary}`);
    out.push(`    ${lockSummary(s)} · ${durationSummary(s)}${s.inTransaction ? ' · in a transaction' : ''}`);
    for (const w of s.work) out.push(`    ${w.certain ? '' : 'maybe '}${w.kind} of ${w.relation}: ${formatSeconds(w.seconds)} (${w.basis})`);
    for (const r of s.relations.filter((r) => !r.created)) {
      out.push(`    ${relationFigures(r)}`);
      for (const b of r.waitsFor) out.push(`      waits for ${blockerLine(b)}`);
      for (const b of r.queuesBehind) out.push(`      queues behind ${blockerLine(b)}`);
    }
    for (const reason of s.reasons) out.push(`    - ${reason}`);
    out.push('');
  }
  const chart = timelineText(report);
  if (chart.length) out.push('Lock timeline', ...chart.map((l) => `  ${l}`), '');
  if (report.longTransactions.length) {
    out.push(`Transactions open longer than ${report.longTransactionSeconds} s`);
    for (const t of report.longTransactions) {
      out.push(`  pid ${t.pid} ${t.application || t.backendType} (${t.state}, open ${formatAge(t.xactAgeSeconds)}): ${shortQuery(t.query)}`);
    }
    out.push('');
  }
  if (report.notes.length) out.push('Notes', ...report.notes.map((n) => `  - ${n}`), '');
  out.push(throughputLine(report));
  return `${out.join('\n')}\n`;
}
