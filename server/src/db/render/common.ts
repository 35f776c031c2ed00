/** Wording shared by the text, markdown and hover renderings of an estimate. */
import { sqlName } from '../../locks/modes';
import { formatAge, formatBytes, formatCount, formatSeconds, shortQuery } from '../format';
import type { Blocker, EstimateReport, RelationEstimate, StatementEstimate } from '../report';

export function riskLabel(risk: string): string {
  return risk.toUpperCase();
}

/** `ACCESS EXCLUSIVE on orders` for each existing relation a statement locks. */
export function lockSummary(s: StatementEstimate): string {
  const shown = s.relations.filter((r) => !r.created);
  if (shown.length === 0) return s.relations.length ? 'only new relations' : 'no table lock';
  return shown.map((r) => `${sqlName(r.mode)} on ${r.relation}`).join('; ');
}

/** The biggest existing relation the statement locks, as `rows · size`. */
export function sizeSummary(s: StatementEstimate): { rows: string; size: string } {
  const known = s.relations.filter((r) => !r.created && r.totalBytes !== null);
  if (known.length === 0) return { rows: '—', size: '—' };
  const biggest = known.reduce((a, b) => ((b.totalBytes ?? 0) > (a.totalBytes ?? 0) ? b : a));
  return { rows: formatCount(biggest.rows), size: formatBytes(biggest.totalBytes) };
}

/** `0.29 s`, `instant`, plus how long the lock stays held when its transaction outlives the statement. */
export function durationSummary(s: StatementEstimate): string {
  const maybe = s.work.some((w) => !w.certain) ? ' (if it rewrites)' : '';
  const own = s.work.length === 0 ? 'instant' : `${formatSeconds(s.seconds)}${maybe}`;
  const held = Math.max(0, ...s.relations.filter((r) => !r.created).map((r) => r.heldSeconds));
  return held > s.seconds + 0.005 ? `${own}, lock held ${formatSeconds(held)}` : own;
}

/** `quote` formats the query (markdown wraps it in a code span). */
export function blockerLine(b: Blocker, quote: (query: string) => string = (q) => q): string {
  const who = b.pid === null ? 'prepared transaction' : `pid ${b.pid}`;
  const app = b.application ? ` ${b.application}` : '';
  const age = b.xactAgeSeconds !== null ? `, transaction open ${formatAge(b.xactAgeSeconds)}` : '';
  const verb = b.granted ? 'holds' : 'waits for';
  return `${who}${app} (${b.state || 'unknown'}${age}) ${verb} ${sqlName(b.mode)}${b.query ? `: ${quote(shortQuery(b.query))}` : ''}`;
}

export function relationFigures(r: RelationEstimate): string {
  if (r.created) return `${r.relation}: created by this migration`;
  if (r.missing) return `${r.relation}: not in the database`;
  const parts = [`${formatCount(r.rows)} rows`, `table ${formatBytes(r.heapBytes)}`];
  if (r.toastBytes) parts.push(`TOAST ${formatBytes(r.toastBytes)}`);
  if (r.indexCount) parts.push(`${r.indexCount} index${r.indexCount === 1 ? '' : 'es'} ${formatBytes(r.indexBytes)}`);
  if (r.sizeSource === 'statistics') parts.push('sizes from statistics');
  return `${r.relation}: ${parts.join(', ')}`;
}

export function throughputLine(report: EstimateReport): string {
  const t = report.throughput;
  return `Durations assume rewrite ${t.rewriteMBps} MB/s, scan ${t.scanMBps} MB/s, index build ${t.indexBuildMBps} MB/s ("estimate" in lockstep.config.json).`;
}

export function headline(report: EstimateReport): string {
  return `${report.target} · PostgreSQL ${report.server.version} · ${report.statements.length} statement${report.statements.length === 1 ? '' : 's'} · about ${formatSeconds(report.totalSeconds)} of lock-holding work · risk ${riskLabel(report.risk)}`;
}

/** A markdown code span that survives backticks in the text. */
export function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
