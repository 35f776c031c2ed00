/** The end-of-run summary: per unit its real lock wait, time held, retries and the queue it caused. */
import type { RunReport, UnitReport } from './execute';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function line(u: UnitReport): string[] {
  return [
    `${u.file}:${u.line}`,
    u.status,
    String(u.attempts),
    seconds(u.lockWaitMs),
    seconds(u.heldMs),
    `${u.longestQueue} (${seconds(u.longestQueueWaitMs)})`,
    u.statement,
  ];
}

const HEADER = ['where', 'status', 'tries', 'lock wait', 'held', 'longest queue (wait)', 'statement'];

function summary(r: RunReport): string {
  const applied = r.units.filter((u) => u.status === 'applied').length;
  const skipped = r.units.filter((u) => u.status === 'skipped').length;
  const head = r.ok ? `Applied ${applied} unit(s) on ${r.target}` : `Run on ${r.target} stopped: ${r.error}`;
  return `${head}; ${skipped} already applied; the kill switch cancelled ${r.cancels} time(s).`;
}

function retryLines(r: RunReport): string[] {
  return r.units.flatMap((u) => u.retries.map((t, i) => `${u.file}:${u.line} try ${i + 1}: ${t.reason}${t.blockers.length ? `; waited behind ${t.blockers.join('; ')}` : ''}`));
}

function progressLines(r: RunReport): string[] {
  return r.units.flatMap((u) => (u.progress ? [`${u.file}:${u.line} ${u.progress.step}: ${u.progress.percent} % of the table, ${u.progress.rowsChanged} rows changed`] : []));
}

function throttleLines(r: RunReport): string[] {
  return r.units.flatMap((u) =>
    u.throttles.map((t) => {
      const paused = t.lagWaitMs === undefined ? '' : `; paused ${seconds(t.lagWaitMs)} until every standby was back under the lag limit`;
      return `${u.file}:${u.line} throttled to batches of ${t.batchSize} rows, ${t.pauseMs} ms apart: ${t.reason}${paused}`;
    }),
  );
}

function lagLines(r: RunReport): string[] {
  return r.standbys.map((s) => {
    const bytes = s.replayLagBytes === undefined ? '' : `, ${s.replayLagBytes} bytes of WAL`;
    return `standby ${s.name}: largest replay lag seen ${s.replayLagMs === undefined ? 'unknown' : seconds(s.replayLagMs)}${bytes}`;
  });
}

export function renderRunText(r: RunReport): string {
  const rows = [HEADER, ...r.units.map(line)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
  return [summary(r), '', ...table, ...(retryLines(r).length ? ['', ...retryLines(r)] : []), ...progressLines(r), ...throttleLines(r), ...lagLines(r)].join('\n') + '\n';
}

export function renderRunJson(r: RunReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export function renderRunMarkdown(r: RunReport): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `### Lockstep run`,
    '',
    summary(r),
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...r.units.map((u) => `| ${line(u).map((c, i) => (i === 6 ? `\`${cell(c)}\`` : cell(c))).join(' | ')} |`),
    ...(retryLines(r).length ? ['', ...retryLines(r).map((l) => `- ${cell(l)}`)] : []),
    ...progressLines(r).map((l) => `- ${cell(l)}`),
    ...throttleLines(r).map((l) => `- ${cell(l)}`),
    ...lagLines(r).map((l) => `- ${l}`),
  ].join('\n') + '\n';
}

export const RUN_FORMATS = { text: renderRunText, json: renderRunJson, markdown: renderRunMarkdown } as const;
export type RunFormat = keyof typeof RUN_FORMATS;
