/**
 * Ecto migrations read with tree-sitter's Elixir grammar: findings at exact positions inside a
 * `"""` heredoc, the DSL translated to Ecto.Adapters.Postgres.Connection's SQL, @disable_ddl_transaction.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { ecto } from '../../../server/src/frameworks/ecto';
import { lintHostText } from '../../../server/src/frameworks/lint';
import { nodeFileSystem, SchemaHistory } from '../../../server/src/history/schemaHistory';

const DIR = resolve(__dirname, '../../fixtures/frameworks/ecto/priv/repo/migrations');
const config = { ...DEFAULT_CONFIG };
const migration = (body: string, attrs = '') => `defmodule M do\n  use Ecto.Migration\n${attrs}\n  def change do\n${body}\n  end\nend\n`;
const sqlOf = (body: string) => ecto.extract(migration(body)).statements.map((s) => s.sql);

describe('Ecto migrations', () => {
  before(() => initEngine());

  it('flags SQL inside a """ heredoc at its exact characters in the .exs file', () => {
    const path = join(DIR, '20240102000000_index_users_email.exs');
    const text = readFileSync(path, 'utf8');
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const result = lintHostText(text, ecto, { path, config, schema });
    const check = result.findings.filter((f) => f.ruleId === 'require-not-valid');
    const inHeredoc = "CONSTRAINT users_email_present CHECK (email <> '')";
    const start = text.indexOf(inHeredoc);
    assert.deepEqual(check.map((f) => f.span), [{ start, end: start + inHeredoc.length }]);
    assert.equal(result.host.extraction.statements[1].sql, "ALTER TABLE users\n  ADD CONSTRAINT users_email_present CHECK (email <> '');\n");
  });

  it('translates index, table and references calls to the SQL Ecto sends PostgreSQL', () => {
    const cases: [string, string[]][] = [
      ['create index(:users, [:email])', ['CREATE INDEX "users_email_index" ON "users" ("email")']],
      ['create unique_index(:users, [:email])', ['CREATE UNIQUE INDEX "users_email_index" ON "users" ("email")']],
      ['create index(:users, [:org_id, :email], unique: true, concurrently: true, name: :u_idx)', ['CREATE UNIQUE INDEX CONCURRENTLY "u_idx" ON "users" ("org_id", "email")']],
      ['drop index(:users, [:email], concurrently: true)', ['DROP INDEX CONCURRENTLY "users_email_index"']],
      [
        'alter table(:posts) do\n      add :user_id, references(:users, on_delete: :nilify_all), null: false\n      modify :title, :text\n      remove :legacy\n    end',
        ['ALTER TABLE "posts" ADD COLUMN "user_id" bigint CONSTRAINT "posts_user_id_fkey" REFERENCES "users"("id") ON DELETE SET NULL NOT NULL, ALTER COLUMN "title" TYPE text, DROP COLUMN "legacy"'],
      ],
      ['alter table(:users) do\n      add :plan, :string, default: "free", null: false\n    end', ['ALTER TABLE "users" ADD COLUMN "plan" varchar(255) DEFAULT \'free\' NOT NULL']],
      [
        'create table(:orders) do\n      add :number, :string\n      timestamps()\n    end',
        ['CREATE TABLE "orders" ("id" bigserial, "number" varchar(255), "inserted_at" timestamp(0) NOT NULL, "updated_at" timestamp(0) NOT NULL, PRIMARY KEY ("id"))'],
      ],
    ];
    for (const [ex, sql] of cases) assert.deepEqual(sqlOf(`    ${ex}`), sql, ex);
    assert.deepEqual(ecto.extract(migration('    create constraint(:users, :c, check: "x > 0")')).notAnalysed.map((n) => n.reason), ['create constraint (not translated)']);
  });

  it('reads @disable_ddl_transaction and reports what it cannot translate', () => {
    const off = ecto.extract(migration('    execute "SELECT 1"', '  @disable_ddl_transaction true\n'));
    assert.equal(off.transaction.wrapped, false);
    assert.equal(ecto.extract(migration('    execute "SELECT 1"')).transaction.wrapped, true);
    const x = ecto.extract(migration('    execute "UPDATE t SET a = #{v}"\n    execute sql'));
    assert.deepEqual(x.notAnalysed.map((n) => n.reason), ['string with #{} interpolation', 'SQL in a variable or built by Elixir code']);
    for (const junk of ['', 'defmodule do', migration('    execute """')]) assert.doesNotThrow(() => ecto.extract(junk));
  });
});
