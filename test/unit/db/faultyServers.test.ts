import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { DatabaseError } from '../../../server/src/db/errors';
import { ReadOnlySession } from '../../../server/src/db/session';
import type { ConnectionTarget, SslMode } from '../../../server/src/db/target';
import { startFakePg } from '../../support/fakePg';

type Behaviour = (socket: Socket) => void;

/** A listener on 127.0.0.1 that treats every connection as `behaviour` says. */
async function faultyServer(behaviour: Behaviour): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    behaviour(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, sockets };
}

async function stop(s: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

function target(port: number, sslmode: SslMode = 'prefer'): ConnectionTarget {
  return { host: '127.0.0.1', port, database: 'app', user: 'reader', sslmode, connectTimeoutSeconds: 1, source: 'argument', password: 'pw' };
}

/** Opening must reject (never hang, never succeed) with one DatabaseError. */
async function openFails(t: ConnectionTarget): Promise<DatabaseError> {
  try {
    const session = await ReadOnlySession.open(t);
    await session.close();
  } catch (error) {
    assert.ok(error instanceof DatabaseError, `not a DatabaseError: ${String(error)}`);
    return error;
  }
  throw new Error('connected to a faulty server');
}

describe('connecting to faulty servers on 127.0.0.1 gives one clear error', function () {
  // Each case resolves within the 1 s connect timeout plus the close grace; mocha's limit only guards a hang.
  this.timeout(15_000);

  it('refused: nothing listens on the port', async () => {
    const s = await faultyServer(() => undefined);
    const port = (s.server.address() as { port: number }).port;
    await stop(s);
    const error = await openFails(target(port));
    assert.equal(error.kind, 'refused');
    assert.equal(error.message, `Connection refused by 127.0.0.1:${port}: no PostgreSQL server is listening there.`);
  });

  it('accepts and stays silent', async () => {
    const s = await faultyServer(() => undefined);
    try {
      const error = await openFails(target(s.port));
      assert.equal(error.kind, 'timeout');
      assert.equal(error.message, `Timed out connecting to 127.0.0.1:${s.port}: the server did not answer within 1 s.`);
    } finally {
      await stop(s);
    }
  });

  it('answers the TLS request with N, then stays silent (sslmode=prefer)', async () => {
    const s = await faultyServer((socket) => socket.once('data', () => socket.write('N')));
    try {
      const error = await openFails(target(s.port, 'prefer'));
      assert.equal(error.kind, 'timeout');
      assert.equal(error.message, `Timed out connecting to 127.0.0.1:${s.port}: the server did not answer within 1 s.`);
    } finally {
      await stop(s);
    }
  });

  it('answers the TLS request with garbage and keeps the socket open', async () => {
    const s = await faultyServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    try {
      const error = await openFails(target(s.port, 'prefer'));
      assert.equal(error.kind, 'ssl');
      assert.equal(error.message, `127.0.0.1:${s.port} answered the TLS request with something other than PostgreSQL's "S" or "N": it is not a PostgreSQL server, or a proxy is in the way.`);
    } finally {
      await stop(s);
    }
  });

  it('answers garbage to a plain startup (sslmode=disable)', async () => {
    const s = await faultyServer((socket) => socket.once('data', () => socket.write(Buffer.from('garbage!garbage!garbage!'))));
    try {
      const error = await openFails(target(s.port, 'disable'));
      assert.equal(error.kind, 'timeout');
      assert.equal(error.message, `Timed out connecting to 127.0.0.1:${s.port}: the server did not answer within 1 s.`);
    } finally {
      await stop(s);
    }
  });

  it('closes the connection at once', async () => {
    const s = await faultyServer((socket) => socket.destroy());
    try {
      const error = await openFails(target(s.port));
      assert.equal(error.kind, 'refused');
      assert.match(error.message, new RegExp(`^127\\.0\\.0\\.1:${s.port} closed the connection`));
    } finally {
      await stop(s);
    }
  });
});

describe('a session whose server stops answering', function () {
  this.timeout(20_000);

  it('fails a query that gets no answer after statement_timeout plus the grace, and closes a socket the server never closes', async () => {
    const fake = await startFakePg({ silentAfterSetup: true, ignoreTerminate: true });
    try {
      const session = await ReadOnlySession.open(target(fake.port, 'disable'), { statementTimeoutMs: 200, lockTimeoutMs: 100 });
      assert.equal(session.server.version, '18.4');
      assert.deepEqual(fake.passwords, ['pw']);
      await assert.rejects(session.run('relations', [['t']]), { name: 'DatabaseError', message: `127.0.0.1:${fake.port} did not answer a catalog query within 2.2 s; the connection was closed.` });
      // The server ignores Terminate: close() must still resolve, destroying the socket.
      await session.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(fake.openSockets(), 0);
    } finally {
      await fake.stop();
    }
  });
});
