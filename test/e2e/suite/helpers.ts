/** Shared helpers for the extension-host suite: fixture access and polling the real VS Code API. */
import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'lockstep.lockstep';
export const DIAGNOSTIC_SOURCE = 'lockstep';
export const INDEX_MIGRATION = 'migrations/001_orders_customer_index.sql';
export const BROKEN_MIGRATION = 'migrations/002_broken.sql';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e workspace folder is open');
  return folder.uri;
}

export function fixtureUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), relativePath);
}

export async function openFixture(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(relativePath));
  return vscode.window.showTextDocument(document);
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` and the last state seen. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000}s waiting for ${what}; diagnostics now: ${describeAllDiagnostics()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function lockstepDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
}

/** Waits until `uri` has Lockstep diagnostics satisfying `ready`, and returns them. */
export function waitForDiagnostics(uri: vscode.Uri, what: string, ready: (diagnostics: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return waitFor(what, () => {
    const diagnostics = lockstepDiagnostics(uri);
    return ready(diagnostics) ? diagnostics : undefined;
  });
}

export function hasCode(code: string) {
  return (diagnostics: vscode.Diagnostic[]) => diagnostics.some((d) => codeOf(d) === code);
}

export function lacksCode(code: string) {
  return (diagnostics: vscode.Diagnostic[]) => !diagnostics.some((d) => codeOf(d) === code);
}

export function describeAllDiagnostics(): string {
  const parts = vscode.languages.getDiagnostics().map(([uri, diagnostics]) =>
    `${vscode.workspace.asRelativePath(uri)}: [${diagnostics.map((d) => `${d.source}/${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`).join(', ')}]`);
  return parts.join('; ') || '(none)';
}

/** The range of the first occurrence of `needle` in the document (fails if absent). */
export function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `fixture contains ${JSON.stringify(needle)}`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + needle.length));
}

export async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Quick-fixes are resolved lazily (codeAction/resolve): `executeCodeActionProvider` resolves this many, as choosing one would. */
export const RESOLVE_ALL = 100;
