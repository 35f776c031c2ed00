/**
 * `lockstep scaffold` for Drizzle Kit and Prisma Migrate, applied on PostgreSQL 18
 * (`log_statement = 'all'`) the way PLAN.md says.
 *
 * Drizzle: the real `drizzle-kit migrate` (its migrator runs every pending migration in one
 * transaction) runs each release; psql runs the steps it cannot. The commands are read from PLAN.md
 * and run literally (psql by a client that sends one statement at a time, as psql does). The plan
 * must complete, every piece of a Drizzle migration must reach the server inside the migrator's
 * transaction and every outside step outside one, and a `drizzle-kit migrate` right after the
 * scaffold must run the first release only.
 *
 * Prisma: its schema engine is a native binary fetched at install time, which this machine cannot
 * fetch, so the files are sent the two ways the engine sends migration.sql (the whole file as one
 * query before 7.4, statement by statement from 7.4): the plan must complete under both.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { splitSql } from '../../server/src/parse/split';
import { scaffold } from '../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../server/src/scaffold/schema';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { assertSent, LOG_SETTINGS, normSql, receivedStatements, type Received } from '../support/pgStatementLog';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'test-output');
const TABLE = 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, plan text)';
const ROWS = 30;
const RENAME = { table: 'accounts', column: 'email', to: 'email_address' };
const NOW = new Date('2026-12-02T04:00:00Z');
const config = { ...DEFAULT_CONFIG, pgVersion: 18 };

/** psql: every statement on its own, in autocommit (the generated scripts hold their own BEGIN/COMMIT where they need one). */
const psqlStatements = (text: string) => splitSql(text).chunks.filter((c) => c.kind === 'sql').map((c) => c.text);

/** The shell commands of each phase's "Apply:" block in PLAN.md, in order. */
function applyCommands(planMd: string): string[] {
  return [...planMd.matchAll(/^Apply:\n\n```sh\n([\s\S]*?)```/gm)].flatMap((m) => m[1].split('\n').filter(Boolean));
}

function writeAll(dir: string, files: ReadonlyArray<{ path: string; content: string }>): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}

