/**
 * The estimate in the real editor: lockstep.database.url points at the PostgreSQL cluster the e2e
 * runner started (LOCKSTEP_E2E_DATABASE_URL), `Lockstep: Estimate Lock Impact` connects, estimates
 * the fixture migration and opens the report webview; hovers gain the live figures.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { INDEX_MIGRATION, hasCode, openFixture, rangeOf, setWorkspaceSetting, waitFor, waitForDiagnostics } from './helpers';

interface EstimateCommandResult {
  outcome: 'shown' | 'cancelled' | 'failed';
  message?: string;
  panel?: { viewType: string; title: string; visible: boolean };
  statements?: number;
  risk?: string;
  target?: string;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('lockstep.estimateReport'));
}

describe('estimate lock impact against a live database', () => {
  const url = process.env.LOCKSTEP_E2E_DATABASE_URL;
  let document: vscode.TextDocument;

  before(async () => {
    assert.ok(url, 'the e2e runner starts a PostgreSQL cluster and passes LOCKSTEP_E2E_DATABASE_URL');
    ({ document } = await openFixture(INDEX_MIGRATION));
    await waitForDiagnostics(document.uri, 'the server to lint the fixture', hasCode('require-concurrent-index'));
    await setWorkspaceSetting('lockstep.database.url', url);
  });

  after(async () => {
    await vscode.commands.executeCommand('lockstep.disconnectDatabase');
    await setWorkspaceSetting('lockstep.database.url', undefined);
    for (const tab of reportTabs()) await vscode.window.tabGroups.close(tab);
  });

  it('runs the command, connects read-only and opens the report webview', async () => {
    await vscode.window.showTextDocument(document);
    const result = await vscode.commands.executeCommand<EstimateCommandResult>('lockstep.estimateLockImpact');
    assert.strictEqual(result?.outcome, 'shown', JSON.stringify(result));
    assert.strictEqual(result.statements, 2);
    assert.match(result.target ?? '', /^lockstep@127\.0\.0\.1:\d+\/lockstep_e2e$/);
    assert.strictEqual(result.panel?.title, 'Lock impact: 001_orders_customer_index.sql');
    const tab = await waitFor('the report tab', () => reportTabs()[0]);
    assert.strictEqual(tab.label, 'Lock impact: 001_orders_customer_index.sql');
  });

  it('hovers show the live table figures once connected', async () => {
    const position = rangeOf(document, 'INDEX idx_orders').start;
    const text = await waitFor('a hover with database figures', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
      const value = hoverText(hovers ?? []);
      return value.includes('lockstep_e2e') ? value : undefined;
    });
    assert.match(text, /\| orders \| 50,000 \|/);
    assert.match(text, /Estimated time:/);
    assert.match(text, /\*\*Risk: (LOW|MEDIUM|HIGH)\*\*/);
  });
});
