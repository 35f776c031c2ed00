/**
 * Rule documentation inside the editor: the rule pages ship in the .vsix (docs/rules/<id>.md), and
 * a diagnostic's code link, the "Show Rule Documentation" command and its palette entry open them in
 * VS Code's markdown preview, which works offline and shows the page of the installed version.
 * `"lockstep.ruleDocs": "web"` opens the page on the repository's site instead.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import type { ClientFeature } from './features';

export const SHOW_RULE_DOCS_COMMAND = 'lockstep.showRuleDocumentation';
const RULE_ID = /^[a-z][a-z0-9-]*$/;
const SOURCE = 'lockstep';

function bundledPage(extension: vscode.ExtensionContext, id: string): vscode.Uri {
  return vscode.Uri.joinPath(extension.extensionUri, 'docs', 'rules', `${id}.md`);
}

/** The page on the web: the manifest's repository, as the CLI's default docs links. */
function webPage(extension: vscode.ExtensionContext, id: string): vscode.Uri {
  const repository = String(extension.extension.packageJSON?.repository?.url ?? 'https://github.com/lockstep/lockstep').replace(/\.git$/, '');
  return vscode.Uri.parse(`${repository}/blob/main/docs/rules/${id}.md`);
}

const wantsWeb = () => vscode.workspace.getConfiguration('lockstep').get<string>('ruleDocs') === 'web';

/** The link a diagnostic's code carries: a command that opens the bundled page in the preview. */
export function ruleDocsLink(id: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_RULE_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([id]))}`);
}

/**
 * Rewrites the server's `file:` docs links (the extension's own docs folder) into ruleDocsLink, or
 * into the web page when `lockstep.ruleDocs` is `web`.
 */
export function ruleDocsMiddleware(extension: vscode.ExtensionContext): Middleware {
  return {
    handleDiagnostics(uri, diagnostics, next) {
      const web = wantsWeb();
      next(uri, diagnostics.map((diagnostic) => {
        const code = diagnostic.code;
        if (diagnostic.source !== SOURCE || typeof code !== 'object' || code.target.scheme !== 'file') return diagnostic;
        const id = String(code.value);
        if (RULE_ID.test(id)) diagnostic.code = { value: id, target: web ? webPage(extension, id) : ruleDocsLink(id) };
        return diagnostic;
      }));
    },
  };
}

/** The Lockstep rule ids of the diagnostics under the cursor, then of the whole file. */
function idsNearCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return [];
  const ours = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE);
  const idOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code ?? '');
  const here = ours.filter((d) => d.range.contains(editor.selection.active)).map(idOf);
  return [...new Set((here.length ? here : ours.map(idOf)).filter((id) => RULE_ID.test(id)))];
}

async function allBundledIds(extension: vscode.ExtensionContext): Promise<string[]> {
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(extension.extensionUri, 'docs', 'rules'));
  return entries.map(([name]) => name).filter((n) => n.endsWith('.md') && n !== 'README.md').map((n) => n.slice(0, -3)).sort();
}

export const ruleDocsClientFeature: ClientFeature = ({ extension, output }) => [
  vscode.commands.registerCommand(SHOW_RULE_DOCS_COMMAND, async (ruleId?: unknown) => {
    let id = typeof ruleId === 'string' ? ruleId : undefined;
    if (!id) {
      const near = idsNearCursor();
      id = near.length === 1 ? near[0] : await vscode.window.showQuickPick(near.length ? near : await allBundledIds(extension), { placeHolder: 'Which rule?' });
    }
    if (!id) return undefined;
    if (!RULE_ID.test(id)) {
      void vscode.window.showErrorMessage(`Lockstep: "${id}" is not a rule id.`);
      return undefined;
    }
    if (wantsWeb()) return vscode.env.openExternal(webPage(extension, id));
    const page = bundledPage(extension, id);
    try {
      await vscode.workspace.fs.stat(page);
    } catch {
      output.warn(`No bundled documentation at ${page.toString()}`);
      void vscode.window.showErrorMessage(`Lockstep: no documentation for rule "${id}" in this version of the extension.`);
      return undefined;
    }
    return vscode.commands.executeCommand('markdown.showPreview', page);
  }),
];
