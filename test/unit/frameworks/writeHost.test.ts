/**
 * Migrations written as Rails, Ecto, Django and Alembic migrations (FixIdioms.writeMigrations) read
 * back by Lockstep's own extractors: each file is detected as that framework's migration, sorts
 * after the existing ones and in plan order, sends exactly the plan's SQL, and runs inside or
 * outside a transaction as the plan step says.
 */
import { strict as assert } from 'node:assert';
import { initEngine } from '../../../server/src/engine';
import { frameworkById } from '../../../server/src/frameworks/registry';
import { frameworkPhaseCommands } from '../../../server/src/frameworks/scaffoldOutput';
import type { FrameworkId, MigrationToWrite, WriteOptions } from '../../../server/src/frameworks/types';
import { naturalCompare } from '../../../server/src/history/naturalCompare';

const PLAN: MigrationToWrite[] = [
  {
    slug: 'accounts_plan_expand',
    header: ['Lockstep plan accounts_plan: phase 1 of 2.'],
    up: { kind: 'tx', statements: ['ALTER TABLE accounts ADD COLUMN plan text', "UPDATE accounts SET plan = 'free' WHERE id < 10"] },
    down: { kind: 'tx', statements: ['ALTER TABLE accounts DROP COLUMN plan'] },
  },
  {
    slug: 'accounts_plan_index',
    header: ['Lockstep plan accounts_plan: phase 2 of 2.'],
    up: { kind: 'single', statement: 'CREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan)' },
    down: { kind: 'tx', statements: ['DROP INDEX accounts_plan_idx', 'ALTER TABLE accounts DROP COLUMN IF EXISTS plan_old'] },
  },
];

interface Case {
  id: FrameworkId;
  folder: string;
  options: WriteOptions;
  /** What the names must sort after. */
  newest: string;
}

const now = new Date('2024-06-01T12:00:00Z');
const CASES: Case[] = [
  {
    id: 'rails',
    folder: '/p/db/migrate/',
    newest: '20250101000000_later.rb',
    options: { now, siblings: ['20240101000000_create_accounts.rb', '20250101000000_later.rb'], sample: { name: '20240101000000_create_accounts.rb', text: 'class CreateAccounts < ActiveRecord::Migration[7.0]\nend\n' } },
  },
  {
    id: 'ecto',
    folder: '/p/priv/repo/migrations/',
    newest: '20240101000000_create_accounts.exs',
    options: { now, siblings: ['20240101000000_create_accounts.exs'], sample: { name: '20240101000000_create_accounts.exs', text: 'defmodule Shop.Repo.Migrations.CreateAccounts do\n  use Ecto.Migration\nend\n' } },
  },
  {
    id: 'django',
    folder: '/p/shop/migrations/',
    newest: '0002_accounts_email.py',
    options: {
      now,
      siblings: ['__init__.py', '0001_initial.py', '0002_accounts_email.py'],
      sample: { name: '0002_accounts_email.py', text: "class Migration(migrations.Migration):\n    dependencies = [('auth', '0012_x'), ('shop', '0001_initial')]\n" },
    },
  },
  {
    id: 'alembic',
    folder: '/p/alembic/versions/',
    newest: '',
    options: { now, siblings: ['1a2b3c4d5e01_create_accounts.py'], sample: { name: '1a2b3c4d5e01_create_accounts.py', text: "revision = '1a2b3c4d5e01'\ndown_revision = None\n" } },
  },
];

const norm = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();

