/**
 * `lockstep scaffold --format <framework>` writes the plan as the framework's own migrations. Each
 * framework's real migrator runs them against PostgreSQL 18 (`log_statement = 'all'`): the plan must
 * complete (the backfill's CALL commits per batch, so it fails inside a transaction: the opt-out
 * must work), the framework must run the files in plan order, every statement Lockstep extracts must
 * reach the server in order, inside BEGIN … COMMIT exactly when Lockstep's model says so, and the
 * data must end up renamed.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { frameworkById } from '../../server/src/frameworks/registry';
import { splitHostMigration } from '../../server/src/frameworks/split';
import type { FrameworkId } from '../../server/src/frameworks/types';
import { scaffold } from '../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../server/src/scaffold/schema';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { assertSent, LOG_SETTINGS, normSql, receivedStatements, type Received } from '../support/pgStatementLog';

const OUT = resolve(__dirname, '../../test-output');
const TABLE = 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, plan text)';
const ROWS = 30;

interface Generated {
  dir: string;
  files: Array<{ name: string; text: string }>;
}

/** The plan written as `id` migrations into a fresh folder inside the repo (so they resolve the installed packages). */
function generate(id: FrameworkId, kind: string, args: Record<string, string>, sample?: { name: string; text: string }): Generated {
  const config = { ...DEFAULT_CONFIG, pgVersion: 18 };
  const result = scaffold({
    kind,
    args,
    schema: schemaFromSql(TABLE, config),
    runner: 'plain',
    migrationsDir: 'migrations',
    existing: sample ? [sample.name] : [],
    framework: { id, sample },
    config,
    options: { pauseMs: 0, batchSize: 7, pgVersion: 18 },
    now: new Date('2026-12-02T04:00:00Z'),
  });
  assert.deepEqual(
    result.findings.filter((f) => f.finding.severity === 'error' || f.finding.severity === 'warning').map((f) => `${f.path}: ${f.finding.ruleId}`),
    [],
    'the generated migrations lint clean',
  );
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(OUT, `scaffold-${id}-`));
  const files = result.migrations.map((m) => {
    const f = result.files.find((x) => x.path === m.upPath)!;
    return { name: f.path.replace(/^migrations\//, ''), text: f.content };
  });
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  return { dir, files };
}

/** What Lockstep says each generated `up` sends, in file order, and whether inside a transaction. */
function expected(id: FrameworkId, files: Generated['files']): Received[] {
  const fw = frameworkById(id)!;
  return files.flatMap((f) => {
    assert.equal(fw.detect(f.name, f.text), true, `${f.name} is recognised as ${fw.label}`);
    const e = fw.extract(f.text, f.name);
    assert.deepEqual(e.notAnalysed, [], `${f.name}: everything analysed`);
    return e.statements
      .filter((s) => s.section === 'up')
      .map((s) => ({ sql: normSql(s.sql), inTransaction: e.transaction.wrapped || typeof s.transaction === 'object' }));
  });
}

describe('scaffold --format <framework>: the real migrators run the generated migrations', function () {
  this.timeout(120_000);
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

  /** A database with the accounts table and its rows, made outside the migrator. */
  const database = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    const c = await cluster.client(name);
    try {
      await c.query(TABLE);
      await c.query(`INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
    } finally {
      await c.end();
    }
    return cluster.connectionString(name);
  };

  /** After rename-column: email is gone, email_address holds every row's address. */
  const assertRenamed = async (db: string) => {
    const c = await cluster.client(db);
    try {
      const cols = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY column_name`);
      assert.deepEqual(cols.rows.map((r) => r.column_name), ['email_address', 'id', 'plan']);
      const filled = await c.query(`SELECT count(*)::int AS n FROM accounts WHERE email_address = 'user' || id || '@example.com'`);
      assert.equal(filled.rows[0].n, ROWS);
    } finally {
      await c.end();
    }
  };

  const RENAME = { table: 'accounts', column: 'email', to: 'email_address' };

  it('Knex: knex.migrate.latest runs them in order, outside the transaction where `config.transaction = false`', async () => {
    const g = generate('knex', 'rename-column', RENAME, { name: '20240101000000_create_accounts.js', text: 'exports.up = (knex) => knex.raw(`SELECT 1`);\nexports.down = () => {};\n' });
    dirs.push(g.dir);
    assert.ok(g.files.every((f) => /^\d{14}_rename_accounts_email_\w+\.js$/.test(f.name)), g.files.map((f) => f.name).join(', '));
    assert.ok(g.files.some((f) => f.text.includes('exports.config = { transaction: false };')));
    const url = await database('sc_knex');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require('knex')({ client: 'pg', connection: url, migrations: { directory: g.dir } });
    try {
      await k.migrate.latest();
      const ran = await k('knex_migrations').orderBy('id').pluck('name');
      assert.deepEqual(ran, g.files.map((f) => f.name));
    } finally {
      await k.destroy();
    }
    assertSent(expected('knex', g.files), await receivedStatements(cluster, 'sc_knex'));
    await assertRenamed('sc_knex');
  });

  it("TypeORM: DataSource.runMigrations (migrationsTransactionMode 'each') honours `transaction = false`", async () => {
    const g = generate('typeorm', 'rename-column', RENAME);
    dirs.push(g.dir);
    assert.ok(g.files.every((f) => /^\d{13}-RenameAccountsEmail\w+\.ts$/.test(f.name)), g.files.map((f) => f.name).join(', '));
    const url = await database('sc_typeorm');
    const { DataSource } = await import('typeorm');
    // Shuffled: TypeORM must order them by the timestamp at the end of each class name.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const classes = [...g.files].reverse().map((f) => Object.values(require(join(g.dir, f.name)))[0] as new () => unknown);
    const ds = new DataSource({ type: 'postgres', url, migrations: classes as never, migrationsTransactionMode: 'each', logging: false });
    await ds.initialize();
    try {
      const ran = await ds.runMigrations();
      assert.deepEqual(ran.map((m) => m.name), g.files.map((f) => /export class (\w+)/.exec(f.text)![1]));
    } finally {
      await ds.destroy();
    }
    assertSent(expected('typeorm', g.files), await receivedStatements(cluster, 'sc_typeorm'));
    await assertRenamed('sc_typeorm');
  });

  it('node-pg-migrate: the runner honours pgm.noTransaction() per direction', async () => {
    const g = generate('node-pg-migrate', 'rename-column', RENAME);
    dirs.push(g.dir);
    assert.ok(g.files.every((f) => /^\d{13}_rename_accounts_email_\w+\.js$/.test(f.name)));
    const url = await database('sc_pgm');
    const { runner } = await import('node-pg-migrate');
    const ran = await runner({ databaseUrl: url, dir: g.dir, direction: 'up', migrationsTable: 'pgmigrations', log: () => {}, singleTransaction: false });
    assert.deepEqual(ran.map((m) => `${m.name}.js`), g.files.map((f) => f.name));
    assertSent(expected('node-pg-migrate', g.files), await receivedStatements(cluster, 'sc_pgm'));
    await assertRenamed('sc_pgm');
  });

  it('Sequelize: each up(queryInterface, Sequelize) in name order (as sequelize-cli runs them), tx steps in sequelize.transaction', async () => {
    const g = generate('sequelize', 'rename-column', RENAME);
    dirs.push(g.dir);
    assert.ok(g.files.every((f) => /^\d{14}-rename-accounts-email-[\w-]+\.js$/.test(f.name)));
    const url = await database('sc_sequelize');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Sequelize } = require('sequelize');
    const s = new Sequelize(url, { logging: false });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      for (const f of [...g.files].map((x) => x.name).sort()) await require(join(g.dir, f)).up(s.getQueryInterface(), Sequelize);
    } finally {
      await s.close();
    }
    assertSent(expected('sequelize', g.files), await receivedStatements(cluster, 'sc_sequelize'));
    await assertRenamed('sc_sequelize');
  });

  it('lockstep split on a Knex migration: the phases are Knex migrations that knex.migrate.latest runs in order', async () => {
    mkdirSync(OUT, { recursive: true });
    const dir = mkdtempSync(join(OUT, 'split-knex-'));
    dirs.push(dir);
    const name = '20240105000000_rename_email.js';
    const text = [
      'exports.up = async function (knex) {',
      "  await knex.raw('ALTER TABLE accounts ADD COLUMN email_address text');",
      "  await knex.raw('UPDATE accounts SET email_address = email');",
      "  await knex.raw('CREATE INDEX accounts_email_address_idx ON accounts (email_address)');",
      "  await knex.raw('ALTER TABLE accounts DROP COLUMN email');",
      '};',
      '',
      'exports.down = async function () {};',
      '',
    ].join('\n');
    const split = splitHostMigration({ text, path: join(dir, name), framework: frameworkById('knex')!, config: { ...DEFAULT_CONFIG, pgVersion: 18 }, siblings: [name], now: new Date('2026-12-02T04:00:00Z') });
    assert.ok(split.ok, split.ok ? '' : split.reason);
    assert.equal(split.files[0].path, join(dir, name), 'the first phase keeps the file');
    assert.deepEqual(split.files.map((f) => f.phase), ['expand', 'expand', 'expand', 'backfill', 'contract']);
    assert.deepEqual(split.files.map((f) => f.transactional), [true, false, false, false, true]);
    for (const f of split.files) writeFileSync(f.path, f.text);
    const files = split.files.map((f) => ({ name: f.path.slice(dir.length + 1), text: f.text }));
    const url = await database('sp_knex');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require('knex')({ client: 'pg', connection: url, migrations: { directory: dir } });
    try {
      await k.migrate.latest();
      assert.deepEqual(await k('knex_migrations').orderBy('id').pluck('name'), files.map((f) => f.name));
    } finally {
      await k.destroy();
    }
    assertSent(expected('knex', files), await receivedStatements(cluster, 'sp_knex'));
    await assertRenamed('sp_knex');
  });

  it('Kysely: Migrator.migrateToLatest runs a plan without outside-transaction steps; one with them is refused', async () => {
    assert.throws(() => generate('kysely', 'rename-column', RENAME), /cannot leave the Migrator's transaction/);
    const g = generate('kysely', 'rename-table', { table: 'accounts', to: 'members' });
    dirs.push(g.dir);
    const url = await database('sc_kysely');
    const { Kysely, Migrator, PostgresDialect } = await import('kysely');
    const pg = await import('pg');
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.default.Pool({ connectionString: url, max: 1 }) }) });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const provider = { getMigrations: async () => Object.fromEntries(g.files.map((f) => [f.name, require(join(g.dir, f.name))])) };
    try {
      const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
      assert.equal(error, undefined);
      assert.deepEqual(results?.map((r) => r.migrationName), g.files.map((f) => f.name));
    } finally {
      await db.destroy();
    }
    assertSent(expected('kysely', g.files), await receivedStatements(cluster, 'sc_kysely'));
    const c = await cluster.client('sc_kysely');
    try {
      assert.equal((await c.query(`SELECT count(*)::int AS n FROM members`)).rows[0].n, ROWS);
    } finally {
      await c.end();
    }
  });
});
