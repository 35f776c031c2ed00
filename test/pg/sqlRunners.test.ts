/**
 * The runners' own migrators against a private PostgreSQL (log_statement = 'all'), checking that
 * Lockstep's transaction model is what the server saw: postgres-migrations and the Drizzle
 * migrator, from npm. The server log's %v (virtual transaction id) groups statements by transaction.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrate as postgresMigrate } from 'postgres-migrations';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine, lintText } from '../../server/src/engine';
import { ORACLE_VERSIONS, startCluster, type PgCluster } from '../support/pgCluster';

const FIXTURES = resolve(__dirname, '../fixtures/frameworks');
const LOGGED = { log_statement: 'all', logging_collector: 'on', log_directory: 'log', log_filename: 'statements.log', log_line_prefix: '%v|%d|' };

/** Logged statements of one database: [virtual transaction id, statement text]. */
function statements(cluster: PgCluster, db: string): Array<[string, string]> {
  const dir = join(cluster.dataDir, 'log');
  const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
  const out: Array<[string, string]> = [];
  for (const entry of text.split(/\n(?=[^\s|]*\|)/)) {
    const m = /^([^|]*)\|([^|]*)\|LOG:\s+statement: ([\s\S]*)$/.exec(entry.trim());
    if (m && m[2] === db) out.push([m[1], m[3].trim()]);
  }
  return out;
}

function lintFile(path: string, runner?: 'postgres-migrations') {
  const text = readFileSync(path, 'utf8');
  return lintText(text, { path, config: { ...DEFAULT_CONFIG, ...(runner ? { runner } : {}) } });
}

