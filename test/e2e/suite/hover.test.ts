import * as assert from 'assert';
import * as vscode from 'vscode';
import { sqlName } from '../../../server/src/locks/modes';
import { INDEX_MIGRATION, hasCode, openFixture, rangeOf, waitForDiagnostics } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

async function hoversAt(uri: vscode.Uri, position: vscode.Position): Promise<vscode.Hover[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  assert.ok(Array.isArray(hovers), 'executeHoverProvider returns an array');
  return hovers;
}

describe('hover', () => {
  let document: vscode.TextDocument;

  before(async () => {
    ({ document } = await openFixture(INDEX_MIGRATION));
    // Diagnostics mean the server has the document.
    await waitForDiagnostics(document.uri, 'the server to lint the fixture', hasCode('require-concurrent-index'));
  });

  it('shows the lock CREATE INDEX takes on its table', async () => {
    const hovers = await hoversAt(document.uri, rangeOf(document, 'INDEX idx_orders').start);
    const text = hoverText(hovers);
    assert.ok(text.includes('orders'), `hover names the table: ${text}`);
    assert.ok(text.includes(sqlName('ShareLock')), `hover names the SHARE lock: ${text}`);
  });

  it('shows the ACCESS EXCLUSIVE lock of ALTER TABLE … ADD COLUMN', async () => {
    const hovers = await hoversAt(document.uri, rangeOf(document, 'ADD COLUMN status').start);
    const text = hoverText(hovers);
    assert.ok(text.includes(sqlName('AccessExclusiveLock')), `hover names the lock: ${text}`);
  });

  it('shows nothing on the comment above the statements', async () => {
    const hovers = await hoversAt(document.uri, rangeOf(document, 'already exists').start);
    assert.strictEqual(hoverText(hovers), '');
  });
});
