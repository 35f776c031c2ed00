/** `lockstep estimate` as users run it: the bundled dist/cli.js against a real PostgreSQL 18. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { assertNoStackTrace, ensureBuilt, runCli } from '../unit/cli/distCli';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { appClient, dropDatabase, freshDatabase } from './estimateFixtures';

const DB = 'lockstep_estimate_cli';
const MIGRATION = 'V3__orders_status.sql';
const SQL = "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';\nCREATE INDEX orders_note_idx ON orders (note);\n";

describe('lockstep estimate (dist/cli.js, real PostgreSQL)', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let work: string;
  let url: string;

  before(async () => {
    ensureBuilt();
    cluster = await sharedCluster(18);
    await freshDatabase(cluster, DB, 'CREATE TABLE orders (id bigint PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 20000) g;', 'VACUUM ANALYZE orders');
    url = cluster.connectionString(DB);
    work = mkdtempSync(join(tmpdir(), 'lockstep-estimate-cli-'));
    writeFileSync(join(work, MIGRATION), SQL);
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await dropDatabase(cluster, DB);
  });

  const estimate = (args: string[], env: Record<string, string> = {}) => runCli(['estimate', ...args], { cwd: work, env: { DATABASE_URL: '', PGHOST: '', PGDATABASE: '', PGPORT: '', ...env } });

  it('text: each statement with its lock, the table figures and the timeline', () => {
    const run = estimate(['--db', url, MIGRATION]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Lock impact of ${MIGRATION}\\nlockstep@127\\.0\\.0\\.1:${cluster.port}/${DB} · PostgreSQL 18\\.\\d+ · 2 statements`));
    assert.match(run.stdout, /orders: 20,000 rows, table 1\.\d+ MB/);
    assert.match(run.stdout, /#2  line 2  LOW {5}CREATE INDEX\n {4}SHARE on orders · /);
    assert.match(run.stdout, /Lock timeline\n {2}orders \|/);
    assert.equal(run.stderr, '');
  });

  it('json: the report model, for scripts', () => {
    const run = estimate(['--db', url, '--format', 'json', MIGRATION]);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.format, 'lockstep-estimate');
    assert.equal(report.pgVersion, 18);
    assert.deepEqual(report.statements.map((s: { summary: string }) => s.summary), ['ALTER TABLE orders: ADD COLUMN status', 'CREATE INDEX']);
    assert.equal(report.relations[0].rows, 20000);
  });

  it('markdown for a pull-request comment; --fail-on high fails while a session is in the way', async () => {
    const clean = estimate(['--db', url, '--format', 'markdown', '--fail-on', 'high', MIGRATION]);
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /^### Lockstep lock impact: `V3__orders_status\.sql` — risk \*\*LOW\*\*/);
    assert.match(clean.stdout, /\| 1 \| 1 \| ALTER TABLE orders: ADD COLUMN status \| ACCESS EXCLUSIVE on orders \| 20,000 \|/);

    const reader: pg.Client = await appClient(cluster, DB, 'dashboard');
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM orders');
      const blocked = estimate(['--db', url, '--format', 'markdown', '--fail-on', 'high', MIGRATION]);
      assert.equal(blocked.status, 1, blocked.stderr);
      assert.match(blocked.stdout, /risk \*\*HIGH\*\*/);
      assert.match(blocked.stdout, /waits for pid \d+ dashboard \(idle in transaction/);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
  });

  it('connects through DATABASE_URL or the PG* variables when --db is absent', () => {
    const viaUrl = estimate(['--format', 'json', MIGRATION], { DATABASE_URL: url });
    assert.equal(viaUrl.status, 0, viaUrl.stderr);
    assert.equal(JSON.parse(viaUrl.stdout).target, `lockstep@127.0.0.1:${cluster.port}/${DB}`);
    const viaPg = estimate(['--format', 'json', MIGRATION], { PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGDATABASE: DB, PGUSER: 'lockstep' });
    assert.equal(viaPg.status, 0, viaPg.stderr);
    assert.equal(JSON.parse(viaPg.stdout).target, `lockstep@127.0.0.1:${cluster.port}/${DB}`);
  });

  it('a refused connection, a bad URL or a missing file: exit 2 with one line, no stack trace', () => {
    const refused = estimate(['--db', 'postgres://lockstep@127.0.0.1:1/x?sslmode=disable', MIGRATION]);
    assert.equal(refused.status, 2);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, 'lockstep estimate: Connection refused by 127.0.0.1:1: no PostgreSQL server is listening there.\n');
    const badUrl = estimate(['--db', 'host=db', MIGRATION]);
    assert.equal(badUrl.status, 2);
    assert.match(badUrl.stderr, /^lockstep estimate: --db: expected a URL/);
    const missing = estimate(['--db', url, 'nope.sql']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'lockstep estimate: nope.sql: no such file or directory\n');
    const none = estimate([MIGRATION]);
    assert.equal(none.status, 2);
    assert.equal(none.stderr, 'lockstep estimate: no database given: pass --db <url>, or set the PGHOST/PGDATABASE environment variables, or DATABASE_URL\n');
    for (const run of [refused, badUrl, missing, none]) assertNoStackTrace(run.stderr);
  });

  it('is listed in lockstep --help and has its own help', () => {
    assert.match(runCli(['--help']).stdout, /lockstep estimate +estimate a migration's lock impact on a live database \(read-only\)/);
    const help = estimate(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: lockstep estimate \[options\] <file\|->/);
  });
});
