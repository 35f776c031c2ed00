import * as assert from 'assert';
import * as vscode from 'vscode';
import { BROKEN_MIGRATION, INDEX_MIGRATION, codeOf, hasCode, openFixture, rangeOf, waitForDiagnostics } from './helpers';

describe('diagnostics', () => {
  it('flags a blocking CREATE INDEX with require-concurrent-index over that statement', async () => {
    const { document } = await openFixture(INDEX_MIGRATION);
    const diagnostics = await waitForDiagnostics(document.uri, 'require-concurrent-index', hasCode('require-concurrent-index'));
    const flagged = diagnostics.filter((d) => codeOf(d) === 'require-concurrent-index');
    assert.strictEqual(flagged.length, 1, 'one finding for one CREATE INDEX');
    const [diagnostic] = flagged;
    const statement = rangeOf(document, 'CREATE INDEX idx_orders_customer ON orders (customer_id)');
    const withSemicolon = rangeOf(document, 'CREATE INDEX idx_orders_customer ON orders (customer_id);');
    assert.ok(diagnostic.range.start.isEqual(statement.start), `starts at CREATE INDEX, got ${diagnostic.range.start.line}:${diagnostic.range.start.character}`);
    assert.ok(
      diagnostic.range.end.isAfterOrEqual(statement.end) && diagnostic.range.end.isBeforeOrEqual(withSemicolon.end),
      `ends at the end of the statement, got ${diagnostic.range.end.line}:${diagnostic.range.end.character}`,
    );
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(diagnostic.message, /CONCURRENTLY/);
  });

  it('reports unparsable SQL as a syntax-error inside the broken statement', async () => {
    const { document } = await openFixture(BROKEN_MIGRATION);
    const diagnostics = await waitForDiagnostics(document.uri, 'syntax-error', hasCode('syntax-error'));
    const statement = rangeOf(document, 'CREATE TABLE shipments (id bigint PRIMARY KEY, carrier text;');
    const syntaxErrors = diagnostics.filter((d) => codeOf(d) === 'syntax-error');
    assert.strictEqual(syntaxErrors.length, 1);
    assert.ok(statement.contains(syntaxErrors[0].range), 'the error is inside the broken statement');
    assert.strictEqual(syntaxErrors[0].severity, vscode.DiagnosticSeverity.Error);
  });
});
