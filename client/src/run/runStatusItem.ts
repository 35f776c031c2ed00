/** Status bar item while a run or watch started from the editor is live; click to show its panel. */
import * as vscode from 'vscode';
import type { LiveState } from '../../../server/src/run/liveEvents';

export const SHOW_LIVE_PANEL_COMMAND = 'lockstep.showRunPanel';

/** The item's text for a state (exported for the e2e test, which cannot read the status bar). */
export function runStatusText(s: LiveState): string {
  const kind = s.mode === 'run' ? 'Lockstep run' : 'Lockstep watch';
  const c = s.current;
  switch (s.phase) {
    case 'starting':
      return `$(sync~spin) ${kind}: starting`;
    case 'cancelling':
      return `$(sync~spin) ${kind}: cancelling`;
    case 'running':
      if (c && c.blockers.length) return `$(watch) ${kind}: waiting ${(c.lockWaitMs / 1000).toFixed(1)} s for pid ${c.blockers.map((b) => b.pid).join(', ')}, ${c.queue} queued`;
      if (s.progress) return `$(sync~spin) ${kind}: ${s.progress.step} ${s.progress.percent} %`;
      return s.mode === 'run' ? `$(sync~spin) ${kind}: ${s.applied} applied` : `$(eye) ${kind}: ${c ? `pid ${c.pid}, ${c.queue} queued` : 'no migration running'}`;
    case 'finished':
      return `$(check) ${kind}: ${s.message ?? 'done'}`;
    case 'cancelled':
      return `$(circle-slash) ${kind}: cancelled`;
    case 'failed':
      return `$(error) ${kind}: failed`;
  }
}

export class RunStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lockstep.run', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Lockstep run';
    this.item.command = SHOW_LIVE_PANEL_COMMAND;
  }

  update(state: LiveState): void {
    this.item.text = runStatusText(state);
    this.item.tooltip = `${state.mode === 'run' ? 'lockstep run' : 'lockstep watch'} on ${state.target}${state.message ? `\n${state.message}` : ''}\nClick to show the live panel (with the Cancel button).`;
    const live = !['finished', 'failed', 'cancelled'].includes(state.phase);
    this.item.backgroundColor = live && state.current?.blockers.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : state.phase === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
