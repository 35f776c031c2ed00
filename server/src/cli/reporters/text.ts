/** Human-readable output: one block per finding with a source excerpt, then a summary line. */
import type { Severity } from '../../config/types';
import { sqlName } from '../../locks/modes';
import type { Certainty } from '../../locks/types';
import { blockedSummary } from '../../impactTable';
import { totals, type FileReport, type Reporter, type ReportedFinding, type ReportedImpact } from '../report';

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', cyan: '\x1b[36m', green: '\x1b[32m' };
const SEVERITY_COLOR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.blue, hint: ANSI.cyan };
/** Longest excerpt shown; longer lines are cut to a window around the finding. */
const MAX_EXCERPT = 160;

type Paint = (code: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (code, text) => `${code}${text}${ANSI.reset}` : (_code, text) => text;
}

/** The line with the finding, and a `^^^` underline under the span (to the end of the line if the span goes on). */
function excerpt(file: FileReport, finding: ReportedFinding, paint: Paint): string[] {
  const source = file.sourceLines[finding.start.line] ?? '';
  let from = finding.start.column - 1;
  let to = finding.end.line === finding.start.line ? finding.end.column - 1 : source.length;
  if (to <= from) to = from + 1;
  let shown = source;
  let shift = 0;
  if (source.length > MAX_EXCERPT) {
    shift = Math.max(0, Math.min(from - 20, source.length - MAX_EXCERPT));
    shown = source.slice(shift, shift + MAX_EXCERPT);
    from -= shift;
    to = Math.min(to - shift, MAX_EXCERPT + 1);
  }
  // Control characters would garble the terminal; tabs are kept so the underline lines up.
  const visible = shown.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
  const pad = visible.slice(0, from).replace(/[^\t]/g, ' ');
  const gutter = String(finding.start.line);
  const blank = ' '.repeat(gutter.length);
  return [
    `  ${paint(ANSI.dim, `${gutter} |`)} ${shift > 0 ? '…' : ''}${visible}`,
    `  ${paint(ANSI.dim, `${blank} |`)} ${shift > 0 ? ' ' : ''}${pad}${paint(SEVERITY_COLOR[finding.severity], '^'.repeat(to - from))}`,
  ];
}

function renderFinding(file: FileReport, finding: ReportedFinding, paint: Paint): string[] {
  const where = paint(ANSI.bold, `${file.path}:${finding.start.line}:${finding.start.column}`);
  const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity);
  const [first, ...more] = finding.message.split(/\r?\n/);
  const lines = [`${where}: ${severity}: ${first} ${paint(ANSI.dim, `[${finding.ruleId}]`)}`];
  for (const line of more) lines.push(`  ${line}`);
  lines.push(...excerpt(file, finding, paint));
  for (const r of finding.related ?? []) lines.push(`  ${paint(ANSI.dim, 'used at')} ${r.path}:${r.line}:${r.column}: ${r.message}`);
  if (finding.docsUrl) lines.push(`  ${paint(ANSI.dim, `docs: ${finding.docsUrl}`)}`);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(files: FileReport[], t: ReturnType<typeof totals>, paint: Paint): string {
  const checked = plural(files.length, 'file');
  if (t.findings === 0) return paint(ANSI.green, `✔ No problems found in ${checked}.`);
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .filter((s) => t.bySeverity[s] > 0)
    .map((s) => (s === 'info' ? `${t.bySeverity[s]} info` : plural(t.bySeverity[s], s)));
  const line = `✖ ${plural(t.findings, 'problem')} (${parts.join(', ')}) in ${t.filesWithFindings} of ${checked}.`;
  return paint(t.bySeverity.error > 0 ? ANSI.red : ANSI.yellow, line);
}

/** Per run, per framework: host files read and the share of their SQL calls understood. */
export function frameworkSummary(files: FileReport[]): string | undefined {
  const by = new Map<string, { files: number; understood: number; notAnalysed: number }>();
  for (const f of files) {
    if (!f.framework) continue;
    const e = by.get(f.framework.id) ?? { files: 0, understood: 0, notAnalysed: 0 };
    e.files++;
    e.understood += f.framework.understood;
    e.notAnalysed += f.framework.notAnalysed;
    by.set(f.framework.id, e);
  }
  if (by.size === 0) return undefined;
  const parts = [...by].map(([id, e]) => {
    const total = e.understood + e.notAnalysed;
    const pct = total === 0 ? 100 : Math.round((e.understood / total) * 1000) / 10;
    return `${id}: ${plural(e.files, 'file')}, ${pct}% of SQL calls analysed${e.notAnalysed ? ` (${e.notAnalysed} not analysed)` : ''}`;
  });
  return `Frameworks: ${parts.join('; ')}.`;
}

function certainty(value: Certainty, sure: string, unsure: string): string {
  return value === 'maybe' ? unsure : value ? sure : '';
}

function renderImpact(impact: ReportedImpact, paint: Paint): string[] {
  const lines = [`  ${paint(ANSI.dim, `${impact.start.line}:${impact.start.column}`)} ${paint(ANSI.bold, impact.summary)}${impact.inTransaction ? paint(ANSI.dim, ' (in a transaction)') : ''}`];
  if (impact.relations.length === 0) lines.push('      takes no table locks');
  for (const relation of impact.relations) {
    const effects = [
      certainty(relation.rewrite, 'rewrites it', 'may rewrite it'),
      certainty(relation.scan, 'reads every row', 'may read every row'),
    ].filter(Boolean);
    lines.push(`      ${relation.relation}: ${sqlName(relation.mode)}, blocks ${blockedSummary(relation)}${effects.length ? `; ${effects.join(', ')}` : ''}`);
  }
  for (const note of impact.notes) lines.push(`      ${paint(ANSI.dim, `note: ${note}`)}`);
  return lines;
}

/** `--explain`: every statement's locks, file by file. */
export function renderExplain(files: FileReport[], color: boolean): string {
  const paint = painter(color);
  const out: string[] = [];
  for (const file of files) {
    if (!file.impacts) continue;
    out.push(paint(ANSI.bold, `Lock impact: ${file.path}`));
    if (file.impacts.length === 0) out.push('  (no statements)');
    for (const impact of file.impacts) out.push(...renderImpact(impact, paint));
    out.push('');
  }
  return out.join('\n');
}

export const textReporter: Reporter = (report, options) => {
  const paint = painter(options.color);
  const out: string[] = [];
  for (const file of report.files) {
    for (const finding of file.findings) out.push(...renderFinding(file, finding, paint), '');
  }
  const explained = renderExplain(report.files, options.color);
  if (explained) out.push(explained);
  if (!options.quiet) {
    const coverage = frameworkSummary(report.files);
    if (coverage) out.push(paint(ANSI.dim, coverage));
    out.push(summary(report.files, totals(report), paint));
  }
  return out.length ? `${out.join('\n')}\n` : '';
};
