/**
 * `Lockstep: Estimate Lock Impact`: asks the language server for the active migration's estimate
 * under a cancellable progress notification, then shows the report webview. Returns a summary,
 * so tests (and other extensions) can see what happened.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ESTIMATE_METHOD, type EstimateParams, type EstimateResult } from '../../../server/src/lsp/databaseProtocol';
import { UNTRUSTED_MESSAGE, type DatabaseConnector } from './connect';
import { REPORT_VIEW_TYPE, type ReportPanel } from './reportPanel';

export interface EstimateCommandResult {
  outcome: 'shown' | 'cancelled' | 'failed';
  message?: string;
  panel?: { viewType: string; title: string; visible: boolean };
  statements?: number;
  risk?: string;
  target?: string;
}

export async function estimateLockImpact(
  client: LanguageClient,
  connector: DatabaseConnector,
  panel: ReportPanel,
  resource?: vscode.Uri,
): Promise<EstimateCommandResult> {
  const failed = (message: string): EstimateCommandResult => {
    void vscode.window.showErrorMessage(`Lockstep: ${message}`);
    return { outcome: 'failed', message };
  };
  if (!vscode.workspace.isTrusted) return failed(UNTRUSTED_MESSAGE);
  const document = resource ? await vscode.workspace.openTextDocument(resource) : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'sql') return failed('Open a SQL migration to estimate its lock impact.');
  if (connector.status.state !== 'connected') {
    const status = await connector.connect(true);
    if (status.state !== 'connected') return { outcome: 'failed', message: status.message ?? 'Not connected.' };
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Lockstep: estimating lock impact', cancellable: true },
    async (progress, token) => {
      progress.report({ message: `reading ${connector.status.target ?? 'the database'} (read-only)…` });
      try {
        const params: EstimateParams = { uri: document.uri.toString(), displayPath: vscode.workspace.asRelativePath(document.uri) };
        return await client.sendRequest<EstimateResult>(ESTIMATE_METHOD, params, token);
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        return { ok: false as const, message: String(error) };
      }
    },
  );
  if (!result || (!result.ok && result.errorKind === 'cancelled')) return { outcome: 'cancelled' };
  if (!result.ok) return failed(result.message);
  const shown = panel.show(result.report);
  return {
    outcome: 'shown',
    panel: { viewType: REPORT_VIEW_TYPE, title: shown.title, visible: shown.visible },
    statements: result.report.statements.length,
    risk: result.report.risk,
    target: result.report.target,
  };
}
