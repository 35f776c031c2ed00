/**
 * The database features of the VS Code client: Connect / Disconnect, Estimate Lock Impact, the
 * connection status item, and reconnecting after a restart. Registered through CLIENT_FEATURES.
 */
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { DATABASE_STATUS_METHOD, type DatabaseStatus } from '../../../server/src/lsp/databaseProtocol';
import type { ClientFeature } from '../features';
import { DatabaseConnector, URL_SETTING } from './connect';
import { estimateLockImpact } from './estimateCommand';
import { ReportPanel } from './reportPanel';
import { CONNECT_COMMAND, DatabaseStatusItem, DISCONNECT_COMMAND, ESTIMATE_COMMAND } from './statusItem';

export const databaseClientFeature: ClientFeature = ({ extension, client, output, secretKey }) => {
  const connector = new DatabaseConnector(client, extension, output, secretKey);
  const item = new DatabaseStatusItem();
  const panel = new ReportPanel();
  const reconnect = () => {
    if (connector.autoConnect && vscode.workspace.isTrusted) void connector.connect(false);
  };
  return [
    item,
    panel,
    client.onNotification(DATABASE_STATUS_METHOD, (status: DatabaseStatus) => {
      connector.status = status;
      item.update(status);
    }),
    // A (re)started server has no connection: restore it if the user had connected.
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) reconnect();
      else if (event.newState === State.Stopped) item.update({ state: 'offline' });
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reconnect),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`lockstep.${URL_SETTING}`) && connector.status.state !== 'offline') void connector.connect(false);
    }),
    vscode.commands.registerCommand(CONNECT_COMMAND, () => connector.connect(true)),
    vscode.commands.registerCommand(DISCONNECT_COMMAND, async () => {
      const status = await connector.disconnect();
      item.update(status);
      void vscode.window.showInformationMessage('Lockstep: disconnected from the database; its password was removed from secret storage.');
      return status;
    }),
    // From the explorer's context menu the command gets the file's Uri; from the palette nothing.
    vscode.commands.registerCommand(ESTIMATE_COMMAND, (resource?: unknown) => estimateLockImpact(client, connector, panel, isUri(resource) ? resource : undefined)),
  ];
};

export function isUri(value: unknown): value is vscode.Uri {
  return typeof value === 'object' && value !== null && typeof (value as vscode.Uri).scheme === 'string' && typeof (value as vscode.Uri).path === 'string';
}
