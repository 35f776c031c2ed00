/** The client's trace command reports a failed request as a message instead of rejecting. */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { FakeVscode } from './fakeVscode';
import { REPO_ROOT } from './harness';

const CLIENT_BUNDLE = resolve(REPO_ROOT, 'dist', 'client.js');

describe('VS Code client: Trace Migration when the request fails', function () {
  this.timeout(60_000);

  it('shows an error and resolves when the language server cannot answer', async () => {
    const vscode = new FakeVscode();
    const errors: string[] = [];
    const api = vscode.api as { window: Record<string, unknown>; ProgressLocation?: unknown; Uri?: unknown };
    api.window.showErrorMessage = async (message: string) => void errors.push(message);
    api.window.withProgress = (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) =>
      task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) });
    api.ProgressLocation = { Notification: 15 };
    api.Uri = class Uri {};
    vscode.install();
    const context = { subscriptions: [] as { dispose(): unknown }[], asAbsolutePath: (p: string) => resolve(REPO_ROOT, p) };
    delete require.cache[CLIENT_BUNDLE];
    const extension = require(CLIENT_BUNDLE) as { activate(c: unknown): Promise<void>; deactivate(): Promise<void> };
    try {
      await extension.activate(context);
      vscode.focus(vscode.openDocument('/tmp/V1__x.sql', 'CREATE INDEX i ON t (c);\n'));
      // Stop the server: every request now fails.
      // (Stopping may time out under the stand-in API; either way the client no longer serves.)
      await extension.deactivate().catch(() => undefined);
      const result = (await vscode.commands.get('lockstep.traceMigration')!()) as { error?: string };
      assert.match(result?.error ?? '', /^the trace request failed: /);
      assert.ok(errors.some((e) => /^Lockstep: the trace request failed: /.test(e)), errors.join('\n'));
    } finally {
      for (const d of context.subscriptions) d.dispose();
      vscode.uninstall();
    }
  });
});
