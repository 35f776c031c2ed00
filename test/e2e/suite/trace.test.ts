import * as assert from 'assert';
import { openFixture } from './helpers';
import * as vscode from 'vscode';

interface TraceResult {
  text: string;
  observed: number;
  disagreements: number;
  failed: number;
}

describe('trace on embedded PostgreSQL', function () {
  // PGlite starts in a worker thread of the language server: seconds, not milliseconds.
  this.timeout(120_000);

  it('replays the open migration after the earlier one and finds every lock as the model predicts', async () => {
    const { document } = await openFixture('trace/V2__orders_changes.sql');
    const result = await vscode.commands.executeCommand<TraceResult | { error: string }>('lockstep.traceMigration', document.uri);
    assert.ok(result && !('error' in result), `trace result: ${JSON.stringify(result)}`);
    assert.strictEqual(result.failed, 0, result.text);
    assert.strictEqual(result.observed, 2, result.text);
    assert.strictEqual(result.disagreements, 0, result.text);
    assert.match(result.text, /ALTER COLUMN customer_id TYPE: observed = model — orders ACCESS EXCLUSIVE, orders_pkey ACCESS EXCLUSIVE; rewrote orders, orders_pkey; scanned orders/);
  });
});