describe('SQL runners against a real PostgreSQL', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let work: string;

  before(async function () {
    await initEngine();
    cluster = await startCluster(ORACLE_VERSIONS[ORACLE_VERSIONS.length - 1], { settings: LOGGED });
    work = mkdtempSync(join(tmpdir(), 'lockstep-runners-'));
  });
  after(async function () {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function database(name: string) {
    const admin = await cluster.client();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return cluster.client(name);
  }

  /** A postgres-migrations folder of `files` (renumbered 1, 2, …, as the tool demands). */
  function folder(name: string, files: Array<[string, string]>): string {
    const dir = join(work, name);
    mkdirSync(dir);
    files.forEach(([base, text], i) => writeFileSync(join(dir, `${i + 1}_${base}.sql`), text));
    return dir;
  }

  describe('postgres-migrations', function () {
    const pm = (f: string) => join(FIXTURES, 'postgres-migrations/migrations', f);
    const init = readFileSync(pm('1_init.sql'), 'utf8');

    it('runs a file in START TRANSACTION … COMMIT: a CONCURRENTLY build fails, as Lockstep says', async function () {
      const client = await database('pm_bad');
      const dir = folder('pm_bad', [['init', init], ['orders_user_index', readFileSync(pm('2_orders_user_index.sql'), 'utf8')]]);
      await assert.rejects(postgresMigrate({ client }, dir), /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
      await client.end();
      const lint = lintFile(pm('2_orders_user_index.sql'));
      assert.equal(lint.document.runner, 'postgres-migrations');
      assert.deepEqual(lint.findings.map((f) => f.ruleId), ['concurrent-in-transaction']);

      // The server saw the init file between the runner's START TRANSACTION and COMMIT, in one transaction.
      const log = statements(cluster, 'pm_bad');
      const file = log.findIndex(([, s]) => s.startsWith('CREATE TABLE orders'));
      const begin = log.slice(0, file).map(([, s]) => s).lastIndexOf('START TRANSACTION');
      const commit = log.findIndex(([, s], i) => i > file && s === 'COMMIT');
      assert.ok(begin >= 0 && begin < file && file < commit, JSON.stringify(log));
      assert.equal(new Set([log[begin][0], log[file][0], log[commit][0]]).size, 1, 'one virtual transaction id');
      assert.deepEqual(lintFile(pm('1_init.sql')).document.statements.map((s) => [s.inTransaction, s.transaction]), [[true, 'runner']]);
    });

    it('-- postgres-migrations disable-transaction: a lone build succeeds, and Lockstep sees no transaction', async function () {
      const client = await database('pm_good');
      const note = readFileSync(pm('3_orders_note_index.sql'), 'utf8');
      await postgresMigrate({ client }, folder('pm_good', [['init', init], ['orders_note_index', note]]));
      const valid = await client.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_note_idx'::regclass");
      assert.deepEqual(valid.rows, [{ indisvalid: true }]);
      await client.end();
      const log = statements(cluster, 'pm_good');
      const build = log.findIndex(([, s]) => s.includes('CREATE INDEX CONCURRENTLY orders_note_idx'));
      assert.notEqual(log[build - 1]?.[1], 'START TRANSACTION');
      const lint = lintFile(pm('3_orders_note_index.sql'));
      assert.deepEqual(lint.document.statements.map((s) => s.inTransaction), [false]);
      assert.deepEqual(lint.findings.filter((f) => f.ruleId === 'concurrent-in-transaction'), []);
    });

    it('disable-transaction with two statements: one query string, so one implicit transaction, and the build fails', async function () {
      const client = await database('pm_two');
      const two = '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n';
      await assert.rejects(postgresMigrate({ client }, folder('pm_two', [['init', init], ['two', two]])), /cannot run inside a transaction block/);
      await client.end();
      const lint = lintText(two, { config: { ...DEFAULT_CONFIG, runner: 'postgres-migrations' } });
      assert.deepEqual(lint.document.statements.map((s) => [s.inTransaction, s.implicitTransaction]), [[true, true], [true, true]]);
      assert.deepEqual(lint.findings.filter((f) => f.ruleId === 'concurrent-in-transaction').length, 2);
    });
  });

  describe('Drizzle migrator', function () {
    /** A copy of the Drizzle fixture holding only `tags` (journal entries included). */
    function drizzleFolder(name: string, tags: string[]): string {
      const from = join(FIXTURES, 'drizzle/drizzle');
      const dir = join(work, name);
      mkdirSync(join(dir, 'meta'), { recursive: true });
      for (const tag of tags) copyFileSync(join(from, `${tag}.sql`), join(dir, `${tag}.sql`));
      const journal = JSON.parse(readFileSync(join(from, 'meta/_journal.json'), 'utf8'));
      journal.entries = journal.entries.filter((e: { tag: string }) => tags.includes(e.tag));
      writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
      return dir;
    }

    it('applies every pending migration in one transaction: a CONCURRENTLY build fails and nothing is applied', async function () {
      const client = await database('dz_bad');
      const db = drizzle(client);
      await assert.rejects(drizzleMigrate(db, { migrationsFolder: drizzleFolder('dz_bad', ['0000_init', '0001_orders_user_index']) }), (e: Error) =>
        /cannot run inside a transaction block/.test(`${e.message} ${(e as { cause?: Error }).cause?.message ?? ''}`));
      const orders = await client.query("SELECT to_regclass('public.orders') AS t");
      assert.deepEqual(orders.rows, [{ t: null }], 'the first migration was rolled back with the second');
      await client.end();
      const lint = lintFile(join(FIXTURES, 'drizzle/drizzle/0001_orders_user_index.sql'));
      assert.equal(lint.document.runner, 'drizzle');
      assert.deepEqual(lint.findings.map((f) => f.ruleId), ['concurrent-in-transaction']);
    });

    it('each breakpoint-separated statement is its own query, all in the migrator\'s one transaction', async function () {
      const client = await database('dz_good');
      await drizzleMigrate(drizzle(client), { migrationsFolder: drizzleFolder('dz_good', ['0000_init', '0002_refunds']) });
      await client.end();
      const log = statements(cluster, 'dz_good');
      const ours = log.filter(([, s]) => /^CREATE (TABLE|INDEX) (IF NOT EXISTS )?"?(orders|refunds)/.test(s));
      assert.equal(ours.length, 3, JSON.stringify(log));
      assert.equal(new Set(ours.map(([v]) => v)).size, 1, 'one virtual transaction id for both migrations');
      const lint = lintFile(join(FIXTURES, 'drizzle/drizzle/0002_refunds.sql'));
      assert.deepEqual(lint.document.statements.map((s) => [s.inTransaction, s.transactionId]), [[true, 0], [true, 0]]);
    });
  });

  describe('the documented sending of Prisma Migrate and dbmate (their engines are native binaries, not run here)', function () {
    const prisma = (f: string) => join(FIXTURES, 'prisma/prisma/migrations', f, 'migration.sql');
    const init = readFileSync(prisma('20240101000000_init'), 'utf8');

    /** Prisma before 7.4: the whole migration.sql as one simple query (prisma-engines raw_cmd). */
    async function asOneQuery(db: string, text: string): Promise<void> {
      const client = await database(db);
      try {
        await client.query(init);
        await client.query(text);
      } finally {
        await client.end();
      }
    }

    it('Prisma before 7.4: two statements sent as one query fail on CONCURRENTLY; one alone succeeds; Lockstep agrees', async function () {
      const bad = readFileSync(prisma('20240201000000_orders_user_index'), 'utf8');
      await assert.rejects(asOneQuery('prisma_bad', bad), /cannot run inside a transaction block/);
      const good = readFileSync(prisma('20240301000000_orders_note_index'), 'utf8');
      await asOneQuery('prisma_good', good);
      const lints = [lintFile(prisma('20240201000000_orders_user_index')), lintFile(prisma('20240301000000_orders_note_index'))];
      assert.deepEqual(lints.map((l) => l.findings.filter((f) => f.ruleId === 'concurrent-in-transaction').length), [1, 0]);
    });

    it('dbmate transaction:false: the section as one Exec (simple query) fails with two builds, succeeds with one', async function () {
      const dbmate = (f: string) => readFileSync(join(FIXTURES, 'dbmate/db/migrations', f), 'utf8');
      const upSection = (text: string) => text.slice(text.indexOf('\n') + 1, text.indexOf('-- migrate:down'));
      await assert.rejects(asOneQuery('dbmate_two', upSection(dbmate('20240201000000_two_indexes.sql'))), /cannot run inside a transaction block/);
      await asOneQuery('dbmate_one', upSection(dbmate('20240301000000_one_index.sql')));
    });
  });
});
