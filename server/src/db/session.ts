/**
 * The estimator's database session: read-only, short timeouts, `application_name = lockstep`.
 * It runs only the named catalog/statistics queries of queries.ts, each in its own autocommit
 * (read-only) transaction, so whatever ACCESS SHARE lock a query takes is released at once.
 * Opening it fails — and closes the connection — unless the server confirms the safety settings.
 */
import type pg from 'pg';
import { connectClient, endClient, timedOut, withDeadline } from './connect';
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
    const client = await connectClient(target, deadline, { applicationName: APPLICATION_NAME, queryTimeoutMs: limits.statementTimeoutMs + QUERY_GRACE_MS });
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
