/**
 * Rule docs in the editor (issue 15, part 7): a diagnostic's code links to the page bundled in the
 * installed .vsix, and following it opens that page in VS Code's markdown preview, offline.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, INDEX_MIGRATION, codeOf, hasCode, openFixture, setWorkspaceSetting, waitFor, waitForDiagnostics } from './helpers';

const COMMAND = 'lockstep.showRuleDocumentation';

/** Markdown preview tabs (webviews of the built-in markdown extension) and their labels. */
function previewTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType))
    .map((tab) => tab.label);
}

async function closePreviews(): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

describe('rule documentation', () => {
  afterEach(async () => {
    await closePreviews();
    await setWorkspaceSetting('lockstep.ruleDocs', undefined);
  });

  it("links a diagnostic's code to the bundled page, and the link opens it in the markdown preview", async () => {
    const { document } = await openFixture(INDEX_MIGRATION);
    const diagnostics = await waitForDiagnostics(document.uri, 'require-concurrent-index', hasCode('require-concurrent-index'));
    const diagnostic = diagnostics.find((d) => codeOf(d) === 'require-concurrent-index')!;
    const code = diagnostic.code as { value: string; target: vscode.Uri };
    assert.strictEqual(typeof code, 'object', 'the code carries a link');
    assert.strictEqual(code.target.scheme, 'command', `a command link, not a path of the build machine: ${code.target.toString()}`);
    assert.strictEqual(code.target.path, COMMAND);
    const args = JSON.parse(decodeURIComponent(code.target.query));
    assert.deepStrictEqual(args, ['require-concurrent-index']);

    // The page the link opens ships inside the installed extension.
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const page = vscode.Uri.joinPath(extension.extensionUri, 'docs', 'rules', 'require-concurrent-index.md');
    const text = Buffer.from(await vscode.workspace.fs.readFile(page)).toString('utf8');
    assert.match(text, /^# require-concurrent-index\n/);

    await vscode.commands.executeCommand(code.target.path, ...args);
    const label = await waitFor('a markdown preview of the rule page', () => previewTabs().find((l) => l.includes('require-concurrent-index.md')));
    assert.match(label, /Preview require-concurrent-index\.md/);
  });

  it('refuses an id that is not a rule, opening nothing', async () => {
    await vscode.commands.executeCommand(COMMAND, '../../package');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepStrictEqual(previewTabs(), []);
  });

  it('"lockstep.ruleDocs": "web" links to the page on the repository instead', async () => {
    await setWorkspaceSetting('lockstep.ruleDocs', 'web');
    const editor = await openFixture(INDEX_MIGRATION);
    // Diagnostics are re-sent on the next change; an edit and its undo trigger one.
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), ' '));
    await vscode.commands.executeCommand('undo');
    const diagnostics = await waitForDiagnostics(editor.document.uri, 'a web docs link', (ds) =>
      ds.some((d) => codeOf(d) === 'require-concurrent-index' && (d.code as { target: vscode.Uri }).target.scheme === 'https'));
    const link = (diagnostics.find((d) => codeOf(d) === 'require-concurrent-index')!.code as { target: vscode.Uri }).target;
    assert.match(link.toString(), /^https:\/\/github\.com\/lockstep\/lockstep\/blob\/main\/docs\/rules\/require-concurrent-index\.md$/);
  });
});
