/**
 * A TypeORM `.ts` migration in the real extension host: the squiggle sits on the exact SQL inside
 * the `queryRunner.query` string, the hover shows the SQL TypeORM sends and its lock, and the
 * quick-fix writes TypeORM's own idiom (CONCURRENTLY in the string plus `transaction = false` on the
 * class), after which the finding is gone.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { sqlName } from '../../../server/src/locks/modes';
import { EXTENSION_ID, codeOf, hasCode, lacksCode, openFixture, rangeOf, waitForDiagnostics, RESOLVE_ALL } from './helpers';


const TYPEORM_MIGRATION = 'typeorm/migrations/1733000000000-OrdersCustomerIndex.ts';
const SQL = 'CREATE INDEX orders_customer_idx ON orders (customer_id)';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

describe('a TypeORM .ts migration', () => {
  let document: vscode.TextDocument;
  let diagnostic: vscode.Diagnostic;

  before(async () => {
    // The workspace activates Lockstep (it has migrations/*.ts), but a busy machine may time out VS Code's
    // workspaceContains search, and this test may run first: activate it as a user's first .sql file would.
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    ({ document } = await openFixture(TYPEORM_MIGRATION));
    const diagnostics = await waitForDiagnostics(document.uri, 'require-concurrent-index in the .ts migration', hasCode('require-concurrent-index'));
    diagnostic = diagnostics.find((d) => codeOf(d) === 'require-concurrent-index')!;
  });

  it('puts the squiggle on the SQL inside the queryRunner.query string', () => {
    const sql = rangeOf(document, SQL);
    assert.ok(sql.contains(diagnostic.range), `the diagnostic ${JSON.stringify(diagnostic.range)} lies inside the SQL string ${JSON.stringify(sql)}`);
    assert.equal(diagnostic.range.start.line, sql.start.line);
    assert.ok(document.getText(diagnostic.range).length > 0, 'a non-empty range');
    assert.ok(/^CREATE INDEX/i.test(document.getText(diagnostic.range)), `it starts at the statement: "${document.getText(diagnostic.range)}"`);
  });

  it('shows the SQL TypeORM sends and the lock it takes on hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, rangeOf(document, 'orders_customer_idx ON').start);
    const text = hoverText(hovers);
    assert.ok(text.includes(SQL), `the hover shows the emitted SQL: ${text}`);
    assert.ok(text.includes(sqlName('ShareLock')), `the hover names the SHARE lock: ${text}`);
  });

  it('applies the quick-fix in TypeORM idiom: CONCURRENTLY and `transaction = false`, and the finding goes', async () => {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, undefined, RESOLVE_ALL);
    const fix = actions.find((a) => a.title === 'Use CONCURRENTLY and run this TypeORM migration outside a transaction');
    assert.ok(fix?.edit, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix applies');
    const text = document.getText();
    assert.ok(text.includes('await queryRunner.query(`CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)`);'), text);
    assert.ok(/implements MigrationInterface \{\n\s+transaction = false;\n/.test(text), text);
    await waitForDiagnostics(document.uri, 'require-concurrent-index to go after the fix', lacksCode('require-concurrent-index'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
