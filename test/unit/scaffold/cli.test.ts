/** `lockstep scaffold`: in-process for the behaviours, and through the bundled dist/cli.js once. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../cli/inProcessCli';
import { assertNoStackTrace, ensureBuilt, runCli as runDist } from '../cli/distCli';

const cli = (cwd: string, ...argv: string[]) => runInProcess(cwd, ['scaffold', ...argv]);

describe('lockstep scaffold (CLI)', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-scaffold-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const dbmate = () => {
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'db/migrations/20240101000000_users.sql'), '-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n');
  };

  it('lists the kinds with their options', async () => {
    const r = await cli(dir, '--list');
    assert.equal(r.status, 0);
    for (const kind of ['rename-column', 'rename-table', 'split-table', 'merge-tables', 'change-type', 'change-primary-key', 'add-not-null-column', 'add-foreign-key', 'split-column', 'merge-columns', 'drop-column', 'drop-table']) {
      assert.match(r.stdout, new RegExp(`^${kind} — `, 'm'));
    }
    assert.match(r.stdout, /--preset +ready-made transforms/);
  });

  it('shows usage without a kind, and refuses unknown kinds and options', async () => {
    assert.equal((await cli(dir)).status, 2);
    assert.match((await cli(dir, 'teleport')).stderr, /unknown kind "teleport"/);
    const r = await cli(dir, 'rename-table', '--table', 'users', '--too', 'x');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /rename-table has no option --too; its options: --table, --to/);
  });

  it('writes the plan in the workspace runner\'s format, and never overwrites', async () => {
    dbmate();
    mkdirSync(join(dir, 'lockstep-plans/rename_users_email'), { recursive: true });
    writeFileSync(join(dir, 'lockstep-plans/rename_users_email/PLAN.md'), 'mine\n');
    const clash = await cli(dir, 'rename-column', '--table', 'users', '--column', 'email', '--to', 'email_address');
    assert.equal(clash.status, 2);
    assert.match(clash.stderr, /already exist, nothing was written: lockstep-plans\/rename_users_email\/PLAN\.md/);
    assert.equal(readdirSync(join(dir, 'db/migrations')).length, 1);
    rmSync(join(dir, 'lockstep-plans'), { recursive: true });
    const r = await cli(dir, 'rename-column', '--table', 'users', '--column', 'email', '--to', 'email_address', '--batch-size', '1000');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /dbmate \(1 existing file look like dbmate\), schema from 1 earlier migration/);
    const files = readdirSync(join(dir, 'db/migrations'));
    assert.ok(files.some((f) => /^\d{14}_rename_users_email_expand\.sql$/.test(f)), files.join(' '));
    const backfill = files.find((f) => f.endsWith('_rename_users_email_backfill.sql'))!;
    assert.match(readFileSync(join(dir, 'db/migrations', backfill), 'utf8'), /-- migrate:up transaction:false\nCALL rename_users_email_backfill\(batch_size => 1000, pause_ms => 50\);/);
    assert.ok(existsSync(join(dir, 'lockstep-plans/rename_users_email/PLAN.md')));
    // The written plan is now part of the schema: email is gone from it.
    assert.match((await cli(dir, 'rename-column', '--table', 'users', '--column', 'email', '--to', 'x')).stderr, /column "email" not found in users; its columns: id, email_address/);
  });

  it('help names the kinds in words, not by internal numbers', async () => {
    const r = await cli(dir, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^  split-column +Split one column into several$/m);
    assert.doesNotMatch(r.stdout, /issue|kind \d/i);
    assert.match(r.stdout, /--name <plan>/);
  });

  it('--name keeps two plans on the same table apart (objects and files)', async () => {
    dbmate();
    const first = await cli(dir, 'drop-column', '--table', 'users', '--column', 'email', '--dry-run', '--name', 'users_cleanup_a');
    const second = await cli(dir, 'drop-column', '--table', 'users', '--column', 'email', '--stdout', '--name', 'users_cleanup_b');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^would write db\/migrations\/\d{14}_users_cleanup_a_expand\.sql$/m);
    assert.match(first.stdout, /lockstep-plans\/users_cleanup_a\/PLAN\.md/);
    assert.match(second.stdout, /CREATE TABLE users_cleanup_b_archive/);
    assert.doesNotMatch(second.stdout, /users_cleanup_a|drop_users_email/);
  });

  it('merge-tables: the source is --table, the target --into; the old --from usage says so', async () => {
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'db/migrations/20240101000000_prefs.sql'), '-- migrate:up\nCREATE TABLE email_prefs (user_id bigint PRIMARY KEY, marketing boolean NOT NULL DEFAULT false);\nCREATE TABLE push_prefs (user_id bigint PRIMARY KEY, alerts boolean);\n\n-- migrate:down\nDROP TABLE push_prefs, email_prefs;\n');
    const old = await cli(dir, 'merge-tables', '--table', 'email_prefs', '--from', 'push_prefs', '--dry-run');
    assert.equal(old.status, 2);
    assert.match(old.stderr, /--from is gone: use --table push_prefs --into email_prefs/);
    const r = await cli(dir, 'merge-tables', '--table', 'push_prefs', '--into', 'email_prefs', '--stdout');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /# Merge push_prefs into email_prefs/);
  });

  it('--dry-run writes nothing; --stdout prints the files', async () => {
    dbmate();
    const dry = await cli(dir, 'drop-column', '--table', 'users', '--column', 'email', '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^would write db\/migrations\/\d{14}_drop_users_email_expand\.sql$/m);
    assert.ok(!existsSync(join(dir, 'lockstep-plans')));
    const out = await cli(dir, 'drop-column', '--table', 'users', '--column', 'email', '--stdout');
    assert.match(out.stdout, /==> lockstep-plans\/drop_users_email\/PLAN\.md <==\n# Drop column users\.email/);
  });

  it('exits 0 when the generated files have only a hint, as lint does (also with --dry-run)', async () => {
    dbmate();
    for (const extra of [['--dry-run'], []]) {
      const r = await cli(dir, 'add-not-null-column', '--table', 'users', '--column', 'code', '--type', 'varchar(20)', '--backfill', "'x'", ...extra);
      assert.match(r.stderr, /hint: .*\[prefer-text\]/, 'the hint is still reported');
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it('appends to sqitch.plan', async () => {
    writeFileSync(join(dir, 'sqitch.plan'), '%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z Ann <ann@example.com> # users\n');
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(join(dir, 'deploy/users.sql'), 'BEGIN;\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\nCOMMIT;\n');
    const r = await cli(dir, 'rename-table', '--table', 'users', '--to', 'members');
    assert.equal(r.status, 0, r.stderr);
    const plan = readFileSync(join(dir, 'sqitch.plan'), 'utf8');
    assert.match(plan, /^rename_users_rename_with_view \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Ann <ann@example.com> # /m);
    assert.match(plan, /^rename_users_drop_view \[rename_users_rename_with_view\] /m);
    assert.ok(existsSync(join(dir, 'revert/rename_users_drop_view.sql')));
  });

  it('reports a missing table or database as such', async () => {
    const r = await cli(dir, 'rename-column', '--table', 'users', '--column', 'email', '--to', 'x');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /table "users" not found; no schema is known/);
    const db = await cli(dir, 'rename-column', '--table', 'users', '--column', 'email', '--to', 'x', '--database-url', 'postgresql://nobody@127.0.0.1:1/none');
    assert.equal(db.status, 2);
    assert.match(db.stderr, /cannot read the database/);
    assertNoStackTrace(db.stderr);
  });

  it('runs from the bundle, finding primary-key dependents on embedded PostgreSQL', function () {
    this.timeout(300_000);
    ensureBuilt();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations/001_init.sql'), 'CREATE TABLE users (id serial PRIMARY KEY);\nCREATE TABLE orders (id bigserial PRIMARY KEY, user_id int);\n');
    writeFileSync(join(dir, 'migrations/002_fk.sql'), 'ALTER TABLE orders ADD CONSTRAINT orders_owner FOREIGN KEY (user_id) REFERENCES users (id);\n');
    // PGlite's start-up is CPU-bound: give the spawn a ceiling a starved machine still meets.
    const r = runDist(['scaffold', 'change-primary-key', '--table', 'users', '--to', 'bigint'], { cwd: dir, timeout: 240_000 });
    assertNoStackTrace(r.stderr);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /schema from 2 earlier migrations replayed into embedded PostgreSQL/);
    const md = readFileSync(join(dir, 'lockstep-plans/bigint_users_id/PLAN.md'), 'utf8');
    assert.match(md, /Dependents found in the workspace's earlier migrations replayed into embedded PostgreSQL \(PGlite\): orders\.orders_owner\./);
  });
});
