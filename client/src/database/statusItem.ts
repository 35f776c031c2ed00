/** Status bar item: the database connection state. Click to connect, or to estimate when connected. */
import * as vscode from 'vscode';
import type { DatabaseStatus } from '../../../server/src/lsp/databaseProtocol';

export const CONNECT_COMMAND = 'lockstep.connectDatabase';
export const DISCONNECT_COMMAND = 'lockstep.disconnectDatabase';
export const ESTIMATE_COMMAND = 'lockstep.estimateLockImpact';

export class DatabaseStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lockstep.database', vscode.StatusBarAlignment.Right, 99);
  private status: DatabaseStatus = { state: 'offline' };

  private readonly watcher = vscode.window.onDidChangeActiveTextEditor(() => this.render());

  constructor() {
    this.item.name = 'Lockstep database';
    this.render();
  }

  update(status: DatabaseStatus | undefined): void {
    if (!status || typeof status.state !== 'string') return;
    this.status = status;
    this.render();
  }

  private render(): void {
    const s = this.status;
    this.item.backgroundColor = undefined;
    switch (s.state) {
      case 'connected':
        this.item.text = `$(database) PG ${s.serverVersion ?? s.pgVersion}: ${s.target}`;
        this.item.tooltip = `Lockstep is connected (read-only) to ${s.target}, PostgreSQL ${s.serverVersion}.\nRules and hovers use PostgreSQL ${s.pgVersion}.\nClick to estimate the lock impact of this file.`;
        this.item.command = ESTIMATE_COMMAND;
        break;
      case 'connecting':
        this.item.text = `$(sync~spin) Connecting to ${s.target ?? 'the database'}…`;
        this.item.tooltip = 'Lockstep is connecting to the database.';
        this.item.command = undefined;
        break;
      case 'failed':
        this.item.text = '$(warning) DB: not connected';
        this.item.tooltip = `${s.message ?? 'The connection failed.'}\nLockstep keeps working offline. Click to connect again.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        this.item.command = CONNECT_COMMAND;
        break;
      default:
        this.item.text = '$(debug-disconnect) DB: offline';
        this.item.tooltip = s.message ?? 'Lockstep is not connected to a database. Click to connect (read-only) for sizes, durations and live blockers.';
        this.item.command = CONNECT_COMMAND;
    }
    // Offline and away from SQL, the item would only be clutter.
    if (s.state === 'offline' && vscode.window.activeTextEditor?.document.languageId !== 'sql') this.item.hide();
    else this.item.show();
  }

  dispose(): void {
    this.watcher.dispose();
    this.item.dispose();
  }
}
