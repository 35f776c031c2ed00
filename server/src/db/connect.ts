/**
 * Opening a node-postgres client the way libpq would (sslmode, sslrootcert, connect_timeout), with
 * one deadline over TCP, TLS and authentication. The estimator's read-only session and `lockstep
 * run`'s sessions both connect through here, so both say the same thing when a server misbehaves.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { classifyError, DatabaseError } from './errors';
import type { ConnectionTarget } from './target';

/**
 * pg, loaded on the first connection: the language server and the CLI start without it (its module
 * graph, and the undici fetch stack its runtime check pulls in, cost tens of ms at every start).
 */
function pgModule(): typeof pg {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pg') as typeof pg;
}

/** How long a polite close may take before the socket is destroyed. */
export const CLOSE_TIMEOUT_MS = 1000;

export interface ClientOptions {
  applicationName: string;
  /** The client's own limit per query (undefined: none — a migration statement may run for hours). */
  queryTimeoutMs?: number;
}

/** `end()` waits for the server's goodbye; a server that never sends it gets its socket destroyed. */
export async function endClient(client: pg.Client): Promise<void> {
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

export function timedOut(target: ConnectionTarget): DatabaseError {
  return new DatabaseError('timeout', `Timed out connecting to ${target.host}:${target.port}: the server did not answer within ${target.connectTimeoutSeconds} s.`);
}

export async function connectClient(target: ConnectionTarget, deadline: number, options: ClientOptions): Promise<pg.Client> {
  try {
    return await connectBySslMode(target, deadline, options);
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
async function connectBySslMode(target: ConnectionTarget, deadline: number, options: ClientOptions): Promise<pg.Client> {
  const connect = (t: ConnectionTarget, ssl: pg.ClientConfig['ssl']) => connectOnce(t, ssl, deadline, options);
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

async function connectOnce(target: ConnectionTarget, ssl: pg.ClientConfig['ssl'], deadline: number, options: ClientOptions): Promise<pg.Client> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw timedOut(target);
  const client = new (pgModule().Client)({
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
    application_name: options.applicationName,
    connectionTimeoutMillis: remaining,
    query_timeout: options.queryTimeoutMs,
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
