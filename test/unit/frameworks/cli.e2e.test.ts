/** `lockstep lint` on framework migrations, through dist/cli.js as users run it. */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, ensureBuilt, REPO_ROOT, runCli } from '../cli/distCli';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/frameworks');

describe('lockstep lint on framework migrations (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-fw-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds migrations in a folder, reports at host positions, with per-file and per-run coverage', () => {
    const run = runCli(['lint', '--format', 'json', join(FIXTURES, 'knex/migrations')]);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.files.length, 3);
    const dangerous = report.files.find((f: { path: string }) => f.path.endsWith('20240102000000_index_accounts_email.js'));
    assert.deepEqual(dangerous.framework, { id: 'knex', understood: 2, notAnalysed: 0, reasons: {} });
    const index = dangerous.findings.find((f: { ruleId: string }) => f.ruleId === 'require-concurrent-index');
    assert.deepEqual([index.start, index.end], [{ line: 3, column: 9, offset: 137 }, { line: 5, column: 5, offset: 239 }]);
    const text = runCli(['lint', join(FIXTURES, 'knex/migrations')]);
    assert.match(text.stdout, /^Frameworks: knex: 3 files, 100% of SQL calls analysed\.$/m);
  });

  it('reads Rails .rb migrations from dist/ alone (tree-sitter and the Ruby grammar ship in dist/), and --fix writes the Rails idiom', () => {
    const run = runCli(['lint', '--format', 'json', join(FIXTURES, 'rails/db/migrate')]);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.files.length, 4);
    const dangerous = report.files.find((f: { path: string }) => f.path.endsWith('20240102000000_index_users_email.rb'));
    assert.deepEqual(dangerous.framework, { id: 'rails', understood: 4, notAnalysed: 0, reasons: {} });
    const index = dangerous.findings.find((f: { ruleId: string }) => f.ruleId === 'require-concurrent-index');
    assert.deepEqual([index.start.line, index.start.column, index.end.line, index.end.column], [5, 5, 5, 29]);
    const file = join(dir, '20240102000000_index_users_email.rb');
    cpSync(join(FIXTURES, 'rails/db/migrate/20240102000000_index_users_email.rb'), file);
    const fix = runCli(['lint', '--fix', file]);
    assertNoStackTrace(fix.stderr);
    assert.match(readFileSync(file, 'utf8'), /< ActiveRecord::Migration\[7\.1\]\n  disable_ddl_transaction!\n\n  def change\n    add_index :users, :email, algorithm: :concurrently\n/);
  });

  it('--fix writes the framework idiom into the file', () => {
    const file = join(dir, '1700000000001_index-accounts-email.js');
    cpSync(join(FIXTURES, 'node-pg-migrate/migrations/1700000000001_index-accounts-email.js'), file);
    const run = runCli(['lint', '--fix', file]);
    assertNoStackTrace(run.stderr);
    assert.match(run.stderr, /fixed .*: require-concurrent-index \(1\)/);
    const fixed = readFileSync(file, 'utf8');
    assert.match(fixed, /exports\.up = \(pgm\) => \{\n  pgm\.noTransaction\(\);\n  pgm\.createIndex\('accounts', 'email', \{ concurrently: true \}\);/);
  });

  it('says so when a .ts file named on the command line is not a migration', () => {
    const file = join(dir, 'helpers.ts');
    writeFileSync(file, 'export const answer = 42;\n');
    const run = runCli(['lint', file]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /helpers\.ts: not a migration of a framework Lockstep reads \(TypeORM, MikroORM, Sequelize, node-pg-migrate, Kysely, Knex\)/);
  });
});
