/**
 * Connecting the language server to a database. The URL comes from `lockstep.database.url`, the
 * PG* variables or DATABASE_URL; the password only ever from VS Code SecretStorage (asked for
 * when the server reports an authentication failure, stored once it works). Untrusted workspaces
 * never connect: a malicious workspace setting could point Lockstep anywhere.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requestWithin } from './requestWithin';
import { seal } from '../../../server/src/lsp/secretChannel';
import { PASSWORD_IN_SETTING, describeTarget, resolveTarget, secretKeyOf, urlHasPassword, parseUrl } from '../../../server/src/db/target';
import {
  DATABASE_CONNECT_METHOD,
  DATABASE_DISCONNECT_METHOD,
  type DatabaseConnectParams,
  type DatabaseStatus,
} from '../../../server/src/lsp/databaseProtocol';

export const URL_SETTING = 'database.url';
/** Remembered per workspace: connect again on the next start (and after a server restart). */
const AUTO_CONNECT_KEY = 'lockstep.database.autoConnect';
export const UNTRUSTED_MESSAGE = 'Lockstep does not connect to databases in an untrusted workspace. Trust the workspace to use the database features.';

export class DatabaseConnector {
  status: DatabaseStatus = { state: 'offline' };

  constructor(
    private readonly client: LanguageClient,
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly secretKey: string,
  ) {}

  get autoConnect(): boolean {
    return this.extension.workspaceState?.get<boolean>(AUTO_CONNECT_KEY, false) ?? false;
  }

  /** `interactive`: may ask for the URL and the password, and reports the outcome in a message. */
  async connect(interactive: boolean): Promise<DatabaseStatus> {
    if (!vscode.workspace.isTrusted) {
      if (interactive) void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
      return (this.status = { state: 'offline', message: UNTRUSTED_MESSAGE });
    }
    const url = settingUrl();
    const fromUser = urlFromUserSettings();
    const resolved = resolveTarget({ settingUrl: url, env: process.env, envPasswordForSetting: fromUser });
    if (!resolved.ok && !url && interactive) {
      // Nothing configured: offer to enter a URL, without holding the command open on a prompt.
      void this.offerUrl(resolved.message);
      return this.fail(resolved.message, false);
    }
    if (!resolved.ok) return this.fail(resolved.message, interactive);

    const key = secretKeyOf(resolved.target);
    const target = resolved.target;
    // Sealed for this target with the key only the server process holds: traced messages never carry it readably.
    const params = (password: string | undefined): DatabaseConnectParams => ({
      url,
      urlFromUserSettings: fromUser,
      sealedPassword: password === undefined ? undefined : seal(password, this.secretKey, describeTarget(target)),
    });
    const waitSeconds = target.connectTimeoutSeconds + CLIENT_GRACE_S;
    let password = await this.extension.secrets.get(key);
    let status = await this.request(params(password), waitSeconds);
    if (interactive && status.state === 'failed' && (status.errorKind === 'auth' || status.errorKind === 'password-needed')) {
      const typed = await vscode.window.showInputBox({
        title: 'Lockstep: Connect to Database',
        prompt: `Password for ${describeTarget(resolved.target)} (kept in VS Code's secret storage, never in settings)`,
        password: true,
        ignoreFocusOut: true,
      });
      if (typed === undefined) return this.status;
      password = typed;
      status = await this.request(params(password), waitSeconds);
      if (status.state === 'connected') await this.extension.secrets.store(key, password);
    }
    await this.extension.workspaceState.update(AUTO_CONNECT_KEY, status.state === 'connected');
    if (status.state === 'connected') {
      this.output.info(`Connected to ${status.target} (PostgreSQL ${status.serverVersion}); rules now target PostgreSQL ${status.pgVersion}.`);
      if (interactive) void vscode.window.showInformationMessage(`Lockstep: connected to ${status.target} (PostgreSQL ${status.serverVersion}, read-only).`);
    } else if (status.state === 'failed') {
      return this.fail(status.message ?? 'The connection failed.', interactive);
    }
    return status;
  }

  /** Close the session, forget the stored password, and stop connecting on start. */
  async disconnect(): Promise<DatabaseStatus> {
    const resolved = resolveTarget({ settingUrl: settingUrl(), env: process.env });
    if (resolved.ok) await this.extension.secrets.delete(secretKeyOf(resolved.target));
    await this.extension.workspaceState.update(AUTO_CONNECT_KEY, false);
    try {
      this.status = await this.client.sendRequest<DatabaseStatus>(DATABASE_DISCONNECT_METHOD);
    } catch (error) {
      this.output.warn(`Disconnect: ${String(error)}`);
      this.status = { state: 'offline' };
    }
    return this.status;
  }

  private async offerUrl(message: string): Promise<void> {
    const enter = 'Enter URL…';
    if ((await vscode.window.showWarningMessage(`Lockstep: ${message}`, enter)) !== enter) return;
    const url = await askForUrl();
    if (!url) return;
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('lockstep').update(URL_SETTING, url, target);
    await this.connect(true);
  }

  /** The server bounds the connect by the target's connect_timeout; this bounds the wait for the server. */
  private async request(params: DatabaseConnectParams, waitSeconds: number): Promise<DatabaseStatus> {
    try {
      this.status = await requestWithin<DatabaseStatus>(
        (token) => this.client.sendRequest<DatabaseStatus>(DATABASE_CONNECT_METHOD, params, token),
        waitSeconds * 1000,
        () => ({ state: 'failed', message: `The language server did not answer the connect request within ${waitSeconds} s.`, errorKind: 'timeout' }),
      );
    } catch (error) {
      this.status = { state: 'failed', message: `The language server did not answer: ${String(error)}` };
    }
    return this.status;
  }

  private fail(message: string, interactive: boolean): DatabaseStatus {
    this.output.warn(`Database: ${message}`);
    if (interactive) void vscode.window.showErrorMessage(`Lockstep: ${message}`);
    this.status = { ...this.status, state: 'failed', message };
    return this.status;
  }
}

/** Beyond the target's connect timeout, how long the client waits for the server's answer. */
const CLIENT_GRACE_S = 5;

/**
 * Did the user set lockstep.database.url in their own settings (not a workspace's)? A workspace's
 * .vscode/settings.json is often committed: PGPASSWORD must never go to a host it names.
 */
export function urlFromUserSettings(): boolean {
  const inspected = vscode.workspace.getConfiguration('lockstep').inspect?.<string>(URL_SETTING);
  if (!inspected || typeof inspected !== 'object') return false;
  const set = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  return set(inspected.globalValue) && !set(inspected.workspaceValue) && !set(inspected.workspaceFolderValue);
}

export function settingUrl(): string {
  const value = vscode.workspace.getConfiguration('lockstep').get<string>(URL_SETTING, '');
  return typeof value === 'string' ? value.trim() : '';
}

async function askForUrl(): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Lockstep: Connect to Database',
    prompt: 'PostgreSQL URL without the password (saved as lockstep.database.url; the password is asked for next and kept in secret storage)',
    placeHolder: 'postgres://user@host:5432/dbname?sslmode=require',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!value.trim()) return 'Enter a postgres:// URL';
      if (urlHasPassword(value)) return PASSWORD_IN_SETTING;
      const parsed = parseUrl(value.trim(), 'setting');
      return parsed.ok ? undefined : parsed.message;
    },
  });
  return url?.trim() || undefined;
}