describe('migrations written in the framework’s own form (Rails, Ecto, Django, Alembic)', () => {
  before(() => initEngine());

  for (const c of CASES) {
    it(`${c.id}: detected, ordered, the plan's SQL, the plan's transactions`, () => {
      const framework = frameworkById(c.id)!;
      const written = framework.idioms.writeMigrations!(PLAN, c.options);
      assert.ok(written.ok);
      assert.equal(written.files.length, 2);
      const names = written.files.map((f) => f.name);
      if (c.newest) for (const name of names) assert.ok(naturalCompare(name, c.newest) > 0, `${name} sorts after ${c.newest}`);
      if (c.id !== 'alembic') assert.deepEqual([...names].sort(naturalCompare), names, 'plan order is file order');
      written.files.forEach((file, i) => {
        const path = c.folder + file.name;
        assert.equal(framework.detect(path, file.text), true, `${file.name} is a ${c.id} migration:\n${file.text}`);
        const e = framework.extract(file.text, path);
        assert.deepEqual(e.notAnalysed, [], file.text);
        const up = e.statements.filter((s) => s.section === 'up');
        const step = PLAN[i].up;
        assert.deepEqual(up.map((s) => norm(s.sql)), step.kind === 'tx' ? step.statements : [step.statement], file.text);
        const outside = up.map((s) => (s.transaction === 'none' ? true : typeof s.transaction === 'object' ? false : !e.transaction.wrapped));
        assert.deepEqual(outside, up.map(() => step.kind === 'single'), `${file.name}: outside a transaction exactly when the step says so`);
      });
    });
  }

  it('Rails and Ecto keep a direction of several statements atomic in an opted-out file; Alembic follows the sample revision', () => {
    const [, rails] = (frameworkById('rails')!.idioms.writeMigrations!(PLAN, CASES[0].options) as { files: { text: string }[] }).files;
    assert.match(rails.text, /disable_ddl_transaction!\n[\s\S]*def down\n    transaction do\n      execute <<~'SQL'\n        DROP INDEX accounts_plan_idx\n/);
    const [, ecto] = (frameworkById('ecto')!.idioms.writeMigrations!(PLAN, CASES[1].options) as { files: { text: string }[] }).files;
    assert.match(ecto.text, /@disable_ddl_transaction true\n  @disable_migration_lock true\n[\s\S]*def down do\n    execute """\n    BEGIN\n    """/);
    const alembic = frameworkById('alembic')!.idioms.writeMigrations!(PLAN, CASES[3].options) as { files: { name: string; text: string }[] };
    assert.match(alembic.files[0].text, /down_revision = '1a2b3c4d5e01'/);
    assert.match(alembic.files[1].text, new RegExp(`down_revision = '${alembic.files[0].name.slice(0, 12)}'`));
    const django = frameworkById('django')!.idioms.writeMigrations!(PLAN, CASES[2].options) as { files: { name: string; text: string }[] };
    assert.deepEqual(django.files.map((f) => f.name), ['0003_accounts_plan_expand.py', '0004_accounts_plan_index.py']);
    assert.match(django.files[1].text, /atomic = False[\s\S]*\('shop', '0003_accounts_plan_expand'\)/);
  });

  it("PLAN.md's apply and rollback commands in each framework's CLI", () => {
    const mine = (...paths: string[]) => paths.map((upPath) => ({ upPath })) as unknown as Parameters<typeof frameworkPhaseCommands>[1];
    assert.deepEqual(frameworkPhaseCommands('rails', mine('db/migrate/20240601120000_a.rb', 'db/migrate/20240601120001_b.rb')), {
      apply: ['bin/rails db:migrate:up VERSION=20240601120000', 'bin/rails db:migrate:up VERSION=20240601120001'],
      rollback: ['bin/rails db:migrate:down VERSION=20240601120001', 'bin/rails db:migrate:down VERSION=20240601120000'],
    });
    assert.deepEqual(frameworkPhaseCommands('ecto', mine('priv/repo/migrations/20240601120000_a.exs')), { apply: ['mix ecto.migrate --to 20240601120000'], rollback: ['mix ecto.rollback --step 1'] });
    assert.deepEqual(frameworkPhaseCommands('django', mine('shop/migrations/0003_a.py', 'shop/migrations/0004_b.py')), {
      apply: ['python manage.py migrate shop 0004_b'],
      rollback: ['python manage.py migrate shop 0002   # the migration before this phase (zero for none)'],
    });
    assert.deepEqual(frameworkPhaseCommands('alembic', mine('versions/abcdef012345_a.py')), { apply: ['alembic upgrade abcdef012345'], rollback: ['alembic downgrade -1'] });
  });
});
