/**
 * The language server's database features over stdio, against a real PostgreSQL 14: connecting
 * sets the target version (and rule findings change), hovers gain live figures and blockers,
 * `lockstep/estimate` returns the report, failures are one clear status, and offline use goes on.
 */
import { strict as assert } from 'node:assert';
import type { MarkupContent } from 'vscode-languageserver/node';
import pg from 'pg';
import {
  DATABASE_CONNECT_METHOD,
  DATABASE_DISCONNECT_METHOD,
  DATABASE_STATUS_METHOD,
  ESTIMATE_METHOD,
  type DatabaseStatus,
  type EstimateResult,
} from '../../server/src/lsp/databaseProtocol';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { appClient, dropDatabase, freshDatabase } from '../pg/estimateFixtures';
import { LspHarness, codesOf, positionAt } from './harness';

const DB = 'lockstep_estimate_lsp';
const TEXT = "ALTER TABLE orders ADD COLUMN flag int DEFAULT 0;\nCREATE INDEX orders_note_idx ON orders (note);\n";
const URI = 'file:///virtual/V9__orders.sql';

describe('LSP database features (real PostgreSQL 14)', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let lsp: LspHarness;
  const statuses: DatabaseStatus[] = [];

  const hoverText = async (needle: string) => {
    const hover = await lsp.hover(URI, positionAt(TEXT, TEXT.indexOf(needle)));
    return (hover?.contents as MarkupContent | undefined)?.value ?? '';
  };
  const connect = (url: string) => lsp.connection.sendRequest<DatabaseStatus>(DATABASE_CONNECT_METHOD, { url });

  before(async () => {
    cluster = await sharedCluster(14);
    await freshDatabase(cluster, DB, 'CREATE TABLE orders (id bigint PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 30000) g;', 'VACUUM ANALYZE orders');
    // PostgreSQL 10 as the configured target: there, any ADD COLUMN … DEFAULT rewrites the table.
    lsp = await LspHarness.start({ settings: { pgVersion: 10 } });
    lsp.connection.onNotification(DATABASE_STATUS_METHOD, (status: DatabaseStatus) => void statuses.push(status));
    lsp.open(URI, TEXT);
  });
  after(async () => {
    lsp?.dispose();
    await dropDatabase(cluster, DB);
  });

  it('offline: the configured version drives the rules, and hovers have no database part', async () => {
    const published = await lsp.diagnosticsFor(URI, 1);
    assert.ok(codesOf(published).includes('volatile-default'), JSON.stringify(codesOf(published)));
    const info = await lsp.documentInfo.next(URI, (i) => i.pgVersion === 10, 'documentInfo', 10_000);
    assert.equal(info.pgVersion, 10);
    const hover = await hoverText('CREATE INDEX');
    assert.match(hover, /SHARE/);
    assert.doesNotMatch(hover, /lockstep@/);
  });

  it('a refused connection is one clear status; linting goes on', async () => {
    const status = await connect('postgres://lockstep@127.0.0.1:1/x?sslmode=disable');
    assert.deepEqual(status, {
      state: 'failed',
      target: 'lockstep@127.0.0.1:1/x',
      message: 'Connection refused by 127.0.0.1:1: no PostgreSQL server is listening there.',
      errorKind: 'refused',
    });
    assert.deepEqual(statuses.slice(-2).map((s) => s.state), ['connecting', 'failed']);
    const refused = await lsp.connection.sendRequest<EstimateResult>(ESTIMATE_METHOD, { uri: URI });
    assert.equal(refused.ok, false);
    assert.match(await hoverText('CREATE INDEX'), /SHARE/, 'the offline hover still works');
    const settingWithPassword = await connect('postgres://lockstep:secret@127.0.0.1:1/x');
    assert.equal(settingWithPassword.state, 'failed');
    assert.match(settingWithPassword.message ?? '', /contains a password/);
  });

  it("connecting sets the server's version as the target: the PG 10 finding goes away", async () => {
    const relinted = lsp.nextDiagnostics(URI, (p) => !codesOf(p).includes('volatile-default'), 20_000);
    const status = await connect(cluster.connectionString(DB));
    assert.equal(status.state, 'connected');
    assert.equal(status.pgVersion, 14);
    assert.match(status.serverVersion ?? '', /^14\./);
    assert.equal(status.target, `lockstep@127.0.0.1:${cluster.port}/${DB}`);
    assert.deepEqual(statuses.at(-1), status);
    const published = await relinted;
    assert.ok(codesOf(published).includes('require-concurrent-index'));
    const info = await lsp.documentInfo.next(URI, (i) => i.pgVersion === 14, 'documentInfo for PG 14', 10_000);
    assert.equal(info.pgVersion, 14);
  });

  it('hovers gain the live figures, the estimated time and the risk', async () => {
    const hover = await hoverText('CREATE INDEX');
    assert.match(hover, /SHARE/, 'the offline lock table is still there');
    assert.match(hover, new RegExp(`\\*\\*lockstep@127\\.0\\.0\\.1:${cluster.port}/${DB}\\*\\* · PostgreSQL 14\\.`));
    assert.match(hover, /\| orders \| 30,000 \| [\d.]+ MB \|/);
    assert.match(hover, /Estimated time: [\d.<]+ .*index build of orders/);
    assert.match(hover, /\*\*Risk: LOW\*\*/);
  });

  it('a session in the way shows up in the hover and the estimate', async () => {
    const reader: pg.Client = await appClient(cluster, DB, 'lsp-test-reader');
    try {
      const pid = (await reader.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM orders');
      const result = await lsp.connection.sendRequest<EstimateResult>(ESTIMATE_METHOD, { uri: URI });
      assert.ok(result.ok, JSON.stringify(result));
      const [alter] = result.report.statements;
      assert.equal(alter.risk, 'high');
      assert.equal(alter.relations[0].waitsFor[0].pid, pid);
      assert.equal(alter.relations[0].waitsFor[0].application, 'lsp-test-reader');
      assert.equal(result.report.pgVersion, 14);
      // The estimate refreshed the hover's figures.
      const hover = await hoverText('ADD COLUMN');
      assert.match(hover, new RegExp(`waits for pid ${pid} lsp-test-reader \\(idle in transaction`));
      assert.match(hover, /\*\*Risk: HIGH\*\*/);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
  });

  it('junk in the database requests is answered, never fatal', async () => {
    for (const params of [null, { uri: 5 }, 'x']) {
      const result = await lsp.connection.sendRequest<EstimateResult>(ESTIMATE_METHOD, params);
      assert.equal(result.ok, false);
    }
    // A non-string URL counts as none (so the environment decides); either way a clear status comes back.
    const junk = await lsp.connection.sendRequest<DatabaseStatus>(DATABASE_CONNECT_METHOD, { url: 42, password: { x: 1 } });
    assert.ok(junk.state === 'connected' || (junk.state === 'failed' && typeof junk.message === 'string'), JSON.stringify(junk));
    assert.ok(lsp.alive);
    assert.equal((await connect(cluster.connectionString(DB))).state, 'connected');
  });

  it('an estimate for a document that is not open fails cleanly', async () => {
    const result = await lsp.connection.sendRequest<EstimateResult>(ESTIMATE_METHOD, { uri: 'file:///virtual/never-opened.sql' });
    assert.deepEqual(result, { ok: false, message: 'Open a SQL migration to estimate.' });
  });

  it('disconnecting restores the configured version and the offline hover', async () => {
    const relinted = lsp.nextDiagnostics(URI, (p) => codesOf(p).includes('volatile-default'), 20_000);
    const status = await lsp.connection.sendRequest<DatabaseStatus>(DATABASE_DISCONNECT_METHOD);
    assert.deepEqual(status, { state: 'offline' });
    await relinted;
    assert.doesNotMatch(await hoverText('CREATE INDEX'), /lockstep@/);
    assert.ok(lsp.alive);
  });
});
