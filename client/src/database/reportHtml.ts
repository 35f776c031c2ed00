/**
 * The estimate report as a self-contained HTML page for the webview: a per-statement table,
 * the lock timeline chart, live blockers and long transactions. No script, no remote resource:
 * the Content-Security-Policy allows only the one nonce'd stylesheet. Colours follow the theme.
 * Pure (no `vscode` import), so unit tests render it directly.
 */
import { formatAge, formatBytes, formatCount, formatSeconds, shortQuery } from '../../../server/src/db/format';
import { blockerLine, durationSummary, lockSummary, relationFigures, sizeSummary, throughputLine } from '../../../server/src/db/render/common';
import type { EstimateReport, StatementEstimate } from '../../../server/src/db/report';
import { escapeXml as esc, timelineSvg } from './timelineSvg';

export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; script-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'`;
}

export function reportHtml(report: EstimateReport, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lock impact</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>Lock impact${report.file ? ` of <code>${esc(report.file)}</code>` : ''} <span class="risk risk-${report.risk}" id="overall-risk">${report.risk}</span></h1>
  <p class="meta">${esc(report.target)} · PostgreSQL ${esc(report.server.version)} · ${report.statements.length} statement${report.statements.length === 1 ? '' : 's'} ·
  about <strong>${esc(formatSeconds(report.totalSeconds))}</strong> of lock-holding work · read at ${esc(report.takenAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} in ${report.gatherMs} ms</p>
</header>
<section>
<h2>Statements</h2>
<table class="statements">
<thead><tr><th>#</th><th>line</th><th>statement</th><th>lock</th><th>rows</th><th>size</th><th>est. time</th><th>in the way now</th><th>risk</th></tr></thead>
<tbody>
${report.statements.map(statementRows).join('\n')}
</tbody>
</table>
</section>
<section>
<h2>Lock timeline</h2>
<div class="chart">${timelineSvg(report)}</div>
</section>
${relationsSection(report)}
${longTransactionsSection(report)}
${report.notes.length ? `<section><h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : ''}
<footer>${esc(throughputLine(report))}</footer>
</body>
</html>`;
}

function statementRows(s: StatementEstimate): string {
  const { rows, size } = sizeSummary(s);
  const blockers = s.relations.flatMap((r) => [...r.waitsFor.map((b) => `waits for ${blockerLine(b)}`), ...r.queuesBehind.map((b) => `queues behind ${blockerLine(b)}`)]);
  const details = [
    ...s.reasons.map((r) => `<li>${esc(r)}</li>`),
    ...s.work.map((w) => `<li>${w.certain ? '' : 'May '}${esc(w.kind)} of ${esc(w.relation)}: about ${esc(formatSeconds(w.seconds))} (${esc(w.basis)})</li>`),
    ...s.relations.filter((r) => !r.created).map((r) => `<li>${esc(relationFigures(r))}</li>`),
    ...blockers.map((b) => `<li class="blocker">${esc(b)}</li>`),
    ...s.notes.map((n) => `<li class="note">${esc(n)}</li>`),
  ];
  return `<tr class="statement risk-row-${s.risk}" data-index="${s.index}">
  <td>${s.index + 1}</td><td>${s.line}</td>
  <td class="stmt"><div>${esc(s.summary)}</div><code class="sql">${esc(s.sql)}</code>${s.inTransaction ? '<div class="tx">in a transaction</div>' : ''}</td>
  <td>${esc(lockSummary(s))}</td><td class="num">${esc(rows)}</td><td class="num">${esc(size)}</td><td class="num">${esc(durationSummary(s))}</td>
  <td>${blockers.length ? `${blockers.length} session${blockers.length === 1 ? '' : 's'}` : '—'}</td>
  <td><span class="risk risk-${s.risk}">${s.risk}</span></td>
</tr>
<tr class="details"><td></td><td colspan="8"><details${s.risk === 'low' ? '' : ' open'}><summary>Why ${s.risk}</summary><ul>${details.join('')}</ul></details></td></tr>`;
}

function relationsSection(report: EstimateReport): string {
  if (report.relations.length === 0) return '';
  const rows = report.relations.map(
    (r) => `<tr><td>${esc(r.schema)}.${esc(r.name)}</td><td>${esc(r.kind)}</td><td class="num">${esc(formatCount(r.rows))}</td>
  <td class="num">${esc(formatBytes(r.heapBytes))}</td><td class="num">${esc(formatBytes(r.indexBytes))} (${r.indexes.length})</td><td class="num">${esc(formatBytes(r.toastBytes))}</td>
  <td>${r.foreignKeysOut.map((k) => `→ ${esc(k.to)}`).concat(r.foreignKeysIn.map((k) => `← ${esc(k.from)}`)).join(', ') || '—'}</td>
  <td>${r.triggers.map((t) => esc(t.name) + (t.enabled ? '' : ' (disabled)')).join(', ') || '—'}</td>
  <td>${r.sizeSource === 'measured' ? 'measured' : `statistics${r.sizeNote ? `: ${esc(r.sizeNote)}` : ''}`}</td></tr>`,
  );
  return `<section><h2>Relations</h2><table class="relations"><thead><tr><th>relation</th><th>kind</th><th>rows</th><th>table</th><th>indexes</th><th>TOAST</th><th>foreign keys</th><th>triggers</th><th>sizes</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

function longTransactionsSection(report: EstimateReport): string {
  if (report.longTransactions.length === 0) return '';
  const rows = report.longTransactions.map(
    (t) => `<tr><td>${t.pid}</td><td>${esc(t.application || t.backendType)}</td><td>${esc(t.state)}</td><td class="num">${esc(formatAge(t.xactAgeSeconds))}</td><td><code>${esc(shortQuery(t.query, 100))}</code></td></tr>`,
  );
  return `<section><h2>Transactions open longer than ${report.longTransactionSeconds} s</h2><p>A lock request queues behind a conflicting lock they hold, and every later query on that table queues behind the request.</p>
<table><thead><tr><th>pid</th><th>application</th><th>state</th><th>open for</th><th>query</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

/** Theme variables come from VS Code; fallbacks keep the page readable anywhere else. */
const STYLE = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); padding: 0 16px 24px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.meta, footer { color: var(--vscode-descriptionForeground, #666); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
code { font-family: var(--vscode-editor-font-family, monospace); }
td.stmt { min-width: 16em; }
code.sql { display: block; color: var(--vscode-descriptionForeground, #555); font-size: 0.9em; white-space: pre-wrap; overflow-wrap: anywhere; }
tr.details td { border-bottom: 1px solid var(--vscode-panel-border, #ddd); padding-top: 0; }
.tx { font-size: 0.85em; color: var(--vscode-descriptionForeground, #666); }
.risk { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 0.85em; text-transform: uppercase; color: #fff; }
.risk-low { background: #3f9b5a; } .risk-medium { background: #c98a12; } .risk-high { background: #d03c3c; }
li.blocker { color: var(--vscode-errorForeground, #c33); }
li.note { color: var(--vscode-descriptionForeground, #666); }
/* Below this width the chart's labels would shrink past reading: scroll instead. */
.chart { overflow-x: auto; } svg.timeline { min-width: 640px; max-width: 960px; }
svg.timeline text { fill: var(--vscode-foreground, #222); font-size: 12px; }
svg.timeline text.bar-label { fill: #fff; font-size: 10px; pointer-events: none; }
svg.timeline text.tick, svg.timeline text.axis { fill: var(--vscode-descriptionForeground, #666); font-size: 11px; }
svg.timeline line.grid { stroke: var(--vscode-panel-border, #ccc); stroke-dasharray: 2 3; }
.legend { margin-top: 6px; } .legend-item { margin-right: 14px; white-space: nowrap; }
`;
