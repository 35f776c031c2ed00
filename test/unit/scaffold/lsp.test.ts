/**
 * The server half of the VS Code command, over stdio against the bundled server: the schema it
 * knows, the plan the statement under the cursor suggests, and the files it generates.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileUri, LspHarness } from '../../lsp/harness';
import { ensureBuilt } from '../cli/distCli';
import {
  SCAFFOLD_CONTEXT_REQUEST, SCAFFOLD_GENERATE_REQUEST, type ScaffoldContext, type ScaffoldGenerated, type ScaffoldResponse,
} from '../../../server/src/lsp/scaffoldProtocol';

describe('scaffold: language server requests', function () {
  this.timeout(60_000);
  let root: string;
  let lsp: LspHarness;

  before(async () => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), 'lockstep-scaffold-lsp-'));
    mkdirSync(join(root, 'db/migrations'), { recursive: true });
    writeFileSync(join(root, 'db/migrations/000001_users.up.sql'), 'CREATE TABLE users (id bigserial PRIMARY KEY, full_name text, email text NOT NULL);\n');
    writeFileSync(join(root, 'db/migrations/000001_users.down.sql'), 'DROP TABLE users;\n');
    lsp = await LspHarness.start({ workspaceFolders: [root] });
  });

  after(async () => {
    await lsp?.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('suggests the plan for the statement under the cursor, with the known tables', async () => {
    const path = join(root, 'db/migrations/000002_split.up.sql');
    const text = "-- first try\nALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT 'x';\n";
    writeFileSync(path, text);
    lsp.open(fileUri(path), text);
    const ctx = await lsp.connection.sendRequest<ScaffoldResponse<ScaffoldContext>>(SCAFFOLD_CONTEXT_REQUEST, { uri: fileUri(path), offset: text.indexOf('ADD'), root });
    assert.ok(!('error' in ctx));
    assert.equal(ctx.runner, 'golang-migrate');
    assert.equal(ctx.migrationsDir, 'db/migrations');
    assert.deepEqual(ctx.tables.map((t) => [t.name, t.columns.map((c) => c.name)]), [['users', ['id', 'full_name', 'email']]]);
    assert.deepEqual(ctx.suggestion?.kind, 'add-not-null-column');
    assert.deepEqual(ctx.suggestion?.args, { table: 'users', column: 'nickname', type: 'text' });
    assert.ok(ctx.kinds.length >= 10);
  });

  it('generates the files in the workspace runner\'s format, continuing its numbering', async () => {
    const path = join(root, 'db/migrations/000002_split.up.sql');
    const result = await lsp.connection.sendRequest<ScaffoldResponse<ScaffoldGenerated>>(SCAFFOLD_GENERATE_REQUEST, {
      uri: fileUri(path), root, kind: 'split-column', args: { table: 'users', column: 'full_name', into: 'first_name,last_name', preset: 'last-space' },
    });
    assert.ok(!('error' in result), JSON.stringify(result));
    assert.equal(result.runner, 'golang-migrate');
    assert.ok(result.files.some((f) => f.path === join(root, 'db/migrations/000003_split_users_full_name_expand.up.sql')), result.files.map((f) => f.path).join('\n'));
    assert.equal(result.planPath, join(root, 'lockstep-plans/split_users_full_name/PLAN.md'));
    assert.deepEqual(result.findings, []);
  });

  it('a Prisma migration open: the plan is Prisma migration folders next to it', async () => {
    const path = join(root, 'prisma/migrations/20240101000000_init/migration.sql');
    mkdirSync(join(root, 'prisma/migrations/20240101000000_init'), { recursive: true });
    writeFileSync(path, 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n');
    const result = await lsp.connection.sendRequest<ScaffoldResponse<ScaffoldGenerated>>(SCAFFOLD_GENERATE_REQUEST, {
      uri: fileUri(path), root, kind: 'rename-column', args: { table: 'accounts', column: 'email', to: 'email_address' },
    });
    assert.ok(!('error' in result), JSON.stringify(result));
    assert.equal(result.runner, 'prisma');
    assert.ok(result.files.some((f) => /prisma\/migrations\/\d{14}_rename_accounts_email_expand\/migration\.sql$/.test(f.path)), result.files.map((f) => f.path).join('\n'));
    assert.deepEqual(result.findings, []);
  });

  it('answers a bad request with an error message, not a crash', async () => {
    const result = await lsp.connection.sendRequest<ScaffoldResponse<ScaffoldGenerated>>(SCAFFOLD_GENERATE_REQUEST, { root, kind: 'rename-column', args: { table: 'nope' } });
    assert.ok('error' in result);
    assert.match(result.error, /table "nope" not found/);
    const nonsense = await lsp.connection.sendRequest<ScaffoldResponse<ScaffoldContext>>(SCAFFOLD_CONTEXT_REQUEST, { root: join(root, 'does-not-exist') });
    assert.ok(!('error' in nonsense) && nonsense.tables.length === 0);
  });
});
