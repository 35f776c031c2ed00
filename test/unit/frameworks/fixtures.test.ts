/**
 * The fixture projects under test/fixtures/frameworks/<name>/: each framework's dangerous migration
 * is flagged at the exact host-file range that produced the statement, the correct one is not, the
 * transaction model is the framework's, and the quick-fix writes the framework's idiom.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { hostFixes } from '../../../server/src/frameworks/fixes';
import { hostHoverAt } from '../../../server/src/frameworks/hover';
import { lintHostText, type HostLintResult } from '../../../server/src/frameworks/lint';
import { detectFramework } from '../../../server/src/frameworks/registry';
import { nodeFileSystem, SchemaHistory } from '../../../server/src/history/schemaHistory';

const ROOT = resolve(__dirname, '../../fixtures/frameworks');
const config = { ...DEFAULT_CONFIG };

interface Case {
  framework: string;
  dangerous: string;
  correct: string;
  /** The host text the require-concurrent-index squiggle covers. */
  flagged: string;
  wrapped: { dangerous: boolean; correct: boolean };
  /** The quick-fix's result, as a list of [before, after] substrings of the file. */
  fix?: [string, string][];
  /** The migrations folder inside the fixture project (default `migrations`). */
  dir?: string;
}

const CASES: Case[] = [
  {
    framework: 'typeorm',
    dangerous: '1700000000001-IndexAccountsEmail.ts',
    correct: '1700000000002-IndexAccountsPlan.ts',
    flagged: 'CREATE INDEX "IDX_accounts_email" ON "accounts" ("email")',
    wrapped: { dangerous: true, correct: false },
    fix: [
      ['implements MigrationInterface {\n', 'implements MigrationInterface {\n  transaction = false;\n\n'],
      ['`CREATE INDEX "IDX_accounts_email"', '`CREATE INDEX CONCURRENTLY "IDX_accounts_email"'],
    ],
  },
  {
    framework: 'knex',
    dangerous: '20240102000000_index_accounts_email.js',
    correct: '20240103000000_index_accounts_plan.js',
    flagged: "knex.schema.alterTable('accounts', (table) => {\n    table.index(['email'], 'accounts_email_idx');\n  })",
    wrapped: { dangerous: true, correct: false },
    fix: [
      ["knex.schema.alterTable('accounts', (table) => {\n    table.index(['email'], 'accounts_email_idx');\n  })", `knex.raw('create index concurrently "accounts_email_idx" on "accounts" ("email")')`],
      ['exports.up = async', 'exports.config = { transaction: false };\n\nexports.up = async'],
    ],
  },
  {
    framework: 'sequelize',
    dangerous: '20240102000000-index-accounts-email.js',
    correct: '20240103000000-index-accounts-plan.js',
    flagged: "queryInterface.addIndex('accounts', ['email'], { name: 'accounts_email_idx' })",
    wrapped: { dangerous: false, correct: false },
    fix: [["{ name: 'accounts_email_idx' }", "{ concurrently: true, name: 'accounts_email_idx' }"]],
  },
  {
    framework: 'node-pg-migrate',
    dangerous: '1700000000001_index-accounts-email.js',
    correct: '1700000000002_index-accounts-plan.js',
    flagged: "pgm.createIndex('accounts', 'email')",
    wrapped: { dangerous: true, correct: false },
    fix: [
      ['exports.up = (pgm) => {\n', 'exports.up = (pgm) => {\n  pgm.noTransaction();\n'],
      ["pgm.createIndex('accounts', 'email')", "pgm.createIndex('accounts', 'email', { concurrently: true })"],
    ],
  },
  {
    framework: 'kysely',
    dangerous: '2024_01_02_index_accounts_email.ts',
    correct: '2024_01_03_add_accounts_nickname.ts',
    flagged: "db.schema.createIndex('accounts_email_idx').on('accounts').column('email').execute()",
    wrapped: { dangerous: true, correct: true },
    // Kysely cannot take one migration out of the Migrator's transaction: no fix is offered.
  },
  {
    framework: 'mikro-orm',
    dangerous: 'Migration20240102000000.ts',
    correct: 'Migration20240103000000.ts',
    flagged: 'create index "accounts_email_index" on "accounts" ("email");',
    wrapped: { dangerous: true, correct: false },
    fix: [
      ['extends Migration {\n', 'extends Migration {\n  override isTransactional(): boolean {\n    return false;\n  }\n\n'],
      ["'create index \"accounts_email_index\"", "'create index concurrently \"accounts_email_index\""],
    ],
  },
  {
    framework: 'rails',
    dir: 'db/migrate',
    dangerous: '20240102000000_index_users_email.rb',
    correct: '20240103000000_index_users_name.rb',
    flagged: 'add_index :users, :email',
    wrapped: { dangerous: true, correct: false },
    fix: [
      ['class IndexUsersEmail < ActiveRecord::Migration[7.1]\n', 'class IndexUsersEmail < ActiveRecord::Migration[7.1]\n  disable_ddl_transaction!\n\n'],
      ['add_index :users, :email', 'add_index :users, :email, algorithm: :concurrently'],
    ],
  },
  {
    framework: 'ecto',
    dir: 'priv/repo/migrations',
    dangerous: '20240102000000_index_users_email.exs',
    correct: '20240103000000_index_users_name.exs',
    flagged: 'create index(:users, [:email])',
    wrapped: { dangerous: true, correct: false },
    fix: [
      ['  use Ecto.Migration\n', '  use Ecto.Migration\n\n  @disable_ddl_transaction true\n  @disable_migration_lock true\n'],
      ['create index(:users, [:email])', 'create index(:users, [:email], concurrently: true)'],
    ],
  },
];

