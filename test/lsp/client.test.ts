import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FakeVscode } from './fakeVscode';
import { readFixture, REPO_ROOT } from './harness';

const CLIENT_BUNDLE = resolve(REPO_ROOT, 'dist', 'client.js');

interface ClientModule {
  activate(context: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

/** The command lines (argv) of this process's children that run dist/server.js (Linux: read from /proc). */
function serverChildren(): string[][] {
  const children: string[][] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // Field 4 of /proc/<pid>/stat is the parent's pid (after the command name in parentheses).
      const parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (parent === process.pid && argv.some((arg) => arg.endsWith('server.js'))) children.push(argv);
    } catch {
      // The process exited while we read it.
    }
  }
  return children;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('VS Code client (dist/client.js with a stand-in vscode API)', function () {
  this.timeout(30_000);
  let vscode: FakeVscode;
  let extension: ClientModule;
  const context = { subscriptions: [] as { dispose(): unknown }[], asAbsolutePath: (p: string) => resolve(REPO_ROOT, p) };

  before(async () => {
    vscode = new FakeVscode();
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

  it('registers exactly the commands the manifest contributes', () => {
    const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8'));
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    // Not in the palette: the live run's state (for tests and other extensions) and the panel the run's status-bar item opens.
    const internal = ['lockstep.runState', 'lockstep.showRunPanel'];
    assert.deepEqual([...vscode.commands.keys()].filter((c) => !internal.includes(c)).sort(), contributed);
    for (const c of internal) assert.ok(vscode.commands.has(c), c);
    for (const core of ['lockstep.restartServer', 'lockstep.showOutput']) assert.ok(contributed.includes(core), core);
  });

  it('logs to a "Lockstep" output channel and watches lockstep.config.json and the application code', () => {
    assert.deepEqual(
      vscode.channels.map((c) => c.name),
      ['Lockstep'],
    );
    assert.deepEqual(vscode.watchers, ['**/lockstep.config.json', '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,rb,rake,go,java,kt,kts,cs,php,prisma,sql}']);
    assert.ok(!vscode.channels[0].lines.some((l) => /failed/i.test(l)), vscode.channels[0].lines.join('\n'));
  });

  it('starts the server over IPC and shows its runner and PG version for the active SQL editor', async () => {
    const [item] = vscode.statusItems;
    assert.equal(item.visible, false, 'hidden while no SQL editor is active');
    const doc = vscode.openDocument(resolve(REPO_ROOT, 'test/fixtures/lsp/goose-migration.sql'), readFixture('goose-migration.sql'));
    vscode.focus(doc);
    await until('the status bar to show the runner', () => item.text.includes('goose') || undefined);
    assert.equal(item.text, '$(database) Lockstep: goose · PG 16');
    assert.equal(item.visible, true);
    assert.equal(item.command, 'lockstep.showOutput');

    vscode.focus(vscode.openDocument('/tmp/notes.md', '# notes', 'markdown'));
    assert.equal(item.visible, false, 'hidden for non-SQL editors');
  });

  it('starts the server with 32 MB semi-spaces (fewer scavenges while relinting a long file)', async function () {
    if (!existsSync('/proc/self/cmdline')) this.skip();
    const [argv] = await until('the server process', () => serverChildren()[0] && serverChildren());
    assert.ok(argv.includes('--max-semi-space-size=32'), argv.join(' '));
  });

  it('starts the server with one V8 background thread (on 2 cores, four took CPU from its main thread)', async function () {
    if (!existsSync('/proc/self/cmdline')) this.skip();
    const [argv] = await until('the server process', () => serverChildren()[0] && serverChildren());
    assert.ok(argv.includes('--v8-pool-size=1'), argv.join(' '));
  });

  it('restarts the server on "Lockstep: Restart Server" and keeps serving', async () => {
    const [item] = vscode.statusItems;
    await vscode.commands.get('lockstep.restartServer')!();
    assert.ok(!vscode.channels[0].lines.some((l) => /restart failed/i.test(l)), vscode.channels[0].lines.join('\n'));
    const doc = vscode.openDocument(resolve(REPO_ROOT, 'test/fixtures/lsp/unsafe-index.sql'), readFixture('unsafe-index.sql'));
    vscode.focus(doc);
    await until('the restarted server to report the document', () => item.text.includes('plain') || undefined);
    assert.equal(item.text, '$(database) Lockstep: plain · PG 16');
  });

  it('shows the output channel on "Lockstep: Show Output"', async () => {
    await vscode.commands.get('lockstep.showOutput')!();
    assert.equal(vscode.channels[0].shown, true);
  });
});
