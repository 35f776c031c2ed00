/** The estimate report webview: one panel, reused and refreshed by each estimate. No scripts. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EstimateReport } from '../../../server/src/db/report';
import { reportHtml } from './reportHtml';

export const REPORT_VIEW_TYPE = 'lockstep.estimateReport';

export class ReportPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  /** The last report shown (for the command's result and tests). */
  report?: EstimateReport;

  show(report: EstimateReport): vscode.WebviewPanel {
    const title = `Lock impact: ${report.file ? report.file.split(/[\\/]/).pop() : 'migration'}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        enableForms: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.report = report;
    this.panel.title = title;
    this.panel.webview.html = reportHtml(report, randomBytes(16).toString('base64'));
    this.panel.reveal(undefined, true);
    return this.panel;
  }

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
