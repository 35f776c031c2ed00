/** Runner formats: names that continue the sequence, and each runner's transaction handling. */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { nextVersions } from '../../../server/src/scaffold/runners/naming';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { SCHEMA } from './cases';

const NOW = new Date('2024-05-01T10:00:00Z');

describe('scaffold: runner naming', () => {
  it('continues Flyway versions', () => {
    assert.deepEqual(nextVersions('flyway', { names: ['V1__init.sql', 'V2__users.sql', 'V10__x.sql', 'U10__x.sql', 'R__views.sql'] }, 2, NOW), ['11', '12']);
    assert.deepEqual(nextVersions('flyway', { names: [] }, 1, NOW), ['1']);
  });
  it('continues golang-migrate numbers with their zero padding, and timestamps', () => {
    assert.deepEqual(nextVersions('golang-migrate', { names: ['000001_a.up.sql', '000001_a.down.sql', '000007_b.up.sql'] }, 2, NOW), ['000008', '000009']);
    assert.deepEqual(nextVersions('golang-migrate', { names: ['20240101000000_a.up.sql'] }, 2, NOW), ['20240501100000', '20240501100001']);
    assert.deepEqual(nextVersions('golang-migrate', { names: [] }, 1, NOW), ['000001']);
  });
  it('gives goose timestamps by default and continues sequential goose numbers', () => {
    assert.deepEqual(nextVersions('goose', { names: [] }, 2, NOW), ['20240501100000', '20240501100001']);
    assert.deepEqual(nextVersions('goose', { names: ['00001_a.sql', '00002_b.sql'] }, 1, NOW), ['00003']);
  });
  it('never goes back in time: timestamps start after the latest existing one', () => {
    assert.deepEqual(nextVersions('dbmate', { names: ['20991231235959_future.sql'] }, 2, NOW), ['21000101000000', '21000101000001']);
  });
  it('names Diesel folders like the existing ones', () => {
    assert.deepEqual(nextVersions('diesel', { names: ['2023-01-01-000000_init'] }, 1, NOW), ['2024-05-01-100000']);
    assert.deepEqual(nextVersions('diesel', { names: ['2023-01-01-000000-0000_init'] }, 1, NOW), ['2024-05-01-100000-0000']);
  });
  it('continues plain numbered SQL', () => {
    assert.deepEqual(nextVersions('plain', { names: ['001_init.sql', '002_more.sql', 'README.md'] }, 2, NOW), ['003', '004']);
  });
});

