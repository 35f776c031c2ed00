/**
 * VS Code entry point (dist/client.js): starts the Lockstep language server over IPC,
 * and wires the output channel, the commands and the status bar.
 */
import { ruleDocsMiddleware } from './ruleDocs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CONFIG_FILE_NAME, DOCUMENT_INFO_METHOD, type DocumentInfo } from '../../server/src/lsp/protocol';
import { CLIENT_FEATURES } from './features';
import { newSecretKey, SECRET_KEY_ENV } from '../../server/src/lsp/secretChannel';
import { SERVER_NODE_FLAGS } from '../../server/src/startup/serverHeap';

/** Files the code-reference index reads (server/src/coderefs/sources). */
const CODE_FILES_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,rb,rake,go,java,kt,kts,cs,php,prisma,sql}';
import { LockstepStatusBar, SHOW_OUTPUT_COMMAND } from './statusBar';

const RESTART_COMMAND = 'lockstep.restartServer';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Lockstep', { log: true });
  const statusBar = new LockstepStatusBar();
  context.subscriptions.push(output, statusBar);

  const serverModule = context.asAbsolutePath('dist/server.js');
  // The key that seals passwords for the server travels in its environment, never in an LSP message.
  const secretKey = newSecretKey();
  const env = { ...process.env, [SECRET_KEY_ENV]: secretKey };
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
      // Framework migrations (TypeORM, Knex, Sequelize, Kysely, MikroORM, node-pg-migrate): the server
      // reports only on files its extractors recognise as migrations.
      { scheme: 'file', pattern: '**/*.{ts,js,mjs,cjs,mts,cts}' },
      // Django migrations (<app>/migrations/*.py) and Alembic revisions (versions/*.py).
      { scheme: 'file', pattern: '**/{migrations,versions}/*.py' },
      // Rails migrations (ActiveRecord): only `class … < ActiveRecord::Migration` files are reported on.
      { scheme: 'file', pattern: '**/db/migrate/*.rb' },
      // Ecto migrations: only modules that `use Ecto.Migration`.
      { scheme: 'file', pattern: '**/priv/repo/migrations/*.exs' },
    ],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`),
        // Application code: the server's code-reference index (still-referenced) re-reads a file when it changes.
        vscode.workspace.createFileSystemWatcher(CODE_FILES_GLOB),
      ],
    },
    outputChannel: output,
    // Rule links open the page bundled in the .vsix in the markdown preview (client/src/ruleDocs.ts).
    middleware: ruleDocsMiddleware(context),
    initializationOptions: { maxFileSizeMB: vscode.workspace.getConfiguration('lockstep').get<number>('maxFileSizeMB') },
  };

  client = new LanguageClient('lockstep', 'Lockstep', serverOptions, clientOptions);
  const lspClient = client;
  context.subscriptions.push(
    lspClient.onNotification(DOCUMENT_INFO_METHOD, (info: DocumentInfo) => statusBar.update(info)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show(true)),
    vscode.commands.registerCommand(RESTART_COMMAND, async () => {
      output.info('Restarting the Lockstep language server…');
      statusBar.clear();
      try {
        await lspClient.restart();
      } catch (error) {
        output.error(`Restart failed: ${String(error)}`);
        void vscode.window.showErrorMessage('Lockstep: the language server failed to restart; see the Lockstep output.');
      }
    }),
  );

  for (const feature of CLIENT_FEATURES) context.subscriptions.push(...feature({ extension: context, client: lspClient, output, secretKey }));

  if (vscode.workspace.getConfiguration('lockstep').get<boolean>('enable') === false) {
    output.info('Lockstep is disabled (lockstep.enable); the language server is not started.');
    return;
  }
  try {
    await lspClient.start();
  } catch (error) {
    // Keep the extension alive (commands, restart) even if the server cannot start.
    output.error(`The Lockstep language server failed to start: ${String(error)}`);
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  // stop() throws for a client whose server never started; there is nothing to stop then.
  if (running?.isRunning()) await running.stop();
}
