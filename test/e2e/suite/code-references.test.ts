/**
 * still-referenced in the real extension host: the language server indexes the workspace's code in
 * its worker, flags the DROP COLUMN that accounts-app/queries.ts still reads, underlines the column,
 * attaches the code location as related information, and leaves the generic drop-column to it.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, lockstepDiagnostics, openFixture, rangeOf, waitFor } from './helpers';

const MIGRATION = 'contract-check/drop_account_nickname.sql';
const CODE = 'accounts-app/queries.ts';

describe('code references (still-referenced)', function () {
  // The index is built in a worker after the server starts: on a loaded machine that can take a while.
  this.timeout(150_000);

  it('flags the DROP COLUMN with the code location that still reads the column, and opens it there', async () => {
    const { document } = await openFixture(MIGRATION);
    const flagged = await waitFor(
      'still-referenced on the DROP COLUMN (the code index is built in the background)',
      () => lockstepDiagnostics(document.uri).find((d) => codeOf(d) === 'still-referenced'),
      120_000,
    );
    assert.strictEqual(flagged.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(document.getText(flagged.range), 'nickname', 'underlines the dropped column');
    assert.match(flagged.message, /accounts-app\/queries\.ts:4/);
    // still-referenced says it with the code: the generic drop-column finding is left out.
    assert.deepStrictEqual(lockstepDiagnostics(document.uri).map(codeOf).filter((c) => c === 'drop-column'), []);

    const code = await vscode.workspace.openTextDocument(fixtureUri(CODE));
    const column = rangeOf(code, 'nickname FROM accounts');
    const expected = new vscode.Range(column.start, column.start.translate(0, 'nickname'.length));
    assert.deepStrictEqual(
      (flagged.relatedInformation ?? []).map((r) => [vscode.workspace.asRelativePath(r.location.uri), r.location.range.start.line, r.location.range.start.character, r.location.range.end.character, r.message]),
      [[CODE, expected.start.line, expected.start.character, expected.end.character, 'reads accounts.nickname']],
    );

    // What clicking the related location does: open the code file with that range selected.
    const location = flagged.relatedInformation![0].location;
    const editor = await vscode.window.showTextDocument(location.uri, { selection: location.range });
    assert.strictEqual(editor.document.uri.toString(), fixtureUri(CODE).toString());
    assert.strictEqual(editor.document.getText(editor.selection), 'nickname');
    assert.strictEqual(editor.selection.start.line, 3, 'line 4 of the code file');
  });
});
