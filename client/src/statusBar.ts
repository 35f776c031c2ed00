/** Status bar item: runner and target PG version of the active SQL editor. */
import * as vscode from 'vscode';
import type { DocumentInfo } from '../../server/src/lsp/protocol';

export const SHOW_OUTPUT_COMMAND = 'lockstep.showOutput';

export class LockstepStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly infoByUri = new Map<string, DocumentInfo>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'Lockstep';
    this.item.command = SHOW_OUTPUT_COMMAND;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.infoByUri.delete(doc.uri.toString())),
    );
    this.refresh();
  }

  /** Called for every `lockstep/documentInfo` notification. */
  update(info: DocumentInfo): void {
    if (!info || typeof info.uri !== 'string') return;
    this.infoByUri.set(info.uri, info);
    this.refresh();
  }

  /** The server restarted: what it told us before may no longer hold. */
  clear(): void {
    this.infoByUri.clear();
    this.refresh();
  }

  private refresh(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'sql') {
      this.item.hide();
      return;
    }
    const info = this.infoByUri.get(doc.uri.toString());
    this.item.text = info ? `$(database) Lockstep: ${info.runner} · PG ${info.pgVersion}` : '$(database) Lockstep';
    this.item.tooltip = info
      ? `Runner: ${info.runner}\nTarget PostgreSQL: ${info.pgVersion}\nTransaction: ${info.transaction}\nClick to show the Lockstep output.`
      : 'Lockstep is analysing this file. Click to show the output.';
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
