/**
 * The lock timeline chart for the report webview, as hand-written SVG: one row per relation,
 * a bar per lock held, coloured by mode, its length from the estimated durations (with the
 * shared chart scale, so instant statements stay visible). Tooltips are SVG <title>s, so the
 * webview needs no script. Pure: no `vscode` import, unit-tested directly.
 */
import { LOCK_MODES, sqlName, type LockMode } from '../../../server/src/locks/modes';
import { chartScale } from '../../../server/src/db/chartScale';
import { formatSeconds } from '../../../server/src/db/format';
import type { EstimateReport } from '../../../server/src/db/report';

/** Warm colours for locks that stop traffic, cool ones for those that do not. */
export const MODE_COLORS: Record<LockMode, string> = {
  AccessShareLock: '#8c8c8c',
  RowShareLock: '#6fb98f',
  RowExclusiveLock: '#3f9b5a',
  ShareUpdateExclusiveLock: '#4f8fd6',
  ShareLock: '#e0b020',
  ShareRowExclusiveLock: '#e08a2c',
  ExclusiveLock: '#d9642b',
  AccessExclusiveLock: '#d03c3c',
};

const WIDTH = 960;
const LABEL_WIDTH = 170;
const ROW_HEIGHT = 26;
const BAR_HEIGHT = 16;
const TOP = 8;
const AXIS_HEIGHT = 34;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function timelineSvg(report: EstimateReport): string {
  const relations = [...new Set(report.timeline.map((s) => s.relation))];
  if (relations.length === 0) return '<p class="empty">No statement locks an existing relation.</p>';
  const scale = chartScale(report.statements.map((s) => s.seconds));
  const plot = WIDTH - LABEL_WIDTH - 10;
  const x = (fraction: number) => LABEL_WIDTH + fraction * plot;
  const height = TOP + relations.length * ROW_HEIGHT + AXIS_HEIGHT;
  const parts: string[] = [];

  // Statement boundaries and numbers: the axis is the migration, statement by statement.
  report.statements.forEach((s, i) => {
    const left = x(scale.left[i]);
    parts.push(`<line class="grid" x1="${left.toFixed(1)}" y1="${TOP}" x2="${left.toFixed(1)}" y2="${height - AXIS_HEIGHT + 4}"/>`);
    const mid = left + (scale.width[i] * plot) / 2;
    parts.push(
      `<text class="tick" x="${mid.toFixed(1)}" y="${height - AXIS_HEIGHT + 18}" text-anchor="middle"><title>${escapeXml(`#${s.index + 1} (line ${s.line}) ${s.summary}: starts at ${formatSeconds(s.startSeconds)}, runs ${formatSeconds(s.seconds)}`)}</title>${s.index + 1}</text>`,
    );
  });
  parts.push(`<line class="grid" x1="${x(1).toFixed(1)}" y1="${TOP}" x2="${x(1).toFixed(1)}" y2="${height - AXIS_HEIGHT + 4}"/>`);
  parts.push(`<text class="axis" x="${x(1).toFixed(1)}" y="${height - 4}" text-anchor="end">total ≈ ${escapeXml(formatSeconds(report.totalSeconds))} (statement numbers below the bars)</text>`);

  relations.forEach((relation, row) => {
    const y = TOP + row * ROW_HEIGHT;
    const label = relation.length > 24 ? `${relation.slice(0, 23)}…` : relation;
    parts.push(`<text class="relation" x="${LABEL_WIDTH - 8}" y="${y + ROW_HEIGHT / 2 + 4}" text-anchor="end"><title>${escapeXml(relation)}</title>${escapeXml(label)}</text>`);
    for (const seg of report.timeline.filter((s) => s.relation === relation)) {
      const span = scale.span(seg.firstPosition, seg.lastPosition);
      const x0 = x(span.x0);
      const w = Math.max(3, x(span.x1) - x0 - 1);
      const tip = `${relation}: ${sqlName(seg.mode)} from ${formatSeconds(seg.start)} to ${formatSeconds(seg.end)} (taken by statement #${seg.statementIndex + 1}${seg.heldByTransaction ? ', held until its transaction commits' : ''})`;
      parts.push(
        `<rect class="bar" data-mode="${seg.mode}" data-relation="${escapeXml(relation)}" x="${x0.toFixed(1)}" y="${y + (ROW_HEIGHT - BAR_HEIGHT) / 2}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${MODE_COLORS[seg.mode]}"${seg.heldByTransaction ? ' fill-opacity="0.85"' : ''}><title>${escapeXml(tip)}</title></rect>`,
      );
      if (w > 70) parts.push(`<text class="bar-label" x="${(x0 + 4).toFixed(1)}" y="${y + ROW_HEIGHT / 2 + 4}">${escapeXml(sqlName(seg.mode))}</text>`);
    }
  });

  const legend = [...LOCK_MODES].reverse().filter((m) => report.timeline.some((s) => s.mode === m))
    .map((m) => `<span class="legend-item"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${MODE_COLORS[m]}"/></svg> ${escapeXml(sqlName(m))}</span>`)
    .join(' ');
  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Lock timeline">` +
    `<title>Which relation is held in which lock mode across the migration</title>${parts.join('')}</svg>` +
    `<div class="legend">${legend}</div>`
  );
}
