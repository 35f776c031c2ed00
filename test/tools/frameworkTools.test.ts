/**
 * The real Rails, Django and Alembic run the migrations of test/fixtures/framework-tools/ against a
 * private PostgreSQL 18 that logs every statement. Lockstep's extraction of each migration must be,
 * statement by statement and in order, exactly the schema SQL the server received (the tools'
 * own bookkeeping aside), each inside BEGIN … COMMIT exactly when Lockstep's transaction model says so.
 *
 * The tools are Debian packages (ruby-activerecord 6.1, python3-django 3.2, python3-alembic 1.8):
 * `npm run test:framework-tools` installs them first when missing and run as root (scripts/framework-tools/prereqs.mjs).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initEngine } from '../../server/src/engine';
import { detectFramework } from '../../server/src/frameworks/registry';
import { splitSql } from '../../server/src/parse/split';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { normSql, receivedStatements, STATEMENT_LOG_SETTINGS, type Received } from '../support/statementLog';

const ROOT = resolve(__dirname, '../fixtures/framework-tools');
const SCRIPTS = resolve(__dirname, '../../scripts/framework-tools');

/** What the tools send for themselves: their version tables, catalog reads, session settings, transaction control. */
const BOOKKEEPING = /schema_migrations|ar_internal_metadata|django_migrations|alembic_version|pg_advisory|^(SELECT|SHOW|SET|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/** One SQL statement per entry: Lockstep's extracted text can hold several (`SET CONSTRAINTS …; ALTER TABLE …`). */
const statementsOf = (sql: string) =>
  splitSql(sql)
    .chunks.filter((c) => c.kind === 'sql')
    .map((c) => normSql(c.text.replace(/^\s*--.*$/gm, '')))
    .filter(Boolean);

/** Lockstep's extraction of every migration's `up`, in the order the tool runs them. */
function extracted(files: string[]): Received[] {
  return files.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const fw = detectFramework(path, text);
    assert.ok(fw, `${path} is detected as a migration`);
    const e = fw.extract(text, path);
    assert.deepEqual(e.notAnalysed, [], `${path}: everything is analysed`);
    return e.statements
      .filter((s) => s.section === 'up')
      .flatMap((s) => statementsOf(s.sql))
      .filter((sql) => !BOOKKEEPING.test(sql) || /^(SET CONSTRAINTS)\b/i.test(sql))
      .map((sql) => ({ sql, inTransaction: e.transaction.wrapped }));
  });
}

/** The server's log, schema statements only (plus `SET CONSTRAINTS`, which Django sends as part of an operation). */
function schemaStatements(got: Received[]): Received[] {
  return got.filter((g) => !BOOKKEEPING.test(g.sql) || /^SET CONSTRAINTS\b/i.test(g.sql));
}

/**
 * After `rename_table`, Rails renames the indexes that carry its default names (`index_<old>_on_…`),
 * which it finds by asking the database: Lockstep, reading the file alone, does not list them
 * (docs/frameworks/rails.md). Only those statements are set aside.
 */
const RAILS_INDEX_RENAMES = /^ALTER INDEX "index_[a-z_]+_on_[a-z_]+" RENAME TO "index_[a-z_]+_on_[a-z_]+"$/;

function assertSame(tool: string, want: Received[], got: Received[]): void {
  assert.ok(want.length >= 8, `${tool}: the fixtures yield statements`);
  const lines = (r: Received[]) => r.map((x) => `${x.inTransaction ? 'tx ' : '   '}${x.sql}`);
  // One assertion over the whole sequence: the diff shows every difference at once.
  assert.deepEqual(lines(want), lines(schemaStatements(got)), `${tool}: Lockstep's SQL (expected) vs what ${tool} sent (actual)`);
}

function run(cmd: string, args: string[], env: Record<string, string>, cwd?: string): void {
  try {
    execFileSync(cmd, args, { env: { ...process.env, ...env }, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

const sorted = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext) && !f.startsWith('__')).sort().map((f) => join(dir, f));

describe('Rails, Django and Alembic send what Lockstep extracts (real tools, PostgreSQL 18)', function () {
  this.timeout(180_000);
  let cluster: PgCluster;
  let admin: import('pg').Client;

  before(async () => {
    await initEngine();
    cluster = await startCluster(18, { settings: STATEMENT_LOG_SETTINGS });
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

  it('Rails (ActiveRecord 6.1 MigrationContext#migrate, as bin/rails db:migrate)', async () => {
    const url = await database('tool_rails');
    const dir = join(ROOT, 'rails/db/migrate');
    run('ruby', [join(SCRIPTS, 'rails-migrate.rb'), dir], { DATABASE_URL: url });
    const got = receivedStatements(cluster, 'tool_rails');
    assert.equal(got.filter((g) => RAILS_INDEX_RENAMES.test(g.sql)).length, 2, 'rename_table renamed the two conventionally named indexes');
    assertSame('Rails', extracted(sorted(dir, '.rb')), got.filter((g) => !RAILS_INDEX_RENAMES.test(g.sql)));
  });
});
