/**
 * The live panel of a run or a watch: the statement running, its lock wait and blockers, the queue
 * behind it over time (a chart), backfill progress, replication lag, the log, and the Cancel
 * button (the kill switch). The extension posts the LiveState; a small script renders it, and the
 * buttons post back "cancel" / "stop". The script is the panel's own (nonce), nothing remote.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LiveState } from '../../../server/src/run/liveEvents';

export const LIVE_VIEW_TYPE = 'lockstep.livePanel';
/** At most this often the panel is redrawn (samples arrive every 250 ms). */
const REDRAW_MS = 200;

export class LivePanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private pending?: NodeJS.Timeout;
  private latest?: LiveState;

  constructor(private readonly onButton: (command: 'cancel' | 'stop') => void) {}

  show(state: LiveState): void {
    const title = state.mode === 'run' ? 'Lockstep: Run' : 'Lockstep: Watch';
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(LIVE_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        enableForms: false,
        retainContextWhenHidden: true,
        localResourceRoots: [],
      });
      this.panel.webview.html = liveHtml(randomBytes(16).toString('base64'));
      this.panel.webview.onDidReceiveMessage((message: { command?: string }) => {
        if (message?.command === 'cancel' || message?.command === 'stop') this.onButton(message.command);
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = title;
    this.panel.reveal(undefined, true);
    this.update(state);
  }

  update(state: LiveState): void {
    this.latest = state;
    if (this.pending || !this.panel) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.panel?.webview.postMessage({ state: this.latest });
    }, REDRAW_MS);
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  reveal(): void {
    this.panel?.reveal(undefined, false);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.panel?.dispose();
  }
}

function liveHtml(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; }
  .phase { font-weight: bold; } .bad { color: var(--vscode-errorForeground); }
  table { border-collapse: collapse; } td, th { padding: 2px 8px; text-align: left; vertical-align: top; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 0; padding: 4px 12px; cursor: pointer; }
  button:disabled { opacity: .5; cursor: default; }
  #cancel { background: var(--vscode-inputValidation-errorBackground, #a1260d); }
  pre { white-space: pre-wrap; font-size: 12px; max-height: 16em; overflow: auto; }
  progress { width: 20em; }
</style></head>
<body>
<h2 id="title">Lockstep</h2>
<p><span class="phase" id="phase">starting…</span> <span id="target"></span></p>
<p><button id="cancel" title="Cancel the migration's statement now (the kill switch)">Cancel</button> <button id="stop">Stop watching</button></p>
<table>
  <tr><th>Statement</th><td id="statement">–</td></tr>
  <tr><th>Lock wait</th><td id="wait">–</td></tr>
  <tr><th>Waiting for</th><td id="blockers">–</td></tr>
  <tr><th>Queue behind it</th><td id="queue">–</td></tr>
  <tr><th>Backfill</th><td id="progress">–</td></tr>
  <tr><th>Replication lag</th><td id="lag">–</td></tr>
  <tr><th>Totals</th><td id="totals">–</td></tr>
</table>
<h3>Queue behind the migration (sessions; red: oldest wait, s)</h3>
<svg id="chart" width="480" height="100" role="img" aria-label="queue over time"></svg>
<h3>Log</h3>
<pre id="log"></pre>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  $('cancel').addEventListener('click', () => vscode.postMessage({ command: 'cancel' }));
  $('stop').addEventListener('click', () => vscode.postMessage({ command: 'stop' }));
  const s1 = (ms) => (ms / 1000).toFixed(1) + ' s';
  function chart(history) {
    const svg = $('chart'); const w = 480, h = 100;
    const maxQ = Math.max(1, ...history.map((p) => p.queue));
    const maxW = Math.max(1000, ...history.map((p) => p.oldestWaitMs));
    const step = w / Math.max(1, history.length);
    let bars = '', line = '';
    history.forEach((p, i) => {
      const bh = (p.queue / maxQ) * (h - 10);
      bars += '<rect x="' + (i * step).toFixed(1) + '" y="' + (h - bh).toFixed(1) + '" width="' + Math.max(1, step - 1).toFixed(1) + '" height="' + bh.toFixed(1) + '" fill="var(--vscode-charts-blue, #3794ff)"/>';
      line += (i ? ' ' : '') + (i * step + step / 2).toFixed(1) + ',' + (h - (p.oldestWaitMs / maxW) * (h - 10)).toFixed(1);
    });
    svg.innerHTML = bars + (line ? '<polyline fill="none" stroke="var(--vscode-charts-red, #f14c4c)" points="' + line + '"/>' : '');
  }
  window.addEventListener('message', (event) => {
    const s = event.data && event.data.state; if (!s) return;
    const live = !['finished', 'failed', 'cancelled'].includes(s.phase);
    $('title').textContent = s.mode === 'run' ? 'Lockstep run' : 'Lockstep watch';
    $('phase').textContent = s.phase + (s.message ? ': ' + s.message : '');
    $('phase').className = 'phase' + (s.phase === 'failed' ? ' bad' : '');
    $('target').textContent = s.target;
    $('cancel').disabled = !live || s.phase === 'cancelling';
    $('stop').style.display = s.mode === 'watch' ? '' : 'none';
    $('stop').disabled = !live;
    const c = s.current;
    $('statement').textContent = c ? (c.file ? c.file + ':' + c.line + ' ' : '') + (c.pid ? '(pid ' + c.pid + ') ' : '') + c.statement + (c.attempt > 1 ? ' — try ' + c.attempt : '') : '–';
    $('wait').textContent = c ? s1(c.lockWaitMs) : '–';
    $('blockers').textContent = c && c.blockers.length ? c.blockers.map((b) => 'pid ' + b.pid + (b.applicationName ? ' (' + b.applicationName + ')' : '') + ', ' + b.state + ': ' + b.query).join('; ') : 'none';
    $('queue').textContent = c ? c.queue + ' session(s), oldest waiting ' + s1(c.oldestWaitMs) : '–';
    const p = s.progress;
    $('progress').textContent = p ? p.step + ': ' + p.percent + ' %, ' + p.rowsChanged + ' rows' + (p.rowsPerSecond !== undefined ? ', ' + p.rowsPerSecond + ' rows/s' : '') + (p.etaSeconds !== undefined ? ', about ' + p.etaSeconds + ' s left' : '') + (p.batchSize !== undefined ? '; throttled to batches of ' + p.batchSize + ' rows, ' + p.pauseMs + ' ms apart' : '') : '–';
    if (p && !$('bar')) { const bar = document.createElement('progress'); bar.id = 'bar'; bar.max = 100; $('progress').after(bar); }
    if ($('bar')) $('bar').value = p ? p.percent : 0;
    $('lag').textContent = s.standbys.length ? s.standbys.map((x) => x.name + ': ' + (x.replayLagMs === undefined ? 'unknown' : s1(x.replayLagMs)) + (x.replayLagBytes === undefined ? '' : ', ' + x.replayLagBytes + ' bytes of WAL')).join(', ') : 'no standbys';
    $('totals').textContent = s.applied + ' applied, ' + s.skipped + ' skipped, ' + s.retries + ' retries, ' + s.cancels + ' kill-switch cancels, ' + s.longTransactions + ' long transaction(s)';
    chart(s.history);
    $('log').textContent = s.log.join('\\n');
  });
</script>
</body></html>`;
}
