/**
 * Rails migrations read with tree-sitter: findings at exact positions inside heredocs, the schema
 * DSL translated to the SQL ActiveRecord's PostgreSQL adapter emits, disable_ddl_transaction!,
 * safety_assured { } as an explained ignore, and what is reported as not analysed.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { hostFixes } from '../../../server/src/frameworks/fixes';
import { lintHostText } from '../../../server/src/frameworks/lint';
import { rails } from '../../../server/src/frameworks/rails';
import { detectFramework } from '../../../server/src/frameworks/registry';
import { nodeFileSystem, SchemaHistory } from '../../../server/src/history/schemaHistory';

const DIR = resolve(__dirname, '../../fixtures/frameworks/rails/db/migrate');
const config = { ...DEFAULT_CONFIG };

const migration = (body: string, head = '') => `class M < ActiveRecord::Migration[7.1]\n${head}  def change\n${body}\n  end\nend\n`;
const sqlOf = (body: string, head = '') => rails.extract(migration(body, head)).statements.filter((s) => s.section === 'up').map((s) => s.sql);

describe('Rails migrations', () => {
  before(() => initEngine());

  it('flags SQL inside a <<~SQL heredoc at its exact characters in the .rb file', () => {
    const path = join(DIR, '20240102000000_index_users_email.rb');
    const text = readFileSync(path, 'utf8');
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const result = lintHostText(text, rails, { path, config, schema });
    const check = result.findings.filter((f) => f.ruleId === 'require-not-valid');
    const inHeredoc = "CONSTRAINT users_email_present CHECK (email <> '')";
    const start = text.indexOf(inHeredoc);
    assert.deepEqual(
      check.map((f) => text.slice(f.span.start, f.span.end)),
      [inHeredoc, 'add_foreign_key :posts, :users'],
    );
    assert.deepEqual(check[0].span, { start, end: start + inHeredoc.length });
    assert.match(check[1].message, /FOREIGN KEY/);
  });

  it('reads safety_assured { } as an explained ignore: the drop is linted but silenced', () => {
    const path = join(DIR, '20240102000000_index_users_email.rb');
    const text = readFileSync(path, 'utf8');
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const assured = lintHostText(text, rails, { path, config, schema });
    const drop = assured.host.extraction.statements.find((s) => /DROP COLUMN/.test(s.sql))!;
    assert.match(drop.sql, /^-- lockstep-ignore all: inside safety_assured/);
    assert.deepEqual(assured.findings.filter((f) => f.ruleId === 'drop-column'), []);
    const bare = text.replace('safety_assured { remove_column :users, :legacy_name }', 'remove_column :users, :legacy_name');
    const flagged = lintHostText(bare, rails, { path, config, schema }).findings.filter((f) => f.ruleId === 'drop-column');
    assert.equal(flagged.length, 1);
    assert.equal(bare.slice(flagged[0].span.start, flagged[0].span.end), 'remove_column :users, :legacy_name');
    // Wrapping something safe is not an unused ignore: safety_assured is the user's note, not Lockstep's directive.
    const safe = lintHostText(migration('    safety_assured { execute "SELECT 1" }'), rails, { config });
    assert.deepEqual(safe.findings.map((f) => f.ruleId), []);
  });

  it('fixes add_foreign_key with validate: false, and validate_foreign_key in a new migration', () => {
    const path = join(DIR, '20240102000000_index_users_email.rb');
    const text = readFileSync(path, 'utf8');
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const result = lintHostText(text, rails, { path, config, schema });
    const finding = result.findings.find((f) => f.ruleId === 'require-not-valid' && /FOREIGN KEY/.test(f.message))!;
    const fixes = hostFixes(text, result, finding, { path, config, schema });
    assert.equal(fixes.length, 1);
    assert.equal(applyEdits(text, fixes[0].edits), text.replace('add_foreign_key :posts, :users', 'add_foreign_key :posts, :users, validate: false'));
    assert.equal(fixes[0].safe, false, 'it writes another file: offered, not applied by --fix');
    assert.equal(fixes[0].files.length, 1);
    assert.match(fixes[0].files[0].path, /[/\\]db[/\\]migrate[/\\]\d{14}_validate_posts_users_foreign_key\.rb$/);
    const later = fixes[0].files[0].text;
    assert.equal(later, 'class ValidatePostsUsersForeignKey < ActiveRecord::Migration[7.1]\n  def change\n    validate_foreign_key :posts, :users\n  end\nend\n');
    assert.deepEqual(rails.extract(later).statements.map((s) => s.sql), ['ALTER TABLE "posts" VALIDATE CONSTRAINT "fk_rails_5b5ddfd518"']);
  });

  it('decides the transaction from disable_ddl_transaction!', () => {
    const off = rails.extract(migration('    add_index :a, :b, algorithm: :concurrently', '  disable_ddl_transaction!\n\n'));
    assert.equal(off.transaction.wrapped, false);
    assert.equal(migration('', '  disable_ddl_transaction!\n\n').slice(off.transaction.decidedAt!.start, off.transaction.decidedAt!.end), 'disable_ddl_transaction!');
    assert.equal(rails.extract(migration('    add_index :a, :b')).transaction.wrapped, true);
  });

  // fk_rails_ names: `printf posts_user_id_fk | sha256sum | cut -c1-10` (Rails' foreign_key_name).
  it('translates the schema DSL to the SQL the PostgreSQL adapter emits', () => {
    const cases: [string, string[]][] = [
      ['add_index :users, :email', ['CREATE INDEX "index_users_on_email" ON "users" ("email")']],
      ['add_index :users, [:org_id, :email], unique: true, algorithm: :concurrently, name: "u_idx"', ['CREATE UNIQUE INDEX CONCURRENTLY "u_idx" ON "users" ("org_id", "email")']],
      ['add_index :users, :email, where: "deleted_at IS NULL", using: :gin', ['CREATE INDEX "index_users_on_email" ON "users" USING gin ("email") WHERE deleted_at IS NULL']],
      ['remove_index :users, :email', ['DROP INDEX "index_users_on_email"']],
      ['remove_index :users, column: :email, algorithm: :concurrently', ['DROP INDEX CONCURRENTLY "index_users_on_email"']],
      ['remove_index :users, name: "u_idx"', ['DROP INDEX "u_idx"']],
      ['add_column :users, :plan, :string, default: "free", null: false', ['ALTER TABLE "users" ADD "plan" character varying DEFAULT \'free\' NOT NULL']],
      ['add_column :users, :score, :integer, limit: 8, default: 0', ['ALTER TABLE "users" ADD "score" bigint DEFAULT 0']],
      ['add_column :users, :seen_at, :datetime, default: -> { "CURRENT_TIMESTAMP" }', ['ALTER TABLE "users" ADD "seen_at" timestamp(6) DEFAULT CURRENT_TIMESTAMP']],
      ['add_column :users, :codes, :string, array: true, default: []', ['ALTER TABLE "users" ADD "codes" character varying[] DEFAULT \'{}\'']],
      ['add_column :users, :role, :user_role, default: "member"', ['ALTER TABLE "users" ADD "role" user_role DEFAULT \'member\'']],
      [
        'if connection.adapter_name == "SQLServer"\n      execute "CREATE NONCLUSTERED INDEX i ON t (c)"\n    else\n      add_index :t, :c\n    end',
        ['CREATE INDEX "index_t_on_c" ON "t" ("c")'],
      ],
      ['remove_reference :posts, :user, foreign_key: true', ['ALTER TABLE "posts" DROP CONSTRAINT "fk_rails_5b5ddfd518"', 'ALTER TABLE "posts" DROP COLUMN "user_id"']],
      ['create_enum :status, ["draft", "live"]', ['CREATE TYPE "status" AS ENUM (\'draft\', \'live\')']],
      ['change_table :posts do |t|\n      t.enum :state, enum_type: :status, default: "draft"\n    end', ['ALTER TABLE "posts" ADD "state" status DEFAULT \'draft\'']],
      ['change_column :users, :age, :bigint', ['ALTER TABLE "users" ALTER COLUMN "age" TYPE bigint']],
      ['change_column_null :users, :email, false', ['ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL']],
      ['change_column_null :users, :plan, false, "free"', ['UPDATE "users" SET "plan"=\'free\' WHERE "plan" IS NULL', 'ALTER TABLE "users" ALTER COLUMN "plan" SET NOT NULL']],
      ['change_column_default :users, :plan, from: nil, to: "free"', ['ALTER TABLE "users" ALTER COLUMN "plan" SET DEFAULT \'free\'']],
      ['change_column_default :users, :plan, nil', ['ALTER TABLE "users" ALTER COLUMN "plan" DROP DEFAULT']],
      ['rename_column :users, :name, :full_name', ['ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"']],
      // Measured against ActiveRecord (test/tools/frameworkTools.test.ts): the primary key index and its sequence follow the table.
      [
        'rename_table :users, :people',
        [
          'ALTER TABLE "users" RENAME TO "people"',
          '-- lockstep-ignore all: renamed along with the table by rename_table\nALTER INDEX "users_pkey" RENAME TO "people_pkey"',
          '-- lockstep-ignore all: renamed along with the table by rename_table\nALTER TABLE "public"."users_id_seq" RENAME TO "people_id_seq"',
        ],
      ],
      ['remove_column :users, :legacy', ['ALTER TABLE "users" DROP COLUMN "legacy"']],
      [
        'add_reference :posts, :user, foreign_key: true',
        ['ALTER TABLE "posts" ADD "user_id" bigint', 'CREATE INDEX "index_posts_on_user_id" ON "posts" ("user_id")', 'ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id")'],
      ],
      ['add_belongs_to :posts, :category, index: false', ['ALTER TABLE "posts" ADD "category_id" bigint']],
      ['add_foreign_key :posts, :users, validate: false', ['ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id") NOT VALID']],
      ['add_foreign_key :posts, :users, column: :author_id, on_delete: :cascade', ['ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_04d13ef8c7" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE']],
      ['validate_foreign_key :posts, :users', ['ALTER TABLE "posts" VALIDATE CONSTRAINT "fk_rails_5b5ddfd518"']],
      ['add_check_constraint :products, "price > 0", name: "price_check", validate: false', ['ALTER TABLE "products" ADD CONSTRAINT price_check CHECK (price > 0) NOT VALID']],
      // JSON defaults: `{}` is written as Rails serialises it; a non-empty hash needs Ruby's JSON, so it is not analysed.
      ['add_column :users, :settings, :jsonb, default: {}', ['ALTER TABLE "users" ADD "settings" jsonb DEFAULT \'{}\'']],
      ['add_column :users, :settings, :jsonb, default: { a: 1 }', []],
      [
        'create_table :orders do |t|\n      t.string :number, null: false\n      t.references :user, foreign_key: true\n      t.timestamps\n    end',
        [
          'CREATE TABLE "orders" ("id" bigserial primary key, "number" character varying NOT NULL, "user_id" bigint, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL, CONSTRAINT "fk_rails_f868b47f6a" FOREIGN KEY ("user_id") REFERENCES "users" ("id"))',
          'CREATE INDEX "index_orders_on_user_id" ON "orders" ("user_id")',
        ],
      ],
      [
        'change_table :users do |t|\n      t.string :nickname\n      t.index :nickname\n      t.remove :legacy\n      t.rename :name, :full_name\n    end',
        [
          'ALTER TABLE "users" ADD "nickname" character varying',
          'CREATE INDEX "index_users_on_nickname" ON "users" ("nickname")',
          'ALTER TABLE "users" DROP COLUMN "legacy"',
          'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
        ],
      ],
    ];
    for (const [ruby, sql] of cases) assert.deepEqual(sqlOf(`    ${ruby}`), sql, ruby);
  });

  it('reports rename_table once, though Rails renames the primary-key index and sequence too', () => {
    const path = join(DIR, '20240301000000_rename_users.rb');
    const text = migration('    rename_table :users, :people');
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const { findings } = lintHostText(text, rails, { path, config, schema });
    assert.equal(findings.filter((f) => f.ruleId === 'rename-table').length, 1, findings.map((f) => f.ruleId).join());
    assert.ok(!findings.some((f) => f.ruleId === 'unused-ignore'), findings.map((f) => f.ruleId).join());
  });

  it('gives timestamps precision 6 from Migration[6.0], plain datetime columns from Migration[7.0]', () => {
    const at = (version: string, body: string) =>
      rails.extract(`class M < ActiveRecord::Migration[${version}]\n  def change\n    ${body}\n  end\nend\n`).statements.map((s) => s.sql);
    assert.deepEqual(at('6.1', 'add_timestamps :users'), ['ALTER TABLE "users" ADD "created_at" timestamp(6) NOT NULL, ADD "updated_at" timestamp(6) NOT NULL']);
    assert.deepEqual(at('5.2', 'add_timestamps :users'), ['ALTER TABLE "users" ADD "created_at" timestamp NOT NULL, ADD "updated_at" timestamp NOT NULL']);
    assert.deepEqual(at('6.1', 'add_column :users, :seen_at, :datetime'), ['ALTER TABLE "users" ADD "seen_at" timestamp']);
    assert.deepEqual(at('7.0', 'add_column :users, :seen_at, :datetime'), ['ALTER TABLE "users" ADD "seen_at" timestamp(6)']);
  });

  it('maps heredoc and string SQL back through escapes, <<~ indentation and .squish', () => {
    const text = migration('    execute "UPDATE a SET b = \'x\\ty\'"\n    execute <<~SQL.squish\n      CREATE INDEX i\n        ON t (c)\n    SQL');
    const [str, squished] = rails.extract(text).statements;
    assert.equal(str.sql, "UPDATE a SET b = 'x\ty'");
    assert.equal(squished.sql, 'CREATE INDEX i ON t (c)');
    const on = squished.runs!.find((r) => squished.sql.slice(r.sql, r.sql + r.length).startsWith('ON'))!;
    assert.equal(text.slice(on.host, on.host + on.length), 'ON t (c)');
  });

  it('reports what it cannot translate, with countable reasons, and never throws', () => {
    const text = migration(
      [
        '    execute "UPDATE users SET plan = #{plan}"',
        '    execute sql',
        '    %w[a b].each { |c| add_index :users, c }',
        '    User.where(plan: nil).update_all(plan: "free")',
        '    create_join_table :users, :groups',
      ].join('\n'),
    );
    assert.deepEqual(
      rails.extract(text).notAnalysed.map((n) => n.reason),
      ['string with #{} interpolation', 'SQL in a variable or built by Ruby code', 'SQL inside a loop', 'ActiveRecord model code', 'create_join_table (not translated)'],
    );
    for (const junk of ['', 'class < ActiveRecord::Migration[', migration('    execute <<~SQL'), '\u0000\uffff']) assert.doesNotThrow(() => rails.extract(junk));
  });

  it('is detected by its ActiveRecord::Migration superclass, in .rb files only', () => {
    assert.equal(detectFramework('db/migrate/20240101000000_x.rb', migration('    add_index :a, :b'))?.id, 'rails');
    assert.equal(detectFramework('app/models/user.rb', 'class User < ApplicationRecord\n  def change; end\nend\n'), undefined);
    assert.equal(rails.idioms.newMigrationName('validate posts user fk', new Date('2024-01-02T03:04:05Z'), []), '20240102030405_validate_posts_user_fk.rb');
  });

  describe('db/schema.rb and db/structure.sql as the schema baseline', () => {
    let root: string;
    const write = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    const create = (cls: string, body: string) => `class ${cls} < ActiveRecord::Migration[7.1]\n  def change\n    ${body}\n  end\nend\n`;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'lockstep-rails-'));
      // The migrations squashed into the dump say something else: they must not be replayed over it.
      write('db/migrate/20240101000000_create_legacy.rb', create('CreateLegacy', 'create_table :legacy'));
      write('db/migrate/20240301000000_add_plan.rb', create('AddPlan', 'add_column :users, :plan, :string'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    const schemaFor = (file: string) => {
      const path = join(root, 'db/migrate', file);
      write(`db/migrate/${file}`, create('Later', 'add_index :users, :email'));
      return new SchemaHistory(nodeFileSystem).schemaBefore(path, readFileSync(path, 'utf8'), config);
    };
    const schemaRb = [
      'ActiveRecord::Schema[7.1].define(version: 2024_02_01_000000) do',
      '  enable_extension "plpgsql"',
      '  create_table "users", force: :cascade do |t|',
      '    t.string "email", null: false',
      '    t.datetime "created_at", null: false',
      '    t.index ["email"], name: "index_users_on_email_lower", unique: true',
      '  end',
      '  create_table "posts", force: :cascade do |t|',
      '    t.bigint "user_id"',
      '  end',
      '  add_foreign_key "posts", "users"',
      'end',
      '',
    ].join('\n');

    it('a migration newer than db/schema.rb runs on it, plus the newer migrations; the older ones are inside it', () => {
      write('db/schema.rb', schemaRb);
      const schema = schemaFor('20240401000000_later.rb')!;
      assert.ok(schema.column('users', 'email'), 'users.email from schema.rb');
      assert.ok(schema.column('users', 'plan'), 'users.plan from the migration newer than schema.rb');
      assert.ok(schema.indexesOf('users').includes('index_users_on_email_lower'), schema.indexesOf('users').join());
      assert.ok(schema.constraint('fk_rails_5b5ddfd518'), "add_foreign_key's constraint");
      assert.equal(schema.relation('legacy'), undefined, 'the migration older than schema.rb is not replayed over it');
    });

    it('a migration schema.rb already contains runs on the replayed migrations before it, as without a dump', () => {
      write('db/schema.rb', schemaRb.replace('2024_02_01_000000', '2024_05_01_000000'));
      const schema = schemaFor('20240401000000_later.rb')!;
      assert.ok(schema.relation('legacy'));
      assert.equal(schema.column('users', 'email'), undefined);
    });

    it('db/structure.sql (pg_dump, versions in schema_migrations) is read the same way', () => {
      write(
        'db/structure.sql',
        [
          "SET statement_timeout = 0;",
          "SELECT pg_catalog.set_config('search_path', '', false);",
          'CREATE TABLE public.users (id bigint NOT NULL, email character varying NOT NULL);',
          'CREATE INDEX index_users_on_email ON public.users USING btree (email);',
          "SET search_path TO \"$user\", public;",
          'INSERT INTO "schema_migrations" (version) VALUES',
          "('20240101000000'),",
          "('20240201000000');",
          '',
        ].join('\n'),
      );
      const schema = schemaFor('20240401000000_later.rb')!;
      assert.ok(schema.column('users', 'email'));
      assert.ok(schema.column('users', 'plan'));
      assert.equal(schema.relation('legacy'), undefined);
    });
  });
});
