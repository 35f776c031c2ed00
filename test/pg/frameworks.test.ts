/**
 * Each npm-installable framework runs its own migrator on its fixture project against a private
 * PostgreSQL 18 with `log_statement = 'all'`. The SQL Lockstep says the framework sends (its
 * extraction of every `up`) must be what the server received, in order, and each statement must
 * arrive inside a BEGIN … COMMIT exactly when Lockstep's transaction model says so.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectFramework } from '../../server/src/frameworks/registry';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { LOG_SETTINGS, normSql, receivedStatements, type Received } from '../support/pgStatementLog';

const ROOT = resolve(__dirname, '../fixtures/frameworks');
const norm = normSql;
const received = receivedStatements;

/** What Lockstep extracts from each fixture migration's `up`, with its transaction model. */
function expected(framework: string): Received[] {
  const dir = join(ROOT, framework, 'migrations');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const fw = detectFramework(file, text)!;
      const e = fw.extract(text, file);
      return e.statements.filter((s) => s.section === 'up').map((s) => ({ sql: norm(s.sql), inTransaction: e.transaction.wrapped }));
    });
}

/** Every expected statement, in order, among what the server received, with the same transaction state. */
function assertSent(framework: string, got: Received[]): void {
  const want = expected(framework);
  assert.ok(want.length >= 4, `${framework}: fixtures yield statements`);
  let at = 0;
  for (const w of want) {
    const i = got.findIndex((g, k) => k >= at && g.sql === w.sql);
    assert.ok(i >= 0, `${framework}: the server never received (in order): ${w.sql}\nreceived:\n${got.map((g) => g.sql).join('\n')}`);
    assert.equal(got[i].inTransaction, w.inTransaction, `${framework}: ${w.sql} ${w.inTransaction ? 'should' : 'should not'} run inside BEGIN … COMMIT`);
    at = i + 1;
  }
}

describe('framework migrators on real PostgreSQL send what Lockstep extracts', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let admin: import('pg').Client;

  before(async () => {
    cluster = await startCluster(18, {
      settings: LOG_SETTINGS,
    });
    admin = await cluster.client();
  });
  after(async () => {
    await admin?.end();
    await cluster?.stop();
  });

  const database = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    return cluster.connectionString(name);
  };

  it('Knex (knex.migrate.latest)', async () => {
    const url = await database('fw_knex');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require('knex')({ client: 'pg', connection: url, migrations: { directory: join(ROOT, 'knex/migrations') } });
    try {
      await k.migrate.latest();
    } finally {
      await k.destroy();
    }
    assertSent('knex', await received(cluster, 'fw_knex'));
  });

  it("TypeORM (DataSource.runMigrations, migrationsTransactionMode 'each')", async () => {
    const url = await database('fw_typeorm');
    const { DataSource } = await import('typeorm');
    const dir = join(ROOT, 'typeorm/migrations');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const classes = readdirSync(dir).sort().map((f) => Object.values(require(join(dir, f)))[0] as new () => unknown);
    const ds = new DataSource({ type: 'postgres', url, migrations: classes as never, migrationsTransactionMode: 'each', logging: false });
    await ds.initialize();
    try {
      await ds.runMigrations();
    } finally {
      await ds.destroy();
    }
    assertSent('typeorm', await received(cluster, 'fw_typeorm'));
  });

  it('Sequelize (each up(queryInterface, Sequelize) in order, as sequelize-cli runs them)', async () => {
    const url = await database('fw_sequelize');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Sequelize } = require('sequelize');
    const s = new Sequelize(url, { logging: false });
    const dir = join(ROOT, 'sequelize/migrations');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      for (const f of readdirSync(dir).sort()) await require(join(dir, f)).up(s.getQueryInterface(), Sequelize);
    } finally {
      await s.close();
    }
    assertSent('sequelize', await received(cluster, 'fw_sequelize'));
  });

  it('node-pg-migrate (runner)', async () => {
    const url = await database('fw_pgm');
    const { runner } = await import('node-pg-migrate');
    await runner({ databaseUrl: url, dir: join(ROOT, 'node-pg-migrate/migrations'), direction: 'up', migrationsTable: 'pgmigrations', log: () => {}, singleTransaction: false });
    assertSent('node-pg-migrate', await received(cluster, 'fw_pgm'));
  });

  it('MikroORM (Migrator.up with allOrNothing: false; the default allOrNothing breaks an isTransactional() = false migration)', async () => {
    const { MikroORM } = await import('@mikro-orm/postgresql');
    const { Migrator } = await import('@mikro-orm/migrations');
    const dir = join(ROOT, 'mikro-orm/migrations');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const migrationsList = readdirSync(dir).sort().map((f) => ({ name: f.replace(/\.ts$/, ''), class: Object.values(require(join(dir, f)))[0] as never }));
    const up = async (db: string, allOrNothing?: boolean) => {
      const orm = await MikroORM.init({ clientUrl: await database(db), entities: [], discovery: { warnWhenNoEntities: false }, extensions: [Migrator], migrations: { migrationsList, allOrNothing, silent: true }, debug: false });
      try {
        await orm.getMigrator().up();
      } finally {
        await orm.close(true);
      }
    };
    // Default (allOrNothing): every pending migration in one transaction, but the isTransactional() = false one
    // runs on another connection, outside it, and does not see the uncommitted table (docs/frameworks/mikro-orm.md).
    await assert.rejects(up('fw_mikro_all'), /relation "accounts" does not exist/);
    await up('fw_mikro', false);
    assertSent('mikro-orm', await received(cluster, 'fw_mikro'));
  });

  it('Kysely (Migrator.migrateToLatest)', async () => {
    const url = await database('fw_kysely');
    const { Kysely, Migrator, PostgresDialect } = await import('kysely');
    const pg = await import('pg');
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.default.Pool({ connectionString: url, max: 1 }) }) });
    const dir = join(ROOT, 'kysely/migrations');
    const provider = {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      getMigrations: async () => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, require(join(dir, f))])),
    };
    try {
      const { error } = await new Migrator({ db, provider }).migrateToLatest();
      assert.equal(error, undefined);
    } finally {
      await db.destroy();
    }
    assertSent('kysely', await received(cluster, 'fw_kysely'));
  });
});
