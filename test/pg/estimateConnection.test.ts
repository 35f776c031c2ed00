/**
 * Connection failures on real PostgreSQL and real sockets give one clear message each: a refused
 * connection (closed port), a wrong or missing password (a role with a SCRAM password), a server
 * that never answers (timeout), sslmode, an unknown database. None of them throws anything else.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { DatabaseError } from '../../server/src/db/errors';
import { ReadOnlySession } from '../../server/src/db/session';
import { resolveTarget } from '../../server/src/db/target';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { passwordRole, targetOf } from './estimateFixtures';

const ROLE = 'lockstep_password_role';

async function failure(url: string, password?: string): Promise<DatabaseError> {
  const resolved = resolveTarget({ argumentUrl: url, env: {}, password });
  assert.ok(resolved.ok, url);
  try {
    const session = await ReadOnlySession.open(resolved.target);
    await session.close();
  } catch (error) {
    assert.ok(error instanceof DatabaseError, `a DatabaseError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error;
  }
  assert.fail(`connecting to ${url} should have failed`);
}

/** A port that refuses connections: bound and closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('database connection failures', function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let undo: () => Promise<void>;

  before(async () => {
    cluster = await sharedCluster(18);
    undo = await passwordRole(cluster, ROLE, 'right-password');
  });
  after(() => undo?.());

  it('a closed port: connection refused', async () => {
    const port = await closedPort();
    const error = await failure(`postgres://${ROLE}@127.0.0.1:${port}/postgres?sslmode=disable`);
    assert.equal(error.kind, 'refused');
    assert.equal(error.message, `Connection refused by 127.0.0.1:${port}: no PostgreSQL server is listening there.`);
  });

  it('a wrong password: authentication failed', async () => {
    const error = await failure(`postgres://${ROLE}@127.0.0.1:${cluster.port}/postgres`, 'wrong-password');
    assert.equal(error.kind, 'auth');
    assert.equal(error.message, `Authentication failed for ${ROLE}@127.0.0.1:${cluster.port}/postgres: wrong password for user "${ROLE}".`);
  });

  it('no password where one is needed: says how to give one', async () => {
    const error = await failure(`postgres://${ROLE}@127.0.0.1:${cluster.port}/postgres`);
    assert.equal(error.kind, 'password-needed');
    assert.match(error.message, /asks for a password and none is stored: run "Lockstep: Connect to Database"/);
  });

  it('the right password connects, read-only', async () => {
    const session = await ReadOnlySession.open(targetOf(`postgres://${ROLE}:right-password@127.0.0.1:${cluster.port}/postgres`));
    try {
      assert.equal(session.server.user, ROLE);
      assert.equal(session.server.major, 18);
    } finally {
      await session.close();
    }
  });

  it('a server that never answers: a timeout after connect_timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      // The silent server never answers: only connect_timeout can end this (mocha's timeout would fail it).
      const error = await failure(`postgres://x@127.0.0.1:${port}/db?connect_timeout=1&sslmode=disable`);
      assert.equal(error.kind, 'timeout');
      assert.equal(error.message, `Timed out connecting to 127.0.0.1:${port}: the server did not answer within 1 s.`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('sslmode: require fails clearly on a server without TLS; prefer falls back; disable never tries', async () => {
    const base = `postgres://lockstep@127.0.0.1:${cluster.port}/postgres`;
    const error = await failure(`${base}?sslmode=require`);
    assert.equal(error.kind, 'ssl');
    assert.equal(error.message, `127.0.0.1:${cluster.port} does not accept TLS connections, and sslmode=require demands TLS.`);
    assert.equal((await failure(`${base}?sslmode=verify-full`)).kind, 'ssl');
    for (const mode of ['prefer', 'disable', 'allow']) {
      const session = await ReadOnlySession.open(targetOf(`${base}?sslmode=${mode}`));
      await session.close();
    }
  });

  it('an unknown database', async () => {
    const error = await failure(`postgres://lockstep@127.0.0.1:${cluster.port}/no_such_db`);
    assert.equal(error.kind, 'database');
    assert.match(error.message, /The database does not exist on 127\.0\.0\.1:\d+: database "no_such_db" does not exist\./);
  });
});
