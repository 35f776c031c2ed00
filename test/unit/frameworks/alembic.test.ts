/**
 * Alembic migrations (test/fixtures/frameworks/alembic/versions/): findings at exact host positions,
 * none on the correct migration, the transaction model (env.py's transaction, `autocommit_block()`),
 * and the quick-fix in Alembic's idiom (`postgresql_concurrently=True` inside `autocommit_block()`).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { initEngine } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { alembic } from '../../../server/src/frameworks/alembic';
import { hostFixes } from '../../../server/src/frameworks/fixes';
import { earlierHostMigrations } from '../../../server/src/frameworks/history';
import { nodeFileSystem, SchemaHistory } from '../../../server/src/history/schemaHistory';
import { config, lintFixtureFile, spanOf } from './hostFixture';

const DIR = resolve(__dirname, '../../fixtures/frameworks/alembic/versions');

const lintFile = (file: string, text?: string) => lintFixtureFile(DIR, 'alembic', file, text);

describe('Alembic migrations', () => {
  before(() => initEngine());

  it('flags the dangerous migration at the op call, with the old type from the earlier revision', () => {
    const { text, result } = lintFile('1a2b3c4d5e02_index_accounts_email.py');
    const at = (id: string) => result.findings.filter((f) => f.ruleId === id).map((f) => f.span);
    assert.deepEqual(at('require-concurrent-index'), [spanOf(text, "op.create_index('ix_accounts_email', 'accounts', ['email'])")]);
    assert.deepEqual(at('type-change-rewrite'), [spanOf(text, "op.alter_column('accounts', 'plan', type_=sa.String(length=20))")]);
    assert.deepEqual(result.host.extraction.statements.map((s) => s.sql), [
      "SET lock_timeout = '2s'",
      'CREATE INDEX ix_accounts_email ON accounts (email)',
      'ALTER TABLE accounts ALTER COLUMN plan TYPE VARCHAR(20)',
    ]);
    assert.equal(result.host.extraction.transaction.wrapped, true);
    assert.ok(result.document.statements.every((s) => s.inTransaction));
  });

  it('reports nothing on the correct migration: autocommit_block() runs outside the transaction', () => {
    const { result } = lintFile('1a2b3c4d5e03_index_accounts_plan.py');
    assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), []);
    assert.equal(result.host.extraction.transaction.wrapped, false);
    assert.equal(result.document.statements.length, 2);
    assert.ok(result.document.statements.every((s) => !s.inTransaction));
  });

  it('statements around an autocommit block stay in transactions of their own', () => {
    const text = [
      'from alembic import op',
      'def upgrade():',
      "    op.execute('SET lock_timeout = 1000')",
      '    with op.get_context().autocommit_block():',
      "        op.create_index('ix_a', 'accounts', ['plan'], postgresql_concurrently=True)",
      "    op.execute('ALTER TABLE accounts ADD COLUMN note text')",
      '',
    ].join('\n');
    const { result } = lintFile('1a2b3c4d5e09_mixed.py', text);
    const inTx = (needle: string) => result.document.statements.find((s) => result.host.sql.slice(s.span.start, s.span.end).includes(needle))?.inTransaction;
    assert.deepEqual([inTx('SET lock_timeout'), inTx('CREATE INDEX'), inTx('ADD COLUMN')], [true, false, true]);
    assert.match(result.host.sql, /^BEGIN;\nSET lock_timeout = 1000\n;\nCOMMIT;\nCREATE INDEX CONCURRENTLY ix_a ON accounts \(plan\)\n;\nBEGIN;\n/);
  });

  it('quick-fix: postgresql_concurrently=True inside op.get_context().autocommit_block()', () => {
    const { text, result, path } = lintFile('1a2b3c4d5e02_index_accounts_email.py');
    const finding = result.findings.find((f) => f.ruleId === 'require-concurrent-index')!;
    const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
    const fixes = hostFixes(text, result, finding, { path, config, schema });
    assert.equal(fixes.length, 1);
    const fixed = applyEdits(text, fixes[0].edits);
    assert.equal(
      fixed,
      text.replace(
        "    op.create_index('ix_accounts_email', 'accounts', ['email'])\n",
        "    with op.get_context().autocommit_block():\n        op.create_index('ix_accounts_email', 'accounts', ['email'], postgresql_concurrently=True)\n",
      ),
    );
    const relinted = lintFile('1a2b3c4d5e02_index_accounts_email.py', fixed).result;
    assert.deepEqual(relinted.findings.filter((f) => f.ruleId === 'require-concurrent-index' || f.severity === 'error'), []);
  });

  it('translates the op directives and reports the rest with reasons', () => {
    const text = [
      'from alembic import op',
      'import sqlalchemy as sa',
      'def upgrade():',
      "    op.add_column('accounts', sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False))",
      "    op.alter_column('accounts', 'plan', nullable=False, server_default='free', new_column_name='tier')",
      "    op.drop_column('accounts', 'legacy')",
      "    op.create_foreign_key('fk_accounts_org', 'accounts', 'orgs', ['org_id'], ['id'], ondelete='CASCADE')",
      "    op.create_check_constraint('ck_accounts_email', 'accounts', 'length(email) > 3')",
      "    op.create_unique_constraint('uq_accounts_email', 'accounts', ['email'])",
      "    op.rename_table('accounts', 'users')",
      "    op.drop_index('ix_old', table_name='users')",
      // autogenerate's op.f('…') marks a name as final: it is the name (seen unanalysed against Alembic itself, test/tools).
      "    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=True)",
      '    op.bulk_insert(table, rows)',
      '    for t in TABLES:',
      "        op.execute(f'VACUUM {t}')",
      '',
    ].join('\n');
    const { result } = lintFile('1a2b3c4d5e09_many.py', text);
    assert.deepEqual(result.host.extraction.statements.map((s) => s.sql), [
      'ALTER TABLE accounts ADD COLUMN active BOOLEAN DEFAULT true NOT NULL',
      'ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL',
      "ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free'",
      'ALTER TABLE accounts RENAME plan TO tier',
      'ALTER TABLE accounts DROP COLUMN legacy',
      'ALTER TABLE accounts ADD CONSTRAINT fk_accounts_org FOREIGN KEY(org_id) REFERENCES orgs (id) ON DELETE CASCADE',
      'ALTER TABLE accounts ADD CONSTRAINT ck_accounts_email CHECK (length(email) > 3)',
      'ALTER TABLE accounts ADD CONSTRAINT uq_accounts_email UNIQUE (email)',
      'ALTER TABLE accounts RENAME TO users',
      'DROP INDEX ix_old',
      'CREATE UNIQUE INDEX ix_users_email ON users (email)',
    ]);
    assert.deepEqual(result.host.extraction.notAnalysed.map((n) => n.reason), ['op.bulk_insert (not translated)', 'op calls inside a loop']);
  });

  describe('history follows the down_revision graph, not file names', () => {
    let dir: string;
    const revision = (file: string, rev: string, down: string, body: string) =>
      writeFileSync(
        join(dir, file),
        `from alembic import op\nimport sqlalchemy as sa\nfrom typing import Union\n\nrevision = '${rev}'\ndown_revision: Union[str, None] = ${down}\n\n\ndef upgrade():\n    ${body}\n`,
      );
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lockstep-alembic-'));
      // File names sort in another order than the graph: ff01 → (aa02 | cc03) → 0b04 (merge) → 1d05; 9e06 on the aa02 branch only.
      revision('ff01_base.py', 'ff01', 'None', "op.execute('CREATE TABLE accounts (id int)')");
      revision('aa02_plan.py', 'aa02', "'ff01'", "op.add_column('accounts', sa.Column('plan', sa.Text()))");
      revision('cc03_other.py', 'cc03', "'ff01'", "op.execute('CREATE TABLE other (id int)')");
      revision('0b04_merge.py', '0b04', "('aa02', 'cc03')", 'pass');
      revision('1d05_target.py', '1d05', "'0b04'", "op.create_index('ix_plan', 'accounts', ['plan'])");
      revision('9e06_branch.py', '9e06', "'aa02'", "op.create_index('ix_plan2', 'accounts', ['plan'])");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const earlier = (file: string) => earlierHostMigrations(join(dir, file), alembic, nodeFileSystem).map((p) => basename(p));

    it('orders the ancestors of a revision as Alembic runs them, through a merge', () => {
      assert.deepEqual(earlier('1d05_target.py'), ['ff01_base.py', 'aa02_plan.py', 'cc03_other.py', '0b04_merge.py']);
      // 0b04 sorts first by name but is the merge: without the graph its history would be empty.
      assert.deepEqual(earlier('0b04_merge.py'), ['ff01_base.py', 'aa02_plan.py', 'cc03_other.py']);
    });

    it('leaves out revisions on another branch', () => {
      assert.deepEqual(earlier('9e06_branch.py'), ['ff01_base.py', 'aa02_plan.py']);
      assert.deepEqual(earlier('ff01_base.py'), []);
    });

    it('the schema before a revision is its ancestors replayed', () => {
      const path = join(dir, '1d05_target.py');
      const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, readFileSync(path, 'utf8'), config)!;
      assert.ok(schema.column('accounts', 'plan'));
      assert.ok(schema.relation('other'));
      const branch = join(dir, '9e06_branch.py');
      assert.equal(new SchemaHistory(nodeFileSystem).schemaBefore(branch, readFileSync(branch, 'utf8'), config)!.relation('other'), undefined);
    });
  });
});