const dirOf = (framework: string) => CASES.find((c) => c.framework === framework)?.dir ?? 'migrations';

function lintFixture(framework: string, file: string): { text: string; result: HostLintResult; path: string } {
  const path = join(ROOT, framework, dirOf(framework), file);
  const text = readFileSync(path, 'utf8');
  const fw = detectFramework(path, text);
  assert.equal(fw?.id, framework, `${file} is detected as ${framework}`);
  const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
  return { text, path, result: lintHostText(text, fw!, { path, config, schema }) };
}

describe('framework fixture projects', () => {
  before(() => initEngine());

  for (const c of CASES) {
    describe(c.framework, () => {
      it('flags the dangerous migration at the string or call that produced the index', () => {
        const { text, result } = lintFixture(c.framework, c.dangerous);
        const hits = result.findings.filter((f) => f.ruleId === 'require-concurrent-index');
        assert.equal(hits.length, 1);
        const start = text.indexOf(c.flagged);
        assert.ok(start > 0);
        assert.deepEqual(hits[0].span, { start, end: start + c.flagged.length });
        assert.equal(result.host.extraction.transaction.wrapped, c.wrapped.dangerous);
        assert.equal(result.document.statements[0].inTransaction, c.wrapped.dangerous);
      });

      it('reports nothing on the correct migration, and reads its transaction model', () => {
        const { result } = lintFixture(c.framework, c.correct);
        assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), []);
        assert.ok(result.document.statements.length > 0);
        assert.equal(result.host.extraction.transaction.wrapped, c.wrapped.correct);
        assert.ok(result.document.statements.every((s) => s.inTransaction === c.wrapped.correct));
      });

      it('hovers show the SQL the framework sends and its lock', () => {
        const { text, result } = lintFixture(c.framework, c.dangerous);
        const at = text.indexOf(c.flagged) + 3;
        const hover = hostHoverAt(result, at, config);
        assert.ok(hover, 'a hover');
        assert.match(hover.markdown, /```sql\ncreate index \S+ on \S+ \("email"\);?\n```/i);
        assert.match(hover.markdown, /SHARE/);
      });

      it(c.fix ? 'quick-fix writes the safe form in the framework idiom' : 'offers no quick-fix it cannot make safe', () => {
        const { text, result, path } = lintFixture(c.framework, c.dangerous);
        const finding = result.findings.find((f) => f.ruleId === 'require-concurrent-index')!;
        const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
        const fixes = hostFixes(text, result, finding, { path, config, schema });
        if (!c.fix) return assert.deepEqual(fixes, []);
        assert.equal(fixes.length, 1);
        const fixed = applyEdits(text, fixes[0].edits);
        let expected = text;
        for (const [before, after] of c.fix) {
          assert.ok(expected.includes(before), before);
          expected = expected.replace(before, after);
        }
        assert.equal(fixed, expected);
        const relinted = lintHostText(fixed, result.host.framework, { path, config, schema });
        assert.deepEqual(relinted.findings.filter((f) => f.ruleId === 'require-concurrent-index' || f.severity === 'error'), []);
      });
    });
  }

  it('replays earlier migrations of the same framework into the schema (a type change knows the old type)', () => {
    const { result } = lintFixture('knex', '20240102000000_index_accounts_email.js');
    const change = result.findings.find((f) => f.ruleId === 'type-change-rewrite');
    assert.match(change!.message, /text → varchar\(20\) is not binary-coercible/);
  });
});
