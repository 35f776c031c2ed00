/**
 * The estimator's database session: read-only, short timeouts, `application_name = lockstep`.
 * It runs only the named catalog/statistics queries of queries.ts, each in its own autocommit
 * (read-only) transaction, so whatever ACCESS SHARE lock a query takes is released at once.
 * Opening it fails — and closes the connection — unless the server confirms the safety settings.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { classifyError, DatabaseError } from './errors';
import { QUERIES, SESSION_SETUP, type QueryName } from './queries';
import type { ConnectionTarget } from './target';

export const APPLICATION_NAME = 'lockstep';

export interface SessionLimits {
  /** Any one catalog query is cancelled after this long. */
  statementTimeoutMs: number;
  /** The size functions wait at most this long for ACCESS SHARE on a busy relation, then give up. */
  lockTimeoutMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { statementTimeoutMs: 3000, lockTimeoutMs: 100 };
/**
 * The client's own limit per query: the server's statement_timeout plus this grace. A server that
 * stops answering (network gone, a proxy holding the socket) cannot hold a request forever.
 */
export const QUERY_GRACE_MS = 2000;
/** How long a polite close may take before the socket is destroyed. */
export const CLOSE_TIMEOUT_MS = 1000;

export interface ServerIdentity {
  versionNum: number;
  version: string;
  major: number;
  database: string;
  user: string;
  blockSize: number;
  inRecovery: boolean;
  /** Our own backend, so lock samples can tell the estimator apart. */
  pid: number;
}

type Row = Record<string, unknown>;

export class ReadOnlySession {
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    readonly target: ConnectionTarget,
    readonly server: ServerIdentity,
    private readonly limits: SessionLimits,
  ) {
    client.on('error', () => {
      // The server went away (restart, terminate): later queries fail with a clear message.
      this.closed = true;
    });
    client.on('end', () => (this.closed = true));
  }

  static async open(target: ConnectionTarget, limits: SessionLimits = DEFAULT_LIMITS): Promise<ReadOnlySession> {
    // One deadline for everything up to a usable session: TCP, TLS negotiation, `prefer`'s retry
    // without TLS, authentication and the setup queries.
    const deadline = Date.now() + target.connectTimeoutSeconds * 1000;
    const client = await connectWithSsl(target, deadline, limits);
    try {
      const remaining = () => Math.max(1, deadline - Date.now());
      await withDeadline(client.query(SESSION_SETUP(limits)), remaining(), () => timedOut(target));
      const { rows } = await withDeadline(client.query(QUERIES.server), remaining(), () => timedOut(target));
      const row = rows[0] as Row;
      // Belt and braces: refuse to go on unless the server itself says the session cannot write.
      if (row.default_read_only !== 'on' || row.read_only !== 'on') {
        throw new DatabaseError('unsafe', 'The server did not accept default_transaction_read_only = on, so Lockstep will not use this connection.');
      }
      const versionNum = Number(row.version_num);
      const server: ServerIdentity = {
        versionNum,
        version: String(row.version),
        major: Math.floor(versionNum / 10000),
        database: String(row.database),
        user: String(row.user),
        blockSize: Number(row.block_size),
        inRecovery: row.in_recovery === true,
        pid: Number(row.pid),
      };
      return new ReadOnlySession(client, target, server, limits);
    } catch (error) {
      await endClient(client);
      throw classifyError(error, target);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one of the fixed catalog queries; never any other text. */
  async run(name: QueryName, params: unknown[] = []): Promise<Row[]> {
    if (this.closed) throw new DatabaseError('refused', 'The database connection was closed; connect again.');
    try {
      const result = await this.client.query(QUERIES[name], params);
      return result.rows as Row[];
    } catch (error) {
      if (/Query read timeout/.test(String((error as Error)?.message))) {
        // The server stopped answering: this connection is of no further use.
        void this.close();
        const seconds = (this.limits.statementTimeoutMs + QUERY_GRACE_MS) / 1000;
        throw new DatabaseError('timeout', `${this.target.host}:${this.target.port} did not answer a catalog query within ${seconds} s; the connection was closed.`);
      }
      throw classifyError(error, this.target);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await endClient(this.client);
  }
}

/** `end()` waits for the server's goodbye; a server that never sends it gets its socket destroyed. */
async function endClient(client: pg.Client): Promise<void> {
  const ended = client.end().catch(() => undefined);
  const destroy = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  await withDeadline(ended, CLOSE_TIMEOUT_MS, () => {
    destroy();
    return undefined;
  }).catch(() => undefined);
}

/** Settles with `promise`, or rejects with `onTimeout()` once `ms` have passed (never both). */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const outcome = onTimeout();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome as T);
    }, ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function timedOut(target: ConnectionTarget): DatabaseError {
  return new DatabaseError('timeout', `Timed out connecting to ${target.host}:${target.port}: the server did not answer within ${target.connectTimeoutSeconds} s.`);
}

