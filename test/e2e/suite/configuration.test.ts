import * as assert from 'assert';
import * as vscode from 'vscode';
import { INDEX_MIGRATION, codeOf, hasCode, lacksCode, openFixture, setWorkspaceSetting, waitForDiagnostics } from './helpers';

describe('configuration', () => {
  let uri: vscode.Uri;

  before(async () => {
    ({ document: { uri } } = await openFixture(INDEX_MIGRATION));
    await waitForDiagnostics(uri, 'the server to lint the fixture', hasCode('require-concurrent-index'));
  });

  // The server relints after a settings change in its own time: wait until the fixture shows the
  // defaults again, or the next test (diagnostics opens the same file) can read this test's severities.
  afterEach(async () => {
    await setWorkspaceSetting('lockstep.pgVersion', undefined);
    await setWorkspaceSetting('lockstep.rules', undefined);
    await waitForDiagnostics(uri, 'the default settings to apply again', (diagnostics) =>
      !diagnostics.some((d) => codeOf(d) === 'volatile-default') &&
      diagnostics.some((d) => codeOf(d) === 'require-concurrent-index' && d.severity === vscode.DiagnosticSeverity.Warning));
  });

  it('lockstep.pgVersion: ADD COLUMN … DEFAULT is flagged on PostgreSQL 10 only (it rewrote tables before 11)', async () => {
    await waitForDiagnostics(uri, 'no volatile-default on the default version', lacksCode('volatile-default'));
    await setWorkspaceSetting('lockstep.pgVersion', 10);
    const onTen = await waitForDiagnostics(uri, 'volatile-default on PostgreSQL 10', hasCode('volatile-default'));
    const finding = onTen.find((d) => codeOf(d) === 'volatile-default');
    assert.match(finding?.message ?? '', /rewrite/);
    await setWorkspaceSetting('lockstep.pgVersion', 16);
    await waitForDiagnostics(uri, 'volatile-default gone on PostgreSQL 16', lacksCode('volatile-default'));
  });

  it('lockstep.rules: turning a rule off removes its diagnostics, and a severity override applies', async () => {
    await setWorkspaceSetting('lockstep.rules', { 'require-concurrent-index': 'off' });
    await waitForDiagnostics(uri, 'require-concurrent-index turned off', lacksCode('require-concurrent-index'));
    await setWorkspaceSetting('lockstep.rules', { 'require-concurrent-index': 'error' });
    await waitForDiagnostics(uri, 'require-concurrent-index as an error', (diagnostics) =>
      diagnostics.some((d) => codeOf(d) === 'require-concurrent-index' && d.severity === vscode.DiagnosticSeverity.Error));
  });
});
