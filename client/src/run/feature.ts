/**
 * "Lockstep: Run Migration…" and "Lockstep: Watch Database": the guarded run and the lock watch of
 * the CLI (docs/run.md), started from the editor only when the user asks, with a live panel, a
 * Cancel button (the kill switch) and a status-bar item. The estimator's rules apply: nothing in an
 * untrusted workspace, the password only from SecretStorage (or PGPASSWORD where the estimator
 * would send it), never on a command line.
 */
import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { describeTarget, resolveTarget, secretKeyOf } from '../../../server/src/db/target';
import type { LiveState } from '../../../server/src/run/liveEvents';
import type { ClientFeature } from '../features';
import { settingUrl, UNTRUSTED_MESSAGE, urlFromUserSettings } from '../database/connect';
import { CONNECT_COMMAND } from '../database/statusItem';
import { isUri } from '../database/feature';
import { LivePanel } from './livePanel';
import { LiveSession } from './liveSession';
import { RunStatusItem, runStatusText, SHOW_LIVE_PANEL_COMMAND } from './runStatusItem';

export const RUN_MIGRATION_COMMAND = 'lockstep.runMigration';
export const WATCH_DATABASE_COMMAND = 'lockstep.watchDatabase';
export const CANCEL_RUN_COMMAND = 'lockstep.cancelRun';
export const STOP_WATCH_COMMAND = 'lockstep.stopWatching';
/** Not in the palette: the live state, for tests and other extensions (the status bar cannot be read back). */
export const RUN_STATE_COMMAND = 'lockstep.runState';

export interface RunCommandResult {
  outcome: 'applied' | 'failed' | 'cancelled' | 'declined' | 'started';
  message?: string;
  exitCode?: number | null;
  /** `lockstep run --format json`'s report. */
  report?: unknown;
}

/** Programmatic callers only (the palette passes nothing): `yes` skips the confirmation, like the CLI's --yes. */
interface RunArgs {
  yes?: boolean;
}

interface Connection {
  target: string;
  dbArgs: string[];
  env: NodeJS.ProcessEnv;
}

