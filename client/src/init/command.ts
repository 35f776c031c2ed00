/**
 * `Lockstep: Create Configuration`: the same plan as `lockstep init` (server/src/init), written
 * into the chosen workspace folder with one WorkspaceEdit (so it can be undone), then opened.
 * Tests pass `{ folder, github, accept }` to skip the prompts.
 */
import * as vscode from 'vscode';
import { planInit } from '../../../server/src/init/initProject';
import type { ClientFeature } from '../features';

export const CREATE_CONFIG_COMMAND = 'lockstep.createConfiguration';

export interface CreateConfigInput {
  folder?: string;
  github?: boolean;
  /** Overwrite an existing lockstep.config.json without asking. */
  accept?: boolean;
}

async function pickFolder(input: CreateConfigInput): Promise<vscode.Uri | undefined> {
  if (input.folder) return vscode.Uri.file(input.folder);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should lockstep.config.json go?' }))?.uri;
}

export const createConfigClientFeature: ClientFeature = ({ extension, output }) => [
  vscode.commands.registerCommand(CREATE_CONFIG_COMMAND, async (input: CreateConfigInput = {}) => {
    const folder = await pickFolder(input);
    if (!folder) {
      void vscode.window.showWarningMessage('Lockstep: open a folder first; the configuration belongs at its root.');
      return { error: 'no folder' };
    }
    let github = input.github;
    if (github === undefined && !input.accept) {
      const choice = await vscode.window.showQuickPick(['Configuration only', 'Configuration and a GitHub workflow'], { placeHolder: 'Lockstep: what should be created?' });
      if (!choice) return { error: 'cancelled' };
      github = choice.endsWith('workflow');
    }
    const plan = planInit(folder.fsPath, { github, packageRoot: extension.extensionPath });
    const edit = new vscode.WorkspaceEdit();
    const created: string[] = [];
    for (const file of plan.files) {
      const uri = vscode.Uri.joinPath(folder, file.path);
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (exists && !input.accept) {
        const answer = await vscode.window.showWarningMessage(`${file.path} exists. Replace it?`, { modal: true }, 'Replace');
        if (answer !== 'Replace') continue;
      }
      edit.createFile(uri, { overwrite: true, contents: Buffer.from(file.text) });
      created.push(uri.fsPath);
    }
    if (!(await vscode.workspace.applyEdit(edit))) return { error: 'the edit was refused' };
    output.info(`Created ${created.join(', ')}; migration folders: ${plan.folders.map((f) => `${f.path} (${f.runner})`).join(', ') || 'none found'}`);
    const config = created.find((p) => p.endsWith('lockstep.config.json'));
    if (config) await vscode.window.showTextDocument(vscode.Uri.file(config));
    return { created, folders: plan.folders };
  }),
];
