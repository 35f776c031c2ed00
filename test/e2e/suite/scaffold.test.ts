/**
 * `Lockstep: Scaffold Migration Plan…` in the real editor: from a migration whose statement is a
 * plain RENAME COLUMN, the command takes the plan the statement suggests (prefilled answers) and
 * creates the plan's files next to it; with explicit answers it writes another kind.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { workspaceRoot } from './helpers';

const COMMAND = 'lockstep.scaffoldPlan';
const DIR = 'scaffold-e2e/migrations';

interface Result {
  created?: string[];
  planPath?: string;
  suggestion?: { kind: string; args: Record<string, string> };
  error?: string;
}

async function write(relative: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relative);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

async function exists(path: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(path));
    return true;
  } catch {
    return false;
  }
}

describe('scaffold a migration plan', () => {
  before(async () => {
    await write(`${DIR}/001_users.sql`, 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);\nCREATE UNIQUE INDEX users_email_key ON users (email);\n');
  });

  it('is in the command palette', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND));
    const contributed = vscode.extensions.getExtension('lockstep.lockstep')?.packageJSON.contributes.commands as Array<{ command: string; title: string }>;
    assert.strictEqual(contributed.find((c) => c.command === COMMAND)?.title, 'Scaffold Migration Plan…');
  });

  it('turns the RENAME COLUMN under the cursor into a rename-column plan and creates its files', async () => {
    const naive = await write(`${DIR}/002_rename_email.sql`, '-- what the developer wrote first\nALTER TABLE users RENAME COLUMN email TO email_address;\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(naive));
    editor.selection = new vscode.Selection(new vscode.Position(1, 20), new vscode.Position(1, 20));
    const result = (await vscode.commands.executeCommand(COMMAND, { acceptSuggestion: true, accept: true })) as Result;
    assert.ok(result && !result.error, `the command failed: ${result?.error}`);
    assert.deepStrictEqual(result.suggestion?.kind, 'rename-column');
    assert.deepStrictEqual(result.suggestion?.args, { table: 'users', column: 'email', to: 'email_address' });
    const created = result.created ?? [];
    // Plain numbered SQL, continuing after 002, with PLAN.md and verify.sql.
    const names = created.map((p) => vscode.workspace.asRelativePath(p));
    assert.ok(names.includes(`${DIR}/003_rename_users_email_expand.sql`), names.join('\n'));
    assert.ok(names.some((n) => /lockstep-plans\/rename_users_email\/PLAN\.md$/.test(n)), names.join('\n'));
    for (const path of created) assert.ok(await exists(path), `${path} was created`);
    const expand = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), `${DIR}/003_rename_users_email_expand.sql`)));
    assert.match(expand, /ALTER TABLE users ADD COLUMN email_address text/);
    assert.match(expand, /CREATE TRIGGER rename_users_email_sync_users BEFORE INSERT OR UPDATE ON users/);
    // PLAN.md is opened for the user.
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === result.planPath));
  });

  it('writes another kind from explicit answers, and reports answers that do not fit the schema', async () => {
    const first = (await vscode.commands.executeCommand(COMMAND, { uri: vscode.Uri.joinPath(workspaceRoot(), `${DIR}/001_users.sql`), kind: 'add-not-null-column', args: { table: 'users', column: 'email_lower', type: 'text', backfill: 'lower(email)' }, accept: true })) as Result;
    assert.ok(first && !first.error, `the command failed: ${first?.error}`);
    assert.ok(first.created!.some((p) => p.endsWith('_add_users_email_lower_backfill.sql')));
    const bad = (await vscode.commands.executeCommand(COMMAND, { uri: vscode.Uri.joinPath(workspaceRoot(), `${DIR}/001_users.sql`), kind: 'rename-column', args: { table: 'users', column: 'nope', to: 'x' }, accept: true })) as Result;
    assert.match(bad.error ?? '', /column "nope" not found in users/);
  });
});
