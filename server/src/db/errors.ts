/**
 * Turns whatever node-postgres or the network throws into one sentence a user can act on.
 * Every failure to reach the database ends up here, so the editor and the CLI say the same thing.
 */
import { describeTarget, type ConnectionTarget } from './target';

export type DatabaseErrorKind =
  | 'refused'
  | 'host'
  | 'timeout'
  | 'auth'
  | 'password-needed'
  | 'database'
  | 'ssl'
  | 'unsafe'
  | 'busy'
  | 'cancelled'
  | 'other';

export class DatabaseError extends Error {
  constructor(
    readonly kind: DatabaseErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

interface ErrorLike {
  code?: string;
  message?: string;
  errors?: unknown[];
}

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** One clear message for a failure to connect (or of a query on the estimator's session). */
export function classifyError(error: unknown, target?: Pick<ConnectionTarget, 'user' | 'host' | 'port' | 'database' | 'sslmode'>): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  // Node 20 reports a refused dual-stack `localhost` as an AggregateError of per-address errors.
  const inner = Array.isArray(e.errors) && e.errors.length ? (e.errors[0] as ErrorLike) : undefined;
  const code = e.code ?? inner?.code ?? '';
  const text = e.message || inner?.message || String(error);
  const where = target ? describeTarget(target) : 'the database';
  const host = target ? `${target.host}:${target.port}` : 'the server';

  // SQLSTATEs first: the server said exactly what went wrong.
  switch (code) {
    case '28P01':
      return new DatabaseError('auth', `Authentication failed for ${where}: wrong password for user "${target?.user ?? '?'}".`);
    case '28000':
      return new DatabaseError('auth', `Authentication failed for ${where}: ${firstLine(text)}.`);
    case '3D000':
      return new DatabaseError('database', `The database does not exist on ${host}: ${firstLine(text)}.`);
    case '53300':
      return new DatabaseError('busy', `${host} refused the connection: too many connections.`);
    case '57P03':
      return new DatabaseError('busy', `${host} is starting up or shutting down; try again shortly.`);
    case '57014':
      return new DatabaseError('timeout', `A catalog query on ${where} ran past the estimator's statement_timeout and was cancelled.`);
    case '55P03':
      return new DatabaseError('busy', `A relation on ${where} is locked by another session; the estimator gave up after its lock_timeout rather than wait.`);
  }
  if (code === 'ECONNREFUSED') return new DatabaseError('refused', `Connection refused by ${host}: no PostgreSQL server is listening there.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DatabaseError('host', `Unknown host "${target?.host ?? '?'}": the name does not resolve.`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new DatabaseError('host', `${host} is unreachable from this machine.`);
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(text)) {
    const within = target && 'connectTimeoutSeconds' in target ? `within ${(target as { connectTimeoutSeconds: number }).connectTimeoutSeconds} s` : 'in time';
    return new DatabaseError('timeout', `Timed out connecting to ${host}: the server did not answer ${within}.`);
  }
  if (/client password must be a string|password authentication failed|no password/i.test(text)) {
    return new DatabaseError('password-needed', `${where} asks for a password and none is stored: run "Lockstep: Connect to Database" (or set PGPASSWORD for the CLI).`);
  }
  if (/does not support SSL/i.test(text)) {
    return new DatabaseError('ssl', `${host} does not accept TLS connections, and sslmode=${target?.sslmode ?? 'require'} demands TLS.`);
  }
  if (CERTIFICATE_CODES.test(code) || /certificate|self[- ]signed|SSL|TLS/i.test(text)) {
    return new DatabaseError('ssl', `TLS to ${host} failed (sslmode=${target?.sslmode ?? '?'}): ${firstLine(text)}.`);
  }
  if (/Connection terminated|ECONNRESET|socket hang up/i.test(text) || code === 'ECONNRESET') {
    return new DatabaseError('refused', `${host} closed the connection: ${firstLine(text)}.`);
  }
  return new DatabaseError('other', `Could not use ${where}: ${firstLine(text)}.`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].replace(/\.$/, '');
}
