/**
 * A tiny PostgreSQL wire-protocol server on 127.0.0.1 for fault tests: it refuses TLS, asks for a
 * cleartext password (and records it), answers the estimator's session setup and identity query,
 * and can be told to go silent on queries or to ignore Terminate. Text results only.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakePgOptions {
  /** Never answer a query after the identity query (a server that stops responding mid-session). */
  silentAfterSetup?: boolean;
  /** Keep the socket open after the client's Terminate (a close that never completes). */
  ignoreTerminate?: boolean;
}

export interface FakePg {
  port: number;
  /** Every password a client sent. */
  passwords: string[];
  /** Sockets still open (a destroyed one is removed). */
  openSockets(): number;
  stop(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const cstr = (s: string) => Buffer.from(`${s}\0`, 'utf8');

const IDENTITY: Record<string, string> = {
  version_num: '180004',
  version: '18.4',
  database: 'app',
  user: 'reader',
  block_size: '8192',
  default_read_only: 'on',
  read_only: 'on',
  statement_timeout: '3s',
  lock_timeout: '100ms',
  application_name: 'lockstep',
  in_recovery: 'f',
  pid: '4242',
};

function rows(columns: Record<string, string>): Buffer {
  const names = Object.keys(columns);
  const description = message('T', Buffer.concat([int16(names.length), ...names.map((n) => Buffer.concat([cstr(n), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]))]));
  const data = message('D', Buffer.concat([int16(names.length), ...names.map((n) => Buffer.concat([int32(Buffer.byteLength(columns[n])), Buffer.from(columns[n])]))]));
  return Buffer.concat([description, data, message('C', cstr('SELECT 1'))]);
}
const ready = () => message('Z', Buffer.from('I'));

export async function startFakePg(options: FakePgOptions = {}): Promise<FakePg> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let started = false;
    let identified = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103) socket.write('N'); // SSLRequest
          else {
            started = true;
            socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
          }
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === 'p') {
          passwords.push(body.subarray(0, body.length - 1).toString('utf8'));
          socket.write(Buffer.concat([message('R', int32(0)), message('S', Buffer.concat([cstr('server_version'), cstr('18.4')])), message('K', Buffer.concat([int32(4242), int32(1)])), ready()]));
        } else if (type === 'Q') {
          const text = body.toString('utf8');
          if (/version_num/.test(text)) {
            identified = true;
            socket.write(Buffer.concat([rows(IDENTITY), ready()]));
          } else if (identified && options.silentAfterSetup) {
            // say nothing, ever
          } else {
            socket.write(Buffer.concat([message('C', cstr('SET')), ready()]));
          }
        } else if (type === 'X') {
          if (!options.ignoreTerminate) socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    passwords,
    openSockets: () => sockets.size,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
