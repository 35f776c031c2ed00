/**
 * `Lockstep: Scaffold Migration Plan…`: pick a plan kind (the statement under the cursor suggests
 * one), answer its questions from quick picks prefilled with that statement and the known schema,
 * preview the files, then create them with one WorkspaceEdit and open PLAN.md.
 * Tests and automation pass the answers as an argument instead.
 */
import * as vscode from 'vscode';
import {
  SCAFFOLD_CONTEXT_REQUEST, SCAFFOLD_GENERATE_REQUEST, type ScaffoldContext, type ScaffoldGenerated, type ScaffoldResponse,
} from '../../../server/src/lsp/scaffoldProtocol';
import type { ClientFeature } from '../features';
import { askParam } from './prompts';
import { PREVIEW_SCHEME, PreviewProvider } from './preview';

export const SCAFFOLD_COMMAND = 'lockstep.scaffoldPlan';

export interface ScaffoldCommandInput {
  /** The document to start from (default: the active editor). */
  uri?: string | vscode.Uri;
  kind?: string;
  /** Answers; anything missing is asked for. */
  args?: Record<string, string>;
  /** Take the statement under the cursor's suggestion (kind and answers) without asking. */
  acceptSuggestion?: boolean;
  /** Create the files without the confirmation. */
  accept?: boolean;
}

export interface ScaffoldCommandResult {
  created?: string[];
  planPath?: string;
  suggestion?: ScaffoldContext['suggestion'];
  error?: string;
}

export const scaffoldClientFeature: ClientFeature = ({ client, output }) => {
  const preview = new PreviewProvider();
  return [
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.commands.registerCommand(SCAFFOLD_COMMAND, (input?: ScaffoldCommandInput) => {
      // From the palette (no argument) the questions are asked without holding the command open;
      // with an argument (tests, other extensions) the result is returned once the files exist.
      if (input && typeof input === 'object' && !(input instanceof vscode.Uri)) return run(input);
      void run({}).catch((err: unknown) => output.error(`scaffold: ${String(err)}`));
      return undefined;
    }),
  ];

  async function run(given: ScaffoldCommandInput): Promise<ScaffoldCommandResult> {
    const fail = (error: string): ScaffoldCommandResult => {
      void vscode.window.showErrorMessage(`Lockstep: ${error}`);
      return { error };
    };
    const editor = vscode.window.activeTextEditor;
    const uri = given.uri ? (typeof given.uri === 'string' ? vscode.Uri.parse(given.uri) : given.uri) : editor?.document.uri;
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return fail('open a folder (workspace) to scaffold a plan into.');
    const sameDoc = editor && uri && editor.document.uri.toString() === uri.toString();
    const offset = sameDoc ? editor!.document.offsetAt(editor!.selection.active) : undefined;
    const base = { uri: uri?.scheme === 'file' ? uri.toString() : undefined, root: folder.uri.fsPath };

    const context = await client.sendRequest<ScaffoldResponse<ScaffoldContext>>(SCAFFOLD_CONTEXT_REQUEST, { ...base, offset });
    if ('error' in context) return fail(context.error);
    const suggestion = context.suggestion;

    let kindId = given.kind ?? (given.acceptSuggestion ? suggestion?.kind : undefined);
    if (!kindId) {
      const items = context.kinds.map((k) => ({
        label: `${k.id === suggestion?.kind ? '$(lightbulb) ' : ''}${k.title}`,
        description: k.id === suggestion?.kind ? `suggested by: ${suggestion.from}` : undefined,
        detail: k.description,
        id: k.id,
      }));
      items.sort((a, b) => Number(b.id === suggestion?.kind) - Number(a.id === suggestion?.kind));
      const picked = await vscode.window.showQuickPick(items, { title: `Lockstep: Scaffold Migration Plan (${context.runner} files in ${context.migrationsDir || '.'})`, placeHolder: 'What change do you want to make without downtime?', matchOnDetail: true, ignoreFocusOut: true });
      if (!picked) return {};
      kindId = picked.id;
    }
    const kind = context.kinds.find((k) => k.id === kindId);
    if (!kind) return fail(`unknown plan kind "${kindId}".`);

    const prefill = suggestion?.kind === kind.id ? suggestion.args : {};
    const args: Record<string, string | undefined> = {};
    for (const param of kind.params) {
      const answer = given.args?.[param.name] ?? (given.acceptSuggestion ? prefill[param.name] : undefined);
      // Answers given as an argument are complete: optional ones left out take their default.
      if (answer !== undefined || ((given.args || given.acceptSuggestion) && !param.required)) {
        args[param.name] = answer;
        continue;
      }
      const value = await askParam(param, context, args, prefill[param.name]);
      if (value === undefined) return {};
      args[param.name] = value || undefined;
    }

    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Lockstep: scaffolding ${kind.title.toLowerCase()}…` }, () =>
      client.sendRequest<ScaffoldResponse<ScaffoldGenerated>>(SCAFFOLD_GENERATE_REQUEST, { ...base, offset, kind: kind.id, args }),
    );
    if ('error' in result) return fail(result.error);

    const clashes: string[] = [];
    for (const f of result.files.filter((x) => !x.appendsTo)) {
      try {
        await vscode.workspace.fs.stat(vscode.Uri.file(f.path));
        clashes.push(vscode.workspace.asRelativePath(f.path));
      } catch {
        /* does not exist: good */
      }
    }
    if (clashes.length) return fail(`these files already exist, nothing was created: ${clashes.join(', ')}`);

    const previewUri = preview.show(result, (p) => vscode.workspace.asRelativePath(p));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(previewUri), { preview: true });
    if (!given.accept) {
      const choice = await vscode.window.showInformationMessage(
        `Create ${result.files.length} files for "${result.title}" (${result.runner})?`,
        { modal: true, detail: result.files.map((f) => vscode.workspace.asRelativePath(f.path)).join('\n') },
        'Create',
      );
      if (choice !== 'Create') return {};
    }

    const edit = new vscode.WorkspaceEdit();
    const appended: vscode.Uri[] = [];
    for (const f of result.files) {
      const target = vscode.Uri.file(f.path);
      if (f.appendsTo) {
        const doc = await vscode.workspace.openTextDocument(target);
        edit.replace(target, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), f.content);
        appended.push(target);
      } else {
        edit.createFile(target, { contents: Buffer.from(f.content, 'utf8') });
      }
    }
    if (!(await vscode.workspace.applyEdit(edit))) return fail('VS Code did not apply the edit that creates the files.');
    for (const target of appended) await (await vscode.workspace.openTextDocument(target)).save();
    for (const f of result.findings) output.warn(`scaffold: ${f}`);
    output.info(`Scaffolded "${result.title}": ${result.files.length} files (${result.runner}).`);
    await vscode.window.showTextDocument(vscode.Uri.file(result.planPath), { preview: false });
    return { created: result.files.map((f) => f.path), planPath: result.planPath, suggestion };
  }
};