describe('scaffold: runner formats', () => {
  before(() => initEngine());
  const plan = (runner: Parameters<typeof scaffold>[0]['runner'], existing: string[] = [], sqitchPlan?: string) =>
    scaffold({
      kind: 'rename-column', args: { table: 'accounts', column: 'email', to: 'email_address' }, schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG),
      runner, migrationsDir: 'db/migrations', existing, sqitchPlan, now: NOW,
    });
  const file = (r: ReturnType<typeof plan>, suffix: string) => r.files.find((f) => f.path.endsWith(suffix))!;

  it('goose: Up/Down sections, NO TRANSACTION only where a statement must run alone, StatementBegin around bodies', () => {
    const r = plan('goose');
    const expand = file(r, '_expand.sql').content;
    assert.match(expand, /-- \+goose Up[\s\S]*-- \+goose Down/);
    assert.doesNotMatch(expand, /NO TRANSACTION/);
    assert.match(expand, /-- \+goose StatementBegin\nCREATE FUNCTION/);
    const backfill = file(r, '_backfill.sql').content;
    assert.match(backfill, /^-- \+goose NO TRANSACTION/);
    assert.match(backfill, /-- \+goose Up\nCALL rename_accounts_email_backfill\(batch_size => 5000, pause_ms => 50\);/);
  });

  it('dbmate: transaction:false on the sections that must run alone', () => {
    const r = plan('dbmate');
    assert.match(file(r, '_backfill.sql').content, /-- migrate:up transaction:false\nCALL /);
    assert.match(file(r, '_backfill.sql').content, /-- migrate:down\nDELETE FROM/);
  });

  it('Flyway: V and U scripts, a .conf with executeInTransaction=false for single statements', () => {
    const r = plan('flyway', ['V1__init.sql', 'V2__more.sql']);
    assert.ok(file(r, 'V3__rename_accounts_email_expand.sql'));
    assert.ok(file(r, 'U3__rename_accounts_email_expand.sql'));
    assert.equal(file(r, 'V4__rename_accounts_email_backfill.sql.conf').content, 'executeInTransaction=false\n');
    assert.equal(r.files.filter((f) => f.path.endsWith('V3__rename_accounts_email_expand.sql.conf')).length, 0);
  });

  it('golang-migrate: up/down pairs; a statement that must run alone is alone in its file', () => {
    const r = plan('golang-migrate', ['000001_init.up.sql', '000001_init.down.sql']);
    const up = file(r, '000003_rename_accounts_email_backfill.up.sql').content;
    assert.equal(up.split('\n').filter((l) => l.trim() && !l.startsWith('--')).length, 1);
  });

  it('Diesel: <timestamp>_<name>/up.sql and down.sql, metadata.toml where the runner must not wrap', () => {
    const r = plan('diesel');
    assert.ok(file(r, '2024-05-01-100000_rename_accounts_email_expand/up.sql'));
    assert.equal(file(r, '_rename_accounts_email_backfill/metadata.toml').content, 'run_in_transaction = false\n');
    assert.match(file(r, '_index_accounts_email_address_key/up.sql').content, /lockstep-ignore concurrent-in-transaction: metadata\.toml/);
  });

  it('Sqitch: deploy/revert/verify scripts and sqitch.plan lines appended, each requiring the previous', () => {
    const existing = '%syntax-version=1.0.0\n%project=shop\n\ninit 2024-01-01T00:00:00Z Ann <ann@example.com> # first\n';
    const r = plan('sqitch', [], existing);
    const planFile = r.files.find((f) => f.path === 'db/migrations/sqitch.plan')!;
    assert.ok(planFile.appendsTo);
    assert.ok(planFile.content.startsWith(existing));
    const lines = planFile.content.slice(existing.length).trim().split('\n');
    assert.equal(lines.length, r.migrations.length);
    assert.match(lines[1], /^rename_accounts_email_backfill \[rename_accounts_email_expand\] 2024-05-01T10:00:00Z Ann <ann@example.com> # /);
    assert.match(file(r, 'deploy/rename_accounts_email_expand.sql').content, /BEGIN;[\s\S]*COMMIT;/);
    assert.match(file(r, 'verify/rename_accounts_email_expand.sql').content, /BEGIN;[\s\S]*ROLLBACK;/);
  });

  it('plain SQL: numbered files with explicit BEGIN/COMMIT; rollbacks kept out of the runner\'s folder', () => {
    const r = plan('plain', ['0001_init.sql']);
    assert.match(file(r, 'db/migrations/0002_rename_accounts_email_expand.sql').content, /^BEGIN;$[\s\S]*^COMMIT;$/m);
    assert.ok(r.migrations.every((m) => m.downPath.startsWith('lockstep-plans/rename_accounts_email/rollback/')));
  });

  it('writes PLAN.md with every phase, the deploys between them, checks and rollback commands', () => {
    const md = plan('golang-migrate').files.find((f) => f.path.endsWith('PLAN.md'))!.content;
    for (const heading of ['## Application versions', '## Phase 1: Expand', '## Phase 2: Backfill', '## Phase 3: Contract', '## Verification before the contract']) assert.ok(md.includes(heading), heading);
    assert.match(md, /\*\*Deploy:\*\* Deploy v2/);
    assert.match(md, /migrate -path db\/migrations -database "\$DATABASE_URL" down \d/);
    assert.match(md, /Check:/);
  });
});
