/**
 * The client's database commands in plain Node (dist/client.js with a stand-in vscode API, the
 * real language server over IPC, a real PostgreSQL 14): an untrusted workspace never connects;
 * a trusted one connects through lockstep.database.url, and the status bar says so.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { passwordRole } from '../pg/estimateFixtures';
import { FakeVscode, type FakeStatusBarItem } from './fakeVscode';
import { REPO_ROOT } from './harness';

const CLIENT_BUNDLE = resolve(REPO_ROOT, 'dist', 'client.js');

interface ClientModule {
  activate(context: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

describe('VS Code client database commands (stand-in vscode API)', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let vscode: FakeVscode;
  let extension: ClientModule;
  const warnings: string[] = [];
  const secretsStored: string[] = [];
  const secrets = new Map<string, string>();
  /** What the password prompt answers next (undefined: the user pressed Escape). */
  let typed: string | undefined;
  const prompts: string[] = [];
  let trusted = false;
  let url = '';
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    asAbsolutePath: (p: string) => resolve(REPO_ROOT, p),
    secrets: {
      get: async (key: string) => secrets.get(key),
      store: async (key: string, value: string) => void (secretsStored.push(key), secrets.set(key, value)),
      delete: async (key: string) => void secrets.delete(key),
    },
    workspaceState: new Map<string, unknown>() as unknown as { get(k: string, d: unknown): unknown; update(k: string, v: unknown): Promise<void> },
  };
  const state = context.workspaceState as unknown as Map<string, unknown> & { get(k: string, d?: unknown): unknown; update(k: string, v: unknown): Promise<void> };
  const baseGet = Map.prototype.get;
  state.get = (k: string, d?: unknown) => (state.has(k) ? baseGet.call(state, k) : d);
  state.update = async (k: string, v: unknown) => void state.set(k, v);

  const databaseItem = (): FakeStatusBarItem | undefined => vscode.statusItems.find((i) => i.name === 'Lockstep database');

  before(async () => {
    cluster = await sharedCluster(14);
    vscode = new FakeVscode();
    const api = vscode.api as { workspace: Record<string, unknown>; window: Record<string, unknown>; EventEmitter?: unknown };
    // Other client features construct emitters at activation.
    api.EventEmitter = class {
      private listeners: ((value: unknown) => void)[] = [];
      event = (listener: (value: unknown) => void) => (this.listeners.push(listener), { dispose: () => undefined });
      fire = (value: unknown) => this.listeners.forEach((l) => l(value));
      dispose = () => undefined;
    };
    Object.defineProperty(api.workspace, 'isTrusted', { get: () => trusted });
    api.workspace.getConfiguration = () => ({ get: (key: string, fallback: unknown) => (key === 'database.url' ? url : fallback), update: async () => undefined });
    api.window.showWarningMessage = async (message: string) => void warnings.push(message);
    api.window.showInformationMessage = async () => undefined;
    api.window.showErrorMessage = async (message: string) => void warnings.push(message);
    api.window.showInputBox = async (options: { prompt?: string; password?: boolean }) => {
      prompts.push(`${options.password ? 'password' : 'text'}: ${options.prompt}`);
      return typed;
    };
    vscode.install();
    delete require.cache[CLIENT_BUNDLE];
    extension = require(CLIENT_BUNDLE) as ClientModule;
    await extension.activate(context);
  });

  after(async () => {
    await extension?.deactivate();
    for (const d of context.subscriptions) d.dispose();
    vscode?.uninstall();
  });

  it('an untrusted workspace never connects, and says why', async () => {
    url = cluster.connectionString();
    const status = (await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string; message?: string };
    assert.equal(status.state, 'offline');
    assert.match(status.message ?? '', /does not connect to databases in an untrusted workspace/);
    assert.match(warnings.at(-1) ?? '', /untrusted workspace/);
    const estimate = (await vscode.commands.get('lockstep.estimateLockImpact')!()) as { outcome: string; message?: string };
    assert.equal(estimate.outcome, 'failed');
    assert.match(estimate.message ?? '', /untrusted workspace/);
    assert.notEqual(databaseItem()?.text.includes('PG 14'), true);
  });

  it('a trusted one connects through lockstep.database.url; the status bar shows the server', async () => {
    trusted = true;
    const status = (await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string; serverVersion?: string };
    assert.equal(status.state, 'connected', JSON.stringify(status));
    assert.match(status.serverVersion ?? '', /^14\./);
    assert.deepEqual(secretsStored, [], 'no password was asked for or stored (trust auth)');
    const deadline = Date.now() + 10_000;
    while (!databaseItem()?.text.includes('PG 14') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.match(databaseItem()?.text ?? '', new RegExp(`PG 14\\.\\d+: lockstep@127\\.0\\.0\\.1:${cluster.port}/postgres`));
    assert.equal(state.get('lockstep.database.autoConnect'), true);
    const offline = (await vscode.commands.get('lockstep.disconnectDatabase')!()) as { state: string };
    assert.equal(offline.state, 'offline');
    assert.equal(state.get('lockstep.database.autoConnect'), false);
  });

  it('a URL with a password in the setting is refused', async () => {
    url = 'postgres://lockstep:secret@127.0.0.1:1/postgres';
    const status = (await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string; message?: string };
    assert.equal(status.state, 'failed');
    assert.match(status.message ?? '', /contains a password/);
  });

  it('asks for the password when the server wants one, and keeps it only in SecretStorage once it works', async () => {
    const role = 'lockstep_client_password_role';
    const undo = await passwordRole(cluster, role, 'client-secret');
    try {
      url = `postgres://${role}@127.0.0.1:${cluster.port}/postgres`;
      const key = `lockstep.database.password:${role}@127.0.0.1:${cluster.port}/postgres`;
      typed = 'wrong-secret';
      const wrong = (await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string; message?: string };
      assert.equal(wrong.state, 'failed');
      assert.match(wrong.message ?? '', /wrong password/);
      assert.match(prompts.at(-1) ?? '', new RegExp(`^password: Password for ${role}@127\\.0\\.0\\.1:\\d+/postgres \\(kept in VS Code's secret storage`));
      assert.equal(secrets.has(key), false, 'a password that failed is not stored');

      typed = 'client-secret';
      const right = (await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string };
      assert.equal(right.state, 'connected');
      assert.equal(secrets.get(key), 'client-secret');
      assert.ok(!url.includes('client-secret'), 'the setting never holds it');

      // Next time the stored password is used without asking; Disconnect forgets it.
      const asked = prompts.length;
      assert.equal(((await vscode.commands.get('lockstep.connectDatabase')!()) as { state: string }).state, 'connected');
      assert.equal(prompts.length, asked);
      await vscode.commands.get('lockstep.disconnectDatabase')!();
      assert.equal(secrets.has(key), false);
    } finally {
      await undo();
    }
  });
});
