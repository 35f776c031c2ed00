/**
 * The language server on framework migrations (and a Rails `.rb` one, below): a TypeORM `.ts` migration gets its squiggle on the
 * SQL inside the string, a hover with the SQL TypeORM sends, and a quick-fix in TypeORM's idiom;
 * a `.ts` file that is no migration gets nothing.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CodeAction, CreateFile, MarkupContent, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspHarness, positionAt, REPO_ROOT } from './harness';

const PATH = resolve(REPO_ROOT, 'test/fixtures/frameworks/typeorm/migrations/1700000000001-IndexAccountsEmail.ts');
const SQL = 'CREATE INDEX "IDX_accounts_email" ON "accounts" ("email")';

describe('LSP on framework migrations (.ts)', function () {
  this.timeout(30_000);
  let lsp: LspHarness;
  const text = readFileSync(PATH, 'utf8');
  const uri = fileUri(PATH);

  before(async () => {
    lsp = await LspHarness.start();
    lsp.open(uri, text, 'typescript');
  });
  after(() => lsp.dispose());

  it('underlines the SQL inside the query string', async () => {
    const published = await lsp.diagnosticsFor(uri);
    const index = published.diagnostics.find((d) => d.code === 'require-concurrent-index');
    assert.ok(index, 'require-concurrent-index reported');
    const start = text.indexOf(SQL);
    assert.deepEqual(index.range, { start: positionAt(text, start), end: positionAt(text, start + SQL.length) });
  });

  it('hovers with the lock and the SQL TypeORM sends', async () => {
    const hover = await lsp.hover(uri, positionAt(text, text.indexOf(SQL) + 5));
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /TypeORM sends:\n\n```sql\nCREATE INDEX "IDX_accounts_email" ON "accounts" \("email"\)\n```/);
    assert.match(value, /SHARE/);
  });

  it('offers the TypeORM quick-fix: CONCURRENTLY and transaction = false', async () => {
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
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, text), edits);
    assert.ok(fixed.includes('  transaction = false;\n'));
    assert.ok(fixed.includes('`CREATE INDEX CONCURRENTLY "IDX_accounts_email" ON "accounts" ("email")`'));
  });

  it('"Split into phases" on a Knex migration: the document becomes the first phase, the others are new Knex migrations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-host-split-'));
    try {
      const path = join(dir, '20240105000000_rename_email.js');
      const js = "exports.up = async function (knex) {\n  await knex.raw('ALTER TABLE accounts ADD COLUMN email_address text');\n  await knex.raw('UPDATE accounts SET email_address = email');\n  await knex.raw('ALTER TABLE accounts DROP COLUMN email');\n};\n\nexports.down = async function () {};\n";
      writeFileSync(path, js);
      const jsUri = fileUri(path);
      lsp.open(jsUri, js, 'javascript');
      await lsp.diagnosticsFor(jsUri);
      const actions = await lsp.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: jsUri },
        range: { start: { line: 0, character: 0 }, end: positionAt(js, js.length) },
        context: { diagnostics: [], only: ['source.lockstep.splitPhases'] },
      });
      const split = actions.find((a) => a.title.startsWith('Lockstep: Split into phases'));
      assert.ok(split, `offered: ${actions.map((a) => a.title).join(', ')}`);
      const resolved = await lsp.connection.sendRequest<CodeAction>('codeAction/resolve', split);
      const changes = resolved.edit?.documentChanges ?? [];
      const created = changes.filter((c): c is CreateFile => 'kind' in c && c.kind === 'create').map((c) => c.uri.replace(/^.*\//, ''));
      assert.deepEqual(created.map((n) => n.replace(/^\d{14}/, 'TS')), ['TS_rename_email_backfill.js', 'TS_rename_email_contract.js', 'TS_rename_email.plan.md']);
      assert.ok(created[0] > '20240105000000' && created[0] < created[1], 'named after the split migration, in phase order');
      const inserted = (name: string) => (changes.find((c) => 'textDocument' in c && c.textDocument.uri.endsWith(name) && c.textDocument.version === null) as { edits: TextEdit[] }).edits[0].newText;
      assert.match(inserted(created[0]), /exports\.config = \{ transaction: false \};[\s\S]*await knex\.raw\(`DO \$backfill\$/);
      assert.match(inserted(created[1]), /await knex\.raw\(`ALTER TABLE accounts DROP COLUMN email`\)/);
      const own = changes.find((c) => 'textDocument' in c && c.textDocument.uri === jsUri) as { edits: TextEdit[] };
      const first = TextDocument.applyEdits(TextDocument.create(jsUri, 'javascript', 1, js), own.edits);
      assert.match(first, /await knex\.raw\(`ALTER TABLE accounts ADD COLUMN email_address text`\);/);
      assert.doesNotMatch(first, /DROP COLUMN|UPDATE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says nothing about a .ts file that is not a migration', async () => {
    const other = fileUri(resolve(REPO_ROOT, 'test/fixtures/frameworks/typeorm/not-a-migration.ts'));
    lsp.open(other, 'export function up(x: number) {\n  return x + 1;\n}\n', 'typescript');
    const published = await lsp.diagnosticsFor(other);
    assert.deepEqual(published.diagnostics, []);
  });
});

describe('LSP on Rails migrations (.rb)', function () {
  this.timeout(30_000);
  let lsp: LspHarness;
  const path = resolve(REPO_ROOT, 'test/fixtures/frameworks/rails/db/migrate/20240102000000_index_users_email.rb');
  const text = readFileSync(path, 'utf8');
  const uri = fileUri(path);
  const CHECK = "CONSTRAINT users_email_present CHECK (email <> '')";

  before(async () => {
    lsp = await LspHarness.start();
    lsp.open(uri, text, 'ruby');
  });
  after(() => lsp.dispose());

  it('underlines the SQL inside the heredoc and the DSL call, hovers with the SQL Rails sends, and fixes in Rails idiom', async () => {
    const { diagnostics } = await lsp.diagnosticsFor(uri);
    const check = diagnostics.find((d) => d.code === 'require-not-valid' && d.range.start.line === positionAt(text, text.indexOf(CHECK)).line);
    assert.deepEqual(check?.range, { start: positionAt(text, text.indexOf(CHECK)), end: positionAt(text, text.indexOf(CHECK) + CHECK.length) });
    const index = diagnostics.find((d) => d.code === 'require-concurrent-index')!;
    const call = 'add_index :users, :email';
    assert.deepEqual(index.range, { start: positionAt(text, text.indexOf(call)), end: positionAt(text, text.indexOf(call) + call.length) });
    const hover = await lsp.hover(uri, positionAt(text, text.indexOf(call) + 3));
    assert.match((hover?.contents as MarkupContent).value, /Rails sends:\n\n```sql\nCREATE INDEX "index_users_on_email" ON "users" \("email"\)\n```/);
    const actions = await lsp.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: index.range,
      context: { diagnostics: [index], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.title.startsWith('Use CONCURRENTLY'));
    assert.ok(fix?.edit, `a fix among ${actions.map((a) => a.title).join(', ')}`);
    const change = fix.edit.documentChanges?.[0] as { edits: TextEdit[] } | undefined;
    const edits = change?.edits ?? Object.values(fix.edit.changes ?? {})[0];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'ruby', 1, text), edits);
    assert.ok(fixed.includes('[7.1]\n  disable_ddl_transaction!\n\n  def change\n    add_index :users, :email, algorithm: :concurrently\n'));
  });
});
