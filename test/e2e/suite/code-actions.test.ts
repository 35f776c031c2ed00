/**
 * Code actions through the real extension host: the CONCURRENTLY quick-fix on require-concurrent-index
 * (preferred, tied to its diagnostic), every Lockstep quick-fix removing the diagnostic it fixes,
 * and "Split into phases" creating the phase files after VS Code's refactor preview.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { INDEX_MIGRATION, codeOf, hasCode, lockstepDiagnostics, openFixture, waitFor, waitForDiagnostics, workspaceRoot, RESOLVE_ALL } from './helpers';


async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<(vscode.CodeAction | vscode.Command)[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, undefined, RESOLVE_ALL);
  assert.ok(Array.isArray(actions), 'executeCodeActionProvider returns an array');
  return actions;
}

/** VS Code's executeCodeActionProvider drops the actions' diagnostics, so fixes are recognised by kind and title. */
function isQuickFix(action: vscode.CodeAction | vscode.Command): action is vscode.CodeAction {
  return 'kind' in action && !!action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind);
}

describe('code actions', () => {
  it('offers "Build the index CONCURRENTLY" on require-concurrent-index, preferred, with the ignores', async () => {
    const { document } = await openFixture(INDEX_MIGRATION);
    const [diagnostic] = (await waitForDiagnostics(document.uri, 'require-concurrent-index', hasCode('require-concurrent-index')))
      .filter((d) => codeOf(d) === 'require-concurrent-index');
    const actions = await codeActionsAt(document.uri, diagnostic.range);
    console.log(`code actions offered on require-concurrent-index: ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixes = actions.filter(isQuickFix);
    const concurrently = fixes.find((a) => a.title === 'Build the index CONCURRENTLY');
    assert.ok(concurrently, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(concurrently.isPreferred, true);
    assert.ok(concurrently.edit, 'the fix carries its edit');
    assert.ok(fixes.some((a) => a.title === 'Ignore require-concurrent-index for this statement'));
    assert.ok(fixes.some((a) => a.title === 'Ignore require-concurrent-index in this file'));
  });

  it('applying each Lockstep quick-fix leaves fewer Lockstep diagnostics', async () => {
    const original = await openFixture(INDEX_MIGRATION);
    const diagnostics = await waitForDiagnostics(original.document.uri, 'diagnostics', hasCode('require-concurrent-index'));
    const tried = new Set<string>();
    for (const target of diagnostics) {
      const line = target.range.start.line;
      for (const fix of (await codeActionsAt(original.document.uri, target.range)).filter(isQuickFix)) {
        if (tried.has(`${line}:${fix.title}`)) continue;
        tried.add(`${line}:${fix.title}`);
        // Apply each fix to a fresh untitled copy, so fixes never see each other's edits.
        const copy = await vscode.workspace.openTextDocument({ language: 'sql', content: original.document.getText() });
        await vscode.window.showTextDocument(copy);
        // Fixes may add lines (the prelude), so count the document's diagnostics rather than a line's.
        const count = () => lockstepDiagnostics(copy.uri).length;
        const before = (await waitForDiagnostics(copy.uri, `${codeOf(target)} on the copy`, hasCode(codeOf(target) ?? ''))).length;
        const [again] = (await codeActionsAt(copy.uri, target.range)).filter((a) => isQuickFix(a) && a.title === fix.title) as vscode.CodeAction[];
        assert.ok(again, `"${fix.title}" is offered on the copy too`);
        if (again.edit) assert.ok(await vscode.workspace.applyEdit(again.edit), `"${fix.title}" applies`);
        if (again.command) await vscode.commands.executeCommand(again.command.command, ...(again.command.arguments ?? []));
        await waitFor(`"${fix.title}" (offered at line ${line}) to remove a diagnostic (${before} before)`, () => (count() < before ? true : undefined));
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
    const titles = [...tried].map((t) => t.slice(t.indexOf(':') + 1));
    for (const expected of ['Build the index CONCURRENTLY', 'Ignore require-concurrent-index for this statement', 'Ignore require-concurrent-index in this file']) {
      assert.ok(titles.includes(expected), `"${expected}" was applied; applied: ${JSON.stringify(titles)}`);
    }
  });

  it('"Split into phases" creates the phase migrations and the plan note, after the refactor preview', async () => {
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'split-e2e');
    const uri = vscode.Uri.joinPath(folder, '20240101120000_rename_email.sql');
    const text = '-- +goose Up\nALTER TABLE users ADD COLUMN email_address text;\nUPDATE users SET email_address = email;\nALTER TABLE users DROP COLUMN email;\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      await waitForDiagnostics(uri, 'diagnostics on the rename', hasCode('drop-column'));
      const whole = new vscode.Range(document.positionAt(0), document.positionAt(text.length));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.lockstep.splitPhases', 5);
      const split = actions.find((a) => a.title.startsWith('Lockstep: Split into phases'));
      assert.ok(split?.edit, `the split is offered and resolved: ${JSON.stringify(actions.map((a) => a.title))}`);
      // The edit asks for confirmation: VS Code opens its refactor preview, and applying it writes the files.
      let settled = false;
      const applying = Promise.resolve(vscode.workspace.applyEdit(split.edit)).finally(() => (settled = true));
      await waitFor('the refactor preview to accept the split', async () => {
        if (settled) return true;
        await vscode.commands.executeCommand('refactorPreview.apply').then(undefined, () => undefined);
        return undefined;
      });
      assert.equal(await applying, true, 'the split applies');
      const names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
      console.log(`split created: ${JSON.stringify(names)}`);
      assert.ok(names.includes('20240101120000_rename_email.plan.md'), 'the plan note');
      assert.ok(names.some((n) => /^\d{14}_rename_email_backfill\.sql$/.test(n)), 'the backfill phase');
      assert.ok(names.some((n) => /^\d{14}_rename_email_contract\.sql$/.test(n)), 'the contract phase');
      assert.doesNotMatch(document.getText(), /DROP COLUMN/, 'the first phase stays in the document');
      await vscode.commands.executeCommand('workbench.action.files.save');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
    }
  });
});
