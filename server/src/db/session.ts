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
  ) {
    client.on('error', () => {
      // The server went away (restart, terminate): later queries fail with a clear message.
      this.closed = true;
    });
    client.on('end', () => (this.closed = true));
  }

  static async open(target: ConnectionTarget, limits: SessionLimits = DEFAULT_LIMITS): Promise<ReadOnlySession> {
    const client = await connectWithSsl(target);
    try {
      await client.query(SESSION_SETUP(limits));
      const { rows } = await client.query(QUERIES.server);
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
      return new ReadOnlySession(client, target, server);
    } catch (error) {
      await client.end().catch(() => undefined);
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
      throw classifyError(error, this.target);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }
}

async function connectWithSsl(target: ConnectionTarget): Promise<pg.Client> {
  try {
    return await connectBySslMode(target);
  } catch (error) {
    throw classifyError(error, target);
  }
}

/** pg's TLS options for a libpq sslmode; `prefer` and `allow` retry the other way, as libpq does. */
async function connectBySslMode(target: ConnectionTarget): Promise<pg.Client> {
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

async function connect(target: ConnectionTarget, ssl: pg.ClientConfig['ssl']): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    ssl,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
