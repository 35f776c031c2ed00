/** `Lockstep: Trace Migration on Embedded PostgreSQL`: runs the server's trace and shows the report. */
import * as vscode from 'vscode';
import type { ClientFeature } from '../features';

const TRACE_COMMAND = 'lockstep.traceMigration';
const TRACE_REQUEST = 'lockstep/trace';

interface TraceResult {
  text: string;
  observed: number;
  disagreements: number;
  failed: number;
}

export const traceClientFeature: ClientFeature = ({ client, output }) => [
  vscode.commands.registerCommand(TRACE_COMMAND, async (resource?: vscode.Uri) => {
    const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showWarningMessage('Lockstep: open a SQL migration to trace it.');
      return undefined;
    }
    const seconds = vscode.workspace.getConfiguration('lockstep').get<number>('trace.statementTimeout');
    const params = { uri: uri.toString(), statementTimeoutMs: typeof seconds === 'number' ? seconds * 1000 : undefined };
    // A failed request (server restarting, crashed, cancelled) is a message, not an unhandled rejection.
    const result = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title: 'Lockstep: tracing on embedded PostgreSQL (starting it takes a few seconds)…' }, () =>
        client.sendRequest<TraceResult | { error: string }>(TRACE_REQUEST, params),
      )
      .then(
        (answer) => answer ?? { error: 'the language server gave no answer' },
        (error: unknown) => {
          output.error(`Trace request failed: ${String(error)}`);
          return { error: `the trace request failed: ${error instanceof Error ? error.message : String(error)}` };
        },
      );
    if ('error' in result) {
      void vscode.window.showErrorMessage(`Lockstep: ${result.error}`);
      return result;
    }
    output.info(`Trace of ${uri.fsPath}\n${result.text}`);
    output.show(true);
    const summary = `${result.observed} statement(s) observed; ${result.disagreements === 0 ? 'all agree with the lock model' : `${result.disagreements} disagree with the lock model`}${result.failed ? `; ${result.failed} failed on the shadow schema` : ''}.`;
    void vscode.window.showInformationMessage(`Lockstep trace: ${summary}`);
    return result;
  }),
];