async function connectWithSsl(target: ConnectionTarget, deadline: number, limits: SessionLimits): Promise<pg.Client> {
  try {
    return await connectBySslMode(target, deadline, limits);
  } catch (error) {
    if (/error establishing an SSL connection/.test(String((error as Error)?.message))) {
      throw new DatabaseError(
        'ssl',
        `${target.host}:${target.port} answered the TLS request with something other than PostgreSQL's "S" or "N": it is not a PostgreSQL server, or a proxy is in the way.`,
      );
    }
    throw classifyError(error, target);
  }
}

/** pg's TLS options for a libpq sslmode; `prefer` and `allow` retry the other way, as libpq does. */
async function connectBySslMode(target: ConnectionTarget, deadline: number, limits: SessionLimits): Promise<pg.Client> {
  const connect = (t: ConnectionTarget, ssl: pg.ClientConfig['ssl']) => connectOnce(t, ssl, deadline, limits);
  const tls = (): pg.ClientConfig['ssl'] => {
    const ca = target.sslrootcert ? readCa(target.sslrootcert) : undefined;
    if (target.sslmode === 'verify-full') return { rejectUnauthorized: true, ca, servername: target.host };
    if (target.sslmode === 'verify-ca') return { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
    // libpq's `require` verifies the chain only when a root certificate is given.
    return ca ? { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
  };
  switch (target.sslmode) {
    case 'disable':
      return connect(target, false);
    case 'allow':
      try {
        return await connect(target, false);
      } catch (error) {
        if (!/no encryption|SSL/i.test(String((error as Error)?.message))) throw error;
        return connect(target, tls());
      }
    case 'prefer':
      try {
        return await connect(target, tls());
      } catch (error) {
        if (!/does not support SSL/i.test(String((error as Error)?.message))) throw error;
        return connect(target, false);
      }
    default:
      return connect(target, tls());
  }
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatabaseError('ssl', `Cannot read the root certificate ${path}: ${(error as Error).message}.`);
  }
}

async function connectOnce(target: ConnectionTarget, ssl: pg.ClientConfig['ssl'], deadline: number, limits: SessionLimits): Promise<pg.Client> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw timedOut(target);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    // A function, not `undefined`: pg would otherwise fall back to PGPASSWORD and ~/.pgpass itself,
    // and which host may get the environment's password is decided in target.ts, not here.
    password: async () => {
      if (target.password === undefined) throw new Error('no password is stored for this connection');
      return target.password;
    },
    ssl,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: remaining,
    query_timeout: limits.statementTimeoutMs + QUERY_GRACE_MS,
  });
  client.on('error', () => undefined);
  try {
    // pg's own connectionTimeoutMillis covers the TCP connect; this covers TLS and authentication too.
    await withDeadline(client.connect(), remaining, () => timedOut(target));
    return client;
  } catch (error) {
    await endClient(client);
    throw error;
  }
}
