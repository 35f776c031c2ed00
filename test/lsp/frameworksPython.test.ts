/**
 * The language server on a Django `.py` migration (read with tree-sitter, loaded at server start):
 * the squiggle on the AddIndex operation and inside a RunSQL string, the hover with the SQL Django
 * sends, and the quick-fix in Django's idiom.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CodeAction, MarkupContent, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspHarness, positionAt, REPO_ROOT } from './harness';

const PATH = resolve(REPO_ROOT, 'test/fixtures/frameworks/django/shop/migrations/0002_order_status_index.py');

describe('LSP on framework migrations (.py)', function () {
  this.timeout(30_000);
  let lsp: LspHarness;
  const text = readFileSync(PATH, 'utf8');
  const uri = fileUri(PATH);
  const call = text.indexOf('migrations.AddIndex(');

  before(async () => {
    lsp = await LspHarness.start();
    lsp.open(uri, text, 'python');
  });
  after(() => lsp.dispose());

  it('underlines the AddIndex operation and the type change inside the RunSQL string', async () => {
    const { diagnostics } = await lsp.diagnosticsFor(uri);
    const index = diagnostics.find((d) => d.code === 'require-concurrent-index');
    assert.ok(index, 'require-concurrent-index reported');
    assert.deepEqual(index.range.start, positionAt(text, call));
    const change = diagnostics.find((d) => d.code === 'type-change-rewrite');
    const sql = 'note TYPE varchar(200)';
    assert.deepEqual(change?.range, { start: positionAt(text, text.indexOf(sql)), end: positionAt(text, text.indexOf(sql) + sql.length) });
  });

  it('hovers with the SQL Django sends and its lock', async () => {
    const hover = await lsp.hover(uri, positionAt(text, call + 5));
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /Django sends:\n\n```sql\nCREATE INDEX "shop_order_status_idx" ON "shop_order" \("status"\)\n```/);
    assert.match(value, /SHARE/);
  });

  it('offers the Django quick-fix: AddIndexConcurrently and atomic = False', async () => {
    const { diagnostics } = await lsp.diagnosticsFor(uri);
    const diagnostic = diagnostics.find((d) => d.code === 'require-concurrent-index')!;
    const actions = await lsp.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.title.startsWith('Use CONCURRENTLY'));
    assert.ok(fix?.edit, `a fix among ${actions.map((a) => a.title).join(', ')}`);
    const change = fix.edit.documentChanges?.[0] as { edits: TextEdit[] } | undefined;
    const edits = change?.edits ?? Object.values(fix.edit.changes ?? {})[0];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, text), edits);
    assert.ok(fixed.includes('    atomic = False\n'));
    assert.ok(fixed.includes('        AddIndexConcurrently(\n'));
    assert.ok(fixed.includes('from django.contrib.postgres.operations import AddIndexConcurrently\n'));
  });

  it('says nothing about a .py file that is not a migration', async () => {
    const other = fileUri(resolve(REPO_ROOT, 'test/fixtures/frameworks/django/shop/models.py'));
    lsp.open(other, 'class Order:\n    pass\n', 'python');
    const published = await lsp.diagnosticsFor(other);
    assert.deepEqual(published.diagnostics, []);
  });
});