describe('scaffold for Drizzle Kit and Prisma Migrate: applied as PLAN.md says (PostgreSQL 18)', function () {
  this.timeout(300_000);
  let cluster: PgCluster;
  let admin: import('pg').Client;
  const dirs: string[] = [];

  before(async () => {
    await initEngine();
    cluster = await startCluster(18, { settings: LOG_SETTINGS });
    admin = await cluster.client();
  });
  after(async () => {
    await admin?.end();
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const tempDir = (name: string) => {
    mkdirSync(OUT, { recursive: true });
    const dir = mkdtempSync(join(OUT, name));
    dirs.push(dir);
    return dir;
  };

  const count = async (db: string, sql: string) => {
    const c = await cluster.client(db);
    try {
      return (await c.query(sql)).rows[0].n as number;
    } finally {
      await c.end();
    }
  };

  const assertRenamed = async (db: string) => {
    const c = await cluster.client(db);
    try {
      const cols = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'accounts' ORDER BY column_name`);
      assert.deepEqual(cols.rows.map((r) => r.column_name), ['email_address', 'id', 'plan']);
      assert.equal((await c.query(`SELECT count(*)::int AS n FROM accounts WHERE email_address = 'user' || id || '@example.com'`)).rows[0].n, ROWS);
    } finally {
      await c.end();
    }
  };

  const seed = async (db: string) => {
    const c = await cluster.client(db);
    try {
      await c.query(`INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
    } finally {
      await c.end();
    }
  };

  it('Drizzle: drizzle-kit migrate runs each release in its transaction, psql the steps between; the plan completes', async () => {
    const db = 'sf_drizzle';
    await admin.query(`CREATE DATABASE ${db}`);
    const url = cluster.connectionString(db);
    const dir = tempDir('scaffold-drizzle-');
    const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1764633600000, tag: '0000_init', breakpoints: true }] }, null, 2);
    writeAll(dir, [
      { path: 'drizzle/0000_init.sql', content: `${TABLE};\n` },
      { path: 'drizzle/meta/_journal.json', content: journal },
      { path: 'drizzle.config.js', content: "module.exports = { dialect: 'postgresql', out: './drizzle', dbCredentials: { url: process.env.DATABASE_URL } };\n" },
    ]);
    const drizzleKit = () => {
      const r = spawnSync(join(ROOT, 'node_modules/.bin/drizzle-kit'), ['migrate', '--config', 'drizzle.config.js'], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
      assert.equal(r.status, 0, `drizzle-kit migrate failed:\n${r.stdout}\n${r.stderr}`);
    };
    drizzleKit();
    await seed(db);

    const result = scaffold({
      kind: 'rename-column', args: RENAME, schema: schemaFromSql(TABLE, config), runner: 'drizzle', migrationsDir: 'drizzle',
      existing: readdirSync(join(dir, 'drizzle')), drizzleJournal: journal, config, options: { pauseMs: 0, batchSize: 7, pgVersion: 18 }, now: NOW,
    });
    assert.deepEqual(result.findings.map((f) => `${f.path}: ${f.finding.ruleId}`), [], 'the generated files lint clean');
    writeAll(dir, result.files);

    // What the server must see: each Drizzle piece inside the migrator's transaction, each outside step outside one.
    const want: Received[] = [];
    const commands = applyCommands(result.files.find((f) => f.path.endsWith('PLAN.md'))!.content);
    assert.ok(commands.length >= 5, commands.join('\n'));
    let migrateRuns = 0;
    for (const command of commands) {
      const release = /^node (\S+) (\d+) && npx drizzle-kit migrate\b/.exec(command);
      const psql = /^psql "\$DATABASE_URL" -v ON_ERROR_STOP=1 -f (\S+)$/.exec(command);
      if (release) {
        const r = spawnSync(process.execPath, [release[1], release[2]], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      }
      if (release || /^npx drizzle-kit migrate\b/.test(command)) {
        const before = await count(db, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
        drizzleKit();
        const ran = result.migrations.filter((m) => m.drizzleRelease === (release ? Number(release[2]) : 1));
        assert.equal(await count(db, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations'), before + ran.length, `${command}: runs exactly its release`);
        for (const m of ran) {
          const text = result.files.find((f) => f.path === m.upPath)!.content;
          want.push(...text.split('--> statement-breakpoint').map((p) => ({ sql: normSql(p), inTransaction: true })));
        }
        migrateRuns++;
      } else if (psql) {
        const c = await cluster.client(db);
        try {
          for (const s of psqlStatements(readFileSync(join(dir, psql[1]), 'utf8'))) {
            await c.query(s);
            want.push({ sql: normSql(s), inTransaction: false });
          }
        } finally {
          await c.end();
        }
      } else assert.fail(`PLAN.md has a command this test does not know: ${command}`);
    }
    assert.equal(migrateRuns, 3, 'three releases: the expand, the NOT VALID constraints after the backfill, the contract after the verify');
    assertSent(want, await receivedStatements(cluster, db));
    await assertRenamed(db);
  });

  it("Prisma: migration.sql sent as the schema engine sends it (one query before 7.4, statement by statement from 7.4): the plan completes under both", async () => {
    const result = scaffold({
      kind: 'rename-column', args: RENAME, schema: schemaFromSql(TABLE, config), runner: 'prisma', migrationsDir: 'prisma/migrations',
      existing: ['20260101000000_init', 'migration_lock.toml'], config, options: { pauseMs: 0, batchSize: 7, pgVersion: 18 }, now: NOW,
    });
    assert.deepEqual(result.findings.map((f) => `${f.path}: ${f.finding.ruleId}`), [], 'the generated files lint clean');
    // `prisma migrate deploy` applies the folders in name order.
    const folders = result.migrations.map((m) => m.upPath).sort();
    assert.deepEqual(folders, result.migrations.map((m) => m.upPath), 'folder names sort in plan order');
    for (const [db, split] of [['sf_prisma_one_query', false], ['sf_prisma_split', true]] as const) {
      await admin.query(`CREATE DATABASE ${db}`);
      const c = await cluster.client(db);
      try {
        await c.query(TABLE);
        await c.query(`INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
        for (const path of folders) {
          const text = result.files.find((f) => f.path === path)!.content;
          if (split) for (const s of psqlStatements(text)) await c.query(s);
          else await c.query(text);
        }
      } finally {
        await c.end();
      }
      await assertRenamed(db);
    }
  });
});
