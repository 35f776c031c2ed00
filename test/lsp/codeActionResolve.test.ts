/**
 * Lazy quick-fixes over stdio against dist/server.js: a client that resolves code actions gets the
 * list without edits (nothing built or verified yet), and codeAction/resolve fills in the verified
 * edit; a client that does not resolve gets the edits in the list.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, CreateFile, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspHarness, fileUri } from './harness';

const CONCURRENTLY = 'Build the index CONCURRENTLY';
/** The verified rewrite of the one-line migration below (a failed earlier build leaves an invalid index: dropped first). */
const FIXED = 'DROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n';

function listActions(lsp: LspHarness, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return lsp.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics, only: ['quickfix'] } });
}

function applyToDocument(action: CodeAction, uri: string, text: string): string {
  const edits = (action.edit?.documentChanges ?? []).filter((c): c is TextDocumentEdit => !('kind' in c) && c.textDocument.uri === uri);
  return TextDocument.applyEdits(TextDocument.create(uri, 'sql', 1, text), edits.flatMap((e) => e.edits as TextEdit[]));
}

describe('LSP lazy quick-fixes (codeAction/resolve)', function () {
  this.timeout(60_000);
  let lsp: LspHarness | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-resolve-'));
  });
  afterEach(() => {
    lsp?.dispose();
    lsp = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function openIndexMigration(name: string, text: string, resolve: boolean): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    lsp = await LspHarness.start({ debounceMs: 20, codeActionResolve: resolve });
    const path = join(dir, name);
    writeFileSync(path, text);
    const uri = fileUri(path);
    lsp.open(uri, text);
    const diagnostics = (await lsp.diagnosticsFor(uri, 1)).diagnostics.filter((d) => d.code === 'require-concurrent-index');
    assert.equal(diagnostics.length, 1);
    return { uri, diagnostics };
  }

  it('lists the fix without an edit; resolve fills in the verified edit, which clears the finding', async () => {
    const text = 'CREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { uri, diagnostics } = await openIndexMigration('add_index.sql', text, true);
    const actions = await listActions(lsp!, uri, diagnostics);
    const listed = actions.find((a) => a.title === CONCURRENTLY);
    assert.ok(listed, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(listed.edit, undefined, 'not built in the list');
    assert.ok(listed.data, 'carries what resolve needs');
    assert.equal(listed.isPreferred, true);
    assert.deepEqual(listed.diagnostics, diagnostics);
    // A provider's alternative rewrites are listed once (the menu showed this title twice).
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, [...new Set(titles)], `each title once: ${JSON.stringify(titles)}`);
    // Ignore comments need no verification: they come complete.
    assert.ok(actions.find((a) => a.title === 'Ignore require-concurrent-index for this statement')?.edit);

    const resolved = await lsp!.connection.sendRequest<CodeAction>('codeAction/resolve', listed);
    assert.equal(resolved.title, CONCURRENTLY);
    const fixed = applyToDocument(resolved, uri, text);
    assert.equal(fixed, FIXED);
    const version = lsp!.change(uri, [{ text: fixed }]);
    assert.deepEqual((await lsp!.diagnosticsFor(uri, version)).diagnostics.filter((d) => d.code === 'require-concurrent-index'), []);
  });

  it('resolve places the fix: in a goose transaction it goes to a new migration', async () => {
    writeFileSync(join(dir, '20240101000000_first.sql'), '-- +goose Up\nSELECT 1;\n');
    const text = '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { uri, diagnostics } = await openIndexMigration('20240102000000_add_index.sql', text, true);
    const listed = (await listActions(lsp!, uri, diagnostics)).find((a) => a.title === CONCURRENTLY);
    assert.ok(listed && listed.edit === undefined);
    const resolved = await lsp!.connection.sendRequest<CodeAction>('codeAction/resolve', listed);
    const created = (resolved.edit?.documentChanges ?? []).filter((c): c is CreateFile => 'kind' in c && c.kind === 'create');
    assert.equal(created.length, 1, JSON.stringify(resolved.edit));
    assert.match(created[0].uri, /_orders_user_idx_concurrently\.sql$/);
    assert.doesNotMatch(applyToDocument(resolved, uri, text), /CREATE INDEX/);
  });

  it('a fix listed for an older version resolves to no edit (the document changed meanwhile)', async () => {
    const text = 'CREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { uri, diagnostics } = await openIndexMigration('stale.sql', text, true);
    const listed = (await listActions(lsp!, uri, diagnostics)).find((a) => a.title === CONCURRENTLY);
    assert.ok(listed);
    const version = lsp!.change(uri, [{ text: `-- edited\n${text}` }]);
    await lsp!.diagnosticsFor(uri, version);
    const resolved = await lsp!.connection.sendRequest<CodeAction>('codeAction/resolve', listed);
    assert.equal(resolved.edit, undefined);
  });

  it('a resolve whose verification lints the whole long document stops when the text changes meanwhile (no edit)', async () => {
    // A syntax error keeps verification from linting a window: every placement lints the whole text, in slices.
    const lines = ['CREATE INDEX orders_user_idx ON orders (user_id);'];
    for (let i = 0; i < 3_000; i++) lines.push(`COMMENT ON TABLE t${i % 97} IS 'note ${i}';`);
    lines.push('ALTER TABLE;');
    const text = `${lines.join('\n')}\n`;
    const { uri, diagnostics } = await openIndexMigration('long_stale.sql', text, true);
    const listed = (await listActions(lsp!, uri, diagnostics)).find((a) => a.title === CONCURRENTLY);
    assert.ok(listed);
    const resolving = lsp!.connection.sendRequest<CodeAction>('codeAction/resolve', listed);
    // Read by the server at the resolve's first pause; before, the resolve ran to its end first and returned the edit.
    lsp!.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '-- edited\n' }]);
    const resolved = await resolving;
    assert.equal(resolved.edit, undefined);
  });

  it('resolve picks the alternative the eager list offers (golang-migrate: no DROP guard beside the build)', async () => {
    const text = 'CREATE INDEX orders_user_idx ON orders (user_id);\n';
    const name = '20240101000000_add_index.up.sql';
    const lazy = await openIndexMigration(name, text, true);
    const listed = (await listActions(lsp!, lazy.uri, lazy.diagnostics)).filter((a) => a.title === CONCURRENTLY);
    assert.equal(listed.length, 1);
    const resolved = applyToDocument(await lsp!.connection.sendRequest<CodeAction>('codeAction/resolve', listed[0]), lazy.uri, text);
    lsp!.dispose();
    const eager = await openIndexMigration(name, text, false);
    const offered = (await listActions(lsp!, eager.uri, eager.diagnostics)).find((a) => a.title === CONCURRENTLY);
    assert.ok(offered?.edit);
    assert.equal(resolved, applyToDocument(offered, eager.uri, text));
    assert.doesNotMatch(resolved, /DROP INDEX/);
  });

  it('a client without resolve support gets the verified edits in the list', async () => {
    const text = 'CREATE INDEX orders_user_idx ON orders (user_id);\n';
    const { uri, diagnostics } = await openIndexMigration('eager.sql', text, false);
    const listed = (await listActions(lsp!, uri, diagnostics)).find((a) => a.title === CONCURRENTLY);
    assert.ok(listed?.edit, 'built in the list');
    assert.equal(listed.data, undefined);
    assert.equal(applyToDocument(listed, uri, text), FIXED);
  });
});
