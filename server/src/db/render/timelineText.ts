/**
 * The lock timeline as fixed-width text, for the CLI and pull-request comments (markdown cannot
 * draw): one row per relation, one character per slice of the migration, shaded by what the
 * lock blocks. Uses the same scale as the editor's SVG chart.
 */
import { blockedBy, sqlName, type LockMode } from '../../locks/modes';
import { chartScale } from '../chartScale';
import { formatSeconds } from '../format';
import type { EstimateReport } from '../report';

/** Darker blocks for locks that stop more traffic. */
export function shadeOf(mode: LockMode): string {
  const blocks = blockedBy(mode);
  return blocks.reads ? '█' : blocks.writes ? '▓' : '░';
}

export const SHADE_LEGEND = '█ blocks reads and writes · ▓ blocks writes · ░ blocks DDL/maintenance only';

export function timelineText(report: EstimateReport, width = 48): string[] {
  if (report.timeline.length === 0) return [];
  const scale = chartScale(report.statements.map((s) => s.seconds));
  const relations = [...new Set(report.timeline.map((seg) => seg.relation))];
  const nameWidth = Math.min(24, Math.max(...relations.map((r) => r.length)));
  const rows = relations.map((relation) => {
    const cells = Array<string>(width).fill(' ');
    const modes: string[] = [];
    for (const seg of report.timeline.filter((s) => s.relation === relation)) {
      const { x0, x1 } = scale.span(seg.firstPosition, seg.lastPosition);
      const from = Math.min(width - 1, Math.floor(x0 * width));
      const to = Math.max(from + 1, Math.round(x1 * width));
      for (let c = from; c < to && c < width; c++) cells[c] = shadeOf(seg.mode);
      modes.push(`${sqlName(seg.mode)} ${formatSeconds(seg.start)}–${formatSeconds(seg.end)}`);
    }
    const name = relation.length > nameWidth ? `${relation.slice(0, nameWidth - 1)}…` : relation.padEnd(nameWidth);
    return `${name} |${cells.join('')}| ${[...new Set(modes)].join(', ')}`;
  });
  // Statement numbers under the chart, at each statement's left edge where they fit.
  const ruler = Array<string>(width).fill(' ');
  report.statements.forEach((s, i) => {
    const at = Math.min(width - 1, Math.floor(scale.left[i] * width));
    const label = String(s.index + 1);
    // A blank on either side, so neighbouring numbers never run together.
    if (ruler.slice(Math.max(0, at - 1), at + label.length + 1).every((c) => c === ' ')) label.split('').forEach((ch, k) => at + k < width && (ruler[at + k] = ch));
  });
  return [...rows, `${' '.repeat(nameWidth)}  ${ruler.join('').trimEnd()}   (statement numbers; total ≈ ${formatSeconds(report.totalSeconds)})`, SHADE_LEGEND];
}