export const runClientFeature: ClientFeature = ({ extension, output }) => {
  let session: LiveSession | undefined;
  const item = new RunStatusItem();
  const panel = new LivePanel((command) => (command === 'cancel' ? session?.cancel() : session?.stop()));
  const cliPath = extension.asAbsolutePath('dist/cli.js');

  const fail = (message: string): RunCommandResult => {
    void vscode.window.showErrorMessage(`Lockstep: ${message}`);
    return { outcome: 'failed', message };
  };

  /** The database, with the password for the child's environment: the same rules as Connect to Database. */
  async function connection(): Promise<Connection | string> {
    if (!vscode.workspace.isTrusted) return UNTRUSTED_MESSAGE;
    const url = settingUrl();
    let resolved = resolveTarget({ settingUrl: url, env: process.env, envPasswordForSetting: urlFromUserSettings() });
    if (!resolved.ok) return resolved.message;
    let password = (await extension.secrets.get(secretKeyOf(resolved.target))) ?? resolved.target.password;
    if (password === undefined) {
      // Connect asks for the password when the server wants one, and keeps it in SecretStorage.
      const status = await vscode.commands.executeCommand<{ state?: string; message?: string }>(CONNECT_COMMAND);
      if (status?.state !== 'connected') return status?.message ?? 'Not connected to the database.';
      resolved = resolveTarget({ settingUrl: url, env: process.env, envPasswordForSetting: urlFromUserSettings() });
      if (!resolved.ok) return resolved.message;
      password = (await extension.secrets.get(secretKeyOf(resolved.target))) ?? resolved.target.password;
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.PGPASSWORD;
    if (password !== undefined) env.PGPASSWORD = password;
    // With a settings URL the child gets it as --db; otherwise it resolves the PG*/DATABASE_URL variables as we did.
    return { target: describeTarget(resolved.target), dbArgs: url ? ['--db', url] : [], env };
  }

  /** The settings as CLI options: the kill switch's for both, lock_timeout and retries for run only. */
  function guardArgs(mode: LiveState['mode']): string[] {
    const config = vscode.workspace.getConfiguration('lockstep.run');
    const args: string[] = [];
    const pairs: [string, string][] = [['maxQueueWait', '--max-queue-wait'], ['maxQueue', '--max-queue']];
    if (mode === 'run') pairs.push(['lockTimeout', '--lock-timeout'], ['retries', '--retries']);
    for (const [key, flag] of pairs) {
      const value = config.get<string | number>(key);
      if (value !== undefined && value !== null && String(value).trim() !== '') args.push(flag, String(value));
    }
    if (config.get<boolean>('terminate')) args.push('--terminate');
    return args;
  }

  function start(mode: LiveState['mode'], conn: Connection, args: string[], cwd: string): LiveSession {
    output.info(`Lockstep ${mode} on ${conn.target}: lockstep ${mode} ${args.join(' ')}`);
    const live = new LiveSession({
      cliPath,
      mode,
      target: conn.target,
      args: [...conn.dbArgs, '--events', 'json', ...guardArgs(mode), ...args],
      cwd,
      env: conn.env,
      onText: (line) => output.info(`lockstep ${mode}: ${line}`),
      onChange: (state) => {
        item.update(state);
        panel.update(state);
      },
    });
    session = live;
    panel.show(live.state);
    item.update(live.state);
    return live;
  }

  async function runMigration(resource?: unknown, runArgs?: RunArgs): Promise<RunCommandResult> {
    if (session?.running) return fail(`a ${session.state.mode} is already running; cancel or stop it first.`);
    const uri = isUri(resource) ? resource : vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') return fail('Open a saved SQL migration file to run it.');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) return fail(`${vscode.workspace.asRelativePath(uri)} has unsaved changes: save it first (run applies the file on disk).`);
    const conn = await connection();
    if (typeof conn === 'string') return fail(conn);
    const cwd = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
    const file = relative(cwd, uri.fsPath);
    if (!runArgs?.yes) {
      const answer = await vscode.window.showWarningMessage(
        `Apply ${file} to ${conn.target}?`,
        { modal: true, detail: 'Lockstep runs it guarded: lock_timeout with retries, the lock watch and its kill switch, and a journal to resume from. The panel has a Cancel button.' },
        'Run',
      );
      if (answer !== 'Run') return { outcome: 'declined' };
    }
    // The confirmation above is the one --yes stands for.
    const live = start('run', conn, ['--format', 'json', '--yes', file], cwd);
    const outcome = await live.finished;
    let report: unknown;
    try {
      report = outcome.stdout.trim() ? JSON.parse(outcome.stdout) : undefined;
    } catch {
      report = undefined;
    }
    const state = outcome.state;
    const message = state.message ?? outcome.errors.join('\n');
    if (state.phase === 'finished') {
      void vscode.window.showInformationMessage(`Lockstep: ${file}: ${message}`);
      return { outcome: 'applied', message, exitCode: outcome.exitCode, report };
    }
    if (state.phase === 'cancelled') return { outcome: 'cancelled', message, exitCode: outcome.exitCode, report };
    void vscode.window.showErrorMessage(`Lockstep run: ${message}`);
    return { outcome: 'failed', message, exitCode: outcome.exitCode, report };
  }

  async function watchDatabase(): Promise<RunCommandResult> {
    if (session?.running) return fail(`a ${session.state.mode} is already running; cancel or stop it first.`);
    const conn = await connection();
    if (typeof conn === 'string') return fail(conn);
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const live = start('watch', conn, [], cwd);
    void live.finished.then((o) => {
      if (o.state.phase === 'failed') void vscode.window.showErrorMessage(`Lockstep watch: ${o.state.message}`);
    });
    return { outcome: 'started' };
  }

  return [
    item,
    panel,
    { dispose: () => session?.stop() },
    vscode.commands.registerCommand(RUN_MIGRATION_COMMAND, runMigration),
    vscode.commands.registerCommand(WATCH_DATABASE_COMMAND, watchDatabase),
    vscode.commands.registerCommand(CANCEL_RUN_COMMAND, () => {
      if (!session?.running) return false;
      session.cancel();
      return true;
    }),
    vscode.commands.registerCommand(STOP_WATCH_COMMAND, async () => {
      if (!session?.running) return false;
      session.stop();
      await session.finished;
      return true;
    }),
    vscode.commands.registerCommand(SHOW_LIVE_PANEL_COMMAND, () => (session ? panel.show(session.state) : undefined)),
    vscode.commands.registerCommand(RUN_STATE_COMMAND, () =>
      session ? { ...JSON.parse(JSON.stringify(session.state)) as LiveState, statusText: runStatusText(session.state), panelOpen: panel.visible } : undefined,
    ),
  ];
};
