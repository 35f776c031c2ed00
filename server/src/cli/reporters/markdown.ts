/**
 * A pull-request comment in GitHub-flavoured Markdown: a summary line, a table of findings, and
 * (with --explain) each statement's locks in a collapsed section. The hidden marker lets the
 * GitHub Action find and update its own comment instead of adding one per push.
 */
import { sqlName } from '../../locks/modes';
import { totals, type ReportedImpact, type Reporter } from '../report';

export const COMMENT_MARKER = '<!-- lockstep-report -->';

const ICON = { error: '🛑', warning: '⚠️', info: 'ℹ️', hint: '💡' } as const;

/** Text safe inside a table cell: no pipes or line breaks, inline code left intact. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function lockLines(path: string, impacts: ReportedImpact[]): string[] {
  const rows = impacts.flatMap((impact) =>
    impact.relations
      .filter((r) => !r.created)
      .map((r) => {
        const work = [r.rewrite === true ? 'rewrites' : r.rewrite === 'maybe' ? 'may rewrite' : '', r.scan === true ? 'scans' : r.scan === 'maybe' ? 'may scan' : '']
          .filter(Boolean)
          .join(', ');
        return `| ${impact.start.line} | ${cell(impact.summary)} | \`${cell(r.relation)}\` | ${sqlName(r.mode)} | ${cell(r.blocks.labels.join(', ') || 'nothing')} | ${work || '—'} |`;
      }),
  );
  if (rows.length === 0) return [];
  return [
    '<details>',
    `<summary>Locks taken by <code>${cell(path)}</code></summary>`,
    '',
    '| Line | Statement | Relation | Lock | Blocks | Table work |',
    '|---:|---|---|---|---|---|',
    ...rows,
    '',
    '</details>',
    '',
  ];
}

export const markdownReporter: Reporter = (report) => {
  const t = totals(report);
  const lines = [COMMENT_MARKER, '## Lockstep', ''];
  if (t.findings === 0) {
    lines.push(`✅ No problems found in ${plural(report.files.length, 'migration')}.`, '');
  } else {
    const counts = (['error', 'warning', 'info', 'hint'] as const).filter((s) => t.bySeverity[s] > 0).map((s) => `${ICON[s]} ${plural(t.bySeverity[s], s)}`);
    lines.push(`**${plural(t.findings, 'problem')}** in ${t.filesWithFindings} of ${plural(report.files.length, 'migration')}: ${counts.join(' · ')}`, '');
    lines.push('| | File | Line | Rule | Finding |', '|---|---|---:|---|---|');
    for (const file of report.files) {
      for (const f of file.findings) {
        const rule = f.docsUrl && /^https?:/.test(f.docsUrl) ? `[\`${f.ruleId}\`](${f.docsUrl})` : `\`${f.ruleId}\``;
        const message = f.message.split('\n')[0];
        lines.push(`| ${ICON[f.severity]} | \`${cell(file.path)}\` | ${f.start.line} | ${rule} | ${cell(message)} |`);
      }
    }
    lines.push('');
  }
  for (const file of report.files) if (file.impacts) lines.push(...lockLines(file.path, file.impacts));
  for (const error of report.errors) lines.push(`> **Could not lint** \`${cell(error.path)}\`: ${cell(error.message)}`, '');
  lines.push(`<sub>Lockstep ${report.toolVersion}</sub>`, '');
  return lines.join('\n');
};
