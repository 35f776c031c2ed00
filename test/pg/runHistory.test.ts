/**
 * `lockstep run` records a runner's migrations in that runner's own history, and the runner itself
 * (its npm package, not a copy of its rules) then sees them as applied: postgres-migrations checks
 * every recorded hash and applies only what is not recorded; Drizzle's migrator applies only the
 * journal entries later than the last one recorded.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { migrate as postgresMigrate } from 'postgres-migrations';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { runInProcess } from '../unit/cli/inProcessCli';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { dropDatabase, freshDatabase } from './estimateFixtures';

const DB = 'lockstep_run_history';

const cli = (cwd: string, ...argv: string[]) => runInProcess(cwd, argv);

describe('lockstep run writes the runner\'s own history (real PostgreSQL 18)', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let db: pg.Client;
  let dir: string;

  before(async () => {
    cluster = await sharedCluster(18);
  });
  beforeEach(async () => {
    await freshDatabase(cluster, DB, 'CREATE TABLE accounts (id bigint PRIMARY KEY)');
    db = await cluster.client(DB);
    dir = mkdtempSync(join(tmpdir(), 'lockstep-run-history-'));
  });
  afterEach(async () => {
    await db.end();
    await dropDatabase(cluster, DB);
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `${cluster.connectionString(DB)}?connect_timeout=60`;

  it('postgres-migrations: the runner validates the recorded hashes and applies only the file lockstep did not run', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { 'postgres-migrations': '5.3.0' } }));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations/1_add_note.sql'), 'ALTER TABLE accounts ADD COLUMN note text;\n');
    writeFileSync(join(dir, 'migrations/2_add_email.sql'), 'ALTER TABLE accounts ADD COLUMN email text;\nCREATE TABLE audit (id int);\n');

    const dry = await cli(dir, 'run', '--dry-run', 'migrations/2_add_email.sql');
    assert.match(dry.stdout, /unit 0 \(one transaction; .*; records it in postgres-migrations's migrations\)/);
    const run = await cli(dir, 'run', '--db', url(), '--format', 'json', 'migrations/1_add_note.sql', 'migrations/2_add_email.sql');
    assert.equal(run.status, 0, run.stderr);
    const { rows } = await db.query('SELECT id, name FROM migrations ORDER BY id');
    assert.deepEqual(rows, [
      { id: 0, name: 'create-migrations-table' },
      { id: 1, name: 'add_note' },
      { id: 2, name: 'add_email' },
    ]);

    // The runner itself: every hash it recomputes matches, and there is nothing left for it to apply.
    writeFileSync(join(dir, 'migrations/3_add_flag.sql'), 'ALTER TABLE accounts ADD COLUMN flag boolean;\n');
    const applied = await postgresMigrate({ client: db }, join(dir, 'migrations'));
    assert.deepEqual(applied.map((m) => m.fileName), ['3_add_flag.sql']);

    // And lockstep reads the runner's record back: a rerun skips both files.
    const again = await cli(dir, 'run', '--db', url(), '--format', 'json', 'migrations/1_add_note.sql', 'migrations/2_add_email.sql');
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).units.map((u: { status: string }) => u.status), ['skipped', 'skipped']);
    assert.match(again.stderr, /skipped, postgres-migrations records it as applied \(migrations\)/);
  });

  it('postgres-migrations: a file changed after the runner recorded it is refused, as the runner would', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { 'postgres-migrations': '5.3.0' } }));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations/1_add_note.sql'), 'ALTER TABLE accounts ADD COLUMN note text;\n');
    await postgresMigrate({ client: db }, join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations/1_add_note.sql'), 'ALTER TABLE accounts ADD COLUMN note varchar(10);\n');
    const run = await cli(dir, 'run', '--db', url(), 'migrations/1_add_note.sql');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /postgres-migrations already records migration 1 with another hash/);
  });

  /** A Drizzle Kit folder: the files and meta/_journal.json, `when` 1000, 2000, … in order. */
  function drizzleFolder(files: Array<[string, string]>): string {
    const folder = join(dir, 'drizzle');
    mkdirSync(join(folder, 'meta'), { recursive: true });
    for (const [tag, sql] of files) writeFileSync(join(folder, `${tag}.sql`), sql);
    const entries = files.map(([tag], idx) => ({ idx, version: '7', when: 1000 * (idx + 1), tag, breakpoints: true }));
    writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
    return folder;
  }

  it('Drizzle: the migrator applies only the journal entry lockstep did not run', async () => {
    const files: Array<[string, string]> = [
      ['0000_init', 'CREATE TABLE orders (id int PRIMARY KEY);\n'],
      ['0001_note', 'ALTER TABLE orders ADD COLUMN note text;--> statement-breakpoint\nCREATE INDEX orders_note ON orders (note);\n'],
    ];
    const folder = drizzleFolder(files);
    const run = await cli(dir, 'run', '--db', url(), 'drizzle/0000_init.sql', 'drizzle/0001_note.sql');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((await db.query('SELECT created_at::int AS at FROM drizzle.__drizzle_migrations ORDER BY id')).rows, [{ at: 1000 }, { at: 2000 }]);

    // The migrator would fail on CREATE TABLE orders if it did not see 0000 as applied.
    drizzleFolder([...files, ['0002_refunds', 'CREATE TABLE refunds (id int PRIMARY KEY);\n']]);
    await drizzleMigrate(drizzle(db), { migrationsFolder: folder });
    assert.deepEqual((await db.query("SELECT to_regclass('refunds') IS NOT NULL AS found")).rows, [{ found: true }]);
    assert.equal((await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0].n, 3);
  });

  it('Drizzle: a file whose earlier journal entries are not applied is not recorded (the migrator would skip them forever)', async () => {
    drizzleFolder([
      ['0000_init', 'CREATE TABLE orders (id int PRIMARY KEY);\n'],
      ['0001_audit', 'CREATE TABLE audit (id int);\n'],
    ]);
    const run = await cli(dir, 'run', '--db', url(), 'drizzle/0001_audit.sql');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /an earlier migration of Drizzle's journal is not recorded as applied; recording 0001_audit would make the migrator skip it forever/);
    assert.deepEqual((await db.query("SELECT to_regclass('audit') IS NOT NULL AS found")).rows, [{ found: false }]);
  });
});
