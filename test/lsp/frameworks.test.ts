/**
 * The language server on framework migrations, one table row per host language: the squiggle on
 * the exact characters (SQL inside a string or heredoc, or the whole DSL call), the hover with the
 * SQL the framework sends and its lock, the quick-fix in the framework's idiom, and nothing on a
 * file of that language that is not a migration.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CodeAction, CreateFile, MarkupContent, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspHarness, positionAt, REPO_ROOT } from './harness';

interface Case {
  framework: string;
  languageId: string;
  path: string;
  /** Rule id → the exact host text its squiggle covers (`start` only: where it starts). */
  squiggles: { code: string; text: string; startOnly?: boolean }[];
  /** Hovered at the first squiggle: the SQL the framework sends (the lock is checked too). */
  hover: RegExp;
  /** What the "Use CONCURRENTLY" fix on require-concurrent-index leaves in the file. */
  fixed: string[];
  notMigration: { path: string; text: string };
}

const CASES: Case[] = [
  {
    framework: 'TypeORM',
    languageId: 'typescript',
    path: 'test/fixtures/frameworks/typeorm/migrations/1700000000001-IndexAccountsEmail.ts',
    squiggles: [{ code: 'require-concurrent-index', text: 'CREATE INDEX "IDX_accounts_email" ON "accounts" ("email")' }],
    hover: /TypeORM sends:\n\n```sql\nCREATE INDEX "IDX_accounts_email" ON "accounts" \("email"\)\n```/,
    fixed: ['  transaction = false;\n', '`CREATE INDEX CONCURRENTLY "IDX_accounts_email" ON "accounts" ("email")`'],
    notMigration: { path: 'test/fixtures/frameworks/typeorm/not-a-migration.ts', text: 'export function up(x: number) {\n  return x + 1;\n}\n' },
  },
  {
    framework: 'Rails',
    languageId: 'ruby',
    path: 'test/fixtures/frameworks/rails/db/migrate/20240102000000_index_users_email.rb',
    squiggles: [
      { code: 'require-concurrent-index', text: 'add_index :users, :email' },
      { code: 'require-not-valid', text: "CONSTRAINT users_email_present CHECK (email <> '')" },
    ],
    hover: /Rails sends:\n\n```sql\nCREATE INDEX "index_users_on_email" ON "users" \("email"\)\n```/,
    fixed: ['[7.1]\n  disable_ddl_transaction!\n\n  def change\n    add_index :users, :email, algorithm: :concurrently\n'],
    notMigration: { path: 'test/fixtures/frameworks/rails/app/models/user.rb', text: 'class User < ApplicationRecord\nend\n' },
  },
  {
    framework: 'Django',
    languageId: 'python',
    path: 'test/fixtures/frameworks/django/shop/migrations/0002_order_status_index.py',
    squiggles: [
      { code: 'require-concurrent-index', text: 'migrations.AddIndex(', startOnly: true },
      { code: 'type-change-rewrite', text: 'note TYPE varchar(200)' },
    ],
    hover: /Django sends:\n\n```sql\nCREATE INDEX "shop_order_status_idx" ON "shop_order" \("status"\)\n```/,
    fixed: ['    atomic = False\n', '        AddIndexConcurrently(\n', 'from django.contrib.postgres.operations import AddIndexConcurrently\n'],
    notMigration: { path: 'test/fixtures/frameworks/django/shop/models.py', text: 'class Order:\n    pass\n' },
  },
];

for (const c of CASES) {
  describe(`LSP on ${c.framework} migrations (${c.languageId})`, function () {
    this.timeout(30_000);
    let lsp: LspHarness;
    const path = resolve(REPO_ROOT, c.path);
    const text = readFileSync(path, 'utf8');
    const uri = fileUri(path);
    const diagnostic = async (code: string) => (await lsp.diagnosticsFor(uri)).diagnostics.find((d) => d.code === code);

    before(async () => {
      lsp = await LspHarness.start();
      lsp.open(uri, text, c.languageId);
    });
    after(() => lsp.dispose());

    it('underlines the exact characters in the host file', async () => {
      for (const s of c.squiggles) {
        const found = await diagnostic(s.code);
        assert.ok(found, `${s.code} reported`);
        const start = text.indexOf(s.text);
        if (s.startOnly) assert.deepEqual(found.range.start, positionAt(text, start), s.code);
        else assert.deepEqual(found.range, { start: positionAt(text, start), end: positionAt(text, start + s.text.length) }, s.code);
      }
    });

    it(`hovers with the SQL ${c.framework} sends and its lock`, async () => {
      const hover = await lsp.hover(uri, positionAt(text, text.indexOf(c.squiggles[0].text) + 5));
      const value = (hover?.contents as MarkupContent).value;
      assert.match(value, c.hover);
      assert.match(value, /\| SHARE \|/);
    });

    it(`offers the quick-fix in ${c.framework}'s idiom`, async () => {
      const found = (await diagnostic('require-concurrent-index'))!;
      const actions = await lsp.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: found.range,
        context: { diagnostics: [found], only: ['quickfix'] },
      });
      const fix = actions.find((a) => a.title.startsWith('Use CONCURRENTLY'));
      assert.ok(fix?.edit, `a fix among ${actions.map((a) => a.title).join(', ')}`);
      const change = fix.edit.documentChanges?.[0] as { edits: TextEdit[] } | undefined;
      const edits = change?.edits ?? Object.values(fix.edit.changes ?? {})[0];
      const fixed = TextDocument.applyEdits(TextDocument.create(uri, c.languageId, 1, text), edits);
      for (const piece of c.fixed) assert.ok(fixed.includes(piece), `fixed file contains ${JSON.stringify(piece)}:\n${fixed}`);
    });

    it(`says nothing about a ${c.languageId} file that is not a migration`, async () => {
      const other = fileUri(resolve(REPO_ROOT, c.notMigration.path));
      lsp.open(other, c.notMigration.text, c.languageId);
      assert.deepEqual((await lsp.diagnosticsFor(other)).diagnostics, []);
    });
  });
}

describe('LSP: "Split into phases" on a framework migration', function () {
  this.timeout(30_000);
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start();
  });
  after(() => lsp.dispose());

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
});
