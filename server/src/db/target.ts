/**
 * Where the estimator connects: a `postgres://` URL from the editor setting or the CLI, the
 * libpq environment variables (PGHOST, PGPORT, …), or DATABASE_URL — in that order.
 * Pure (no `pg`, no file access), so the VS Code client can use it to name the connection and
 * to key the password it keeps in SecretStorage.
 */

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export type TargetSource = 'setting' | 'argument' | 'PG environment variables' | 'DATABASE_URL';

export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** libpq's default is `prefer`: TLS when the server offers it, plain otherwise. */
  sslmode: SslMode;
  /** CA file for verify-ca / verify-full (`sslrootcert=` or PGSSLROOTCERT). */
  sslrootcert?: string;
  /** Seconds to wait for the connection (`connect_timeout=` or PGCONNECT_TIMEOUT); default 5. */
  connectTimeoutSeconds: number;
  password?: string;
  source: TargetSource;
}

export type TargetResult = { ok: true; target: ConnectionTarget } | { ok: false; message: string };

export interface TargetInput {
  /** `lockstep.database.url` (never allowed to carry a password) … */
  settingUrl?: string;
  /** … or `lockstep estimate --db <url>` (may carry one: the user typed it). */
  argumentUrl?: string;
  env: Record<string, string | undefined>;
  /** From SecretStorage (editor) — wins over PGPASSWORD. */
  password?: string;
  /**
   * May PGPASSWORD be sent to the host a settings URL names? Only when the user set that URL
   * themselves: a workspace's settings are often committed, and a hostile repository could name
   * its own host to collect the password of whoever opens it. Default: no.
   */
  envPasswordForSetting?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_S = 5;

/** Settings are plain JSON files, often committed: a password there is refused, not used. */
export const PASSWORD_IN_SETTING =
  'lockstep.database.url contains a password. Settings are stored in plain text, so Lockstep does not use it: ' +
  'remove the password from the URL and run "Lockstep: Connect to Database", which keeps it in VS Code\'s secret storage.';

export function resolveTarget(input: TargetInput): TargetResult {
  const env = input.env;
  const setting = input.settingUrl?.trim();
  if (setting) {
    const parsed = parseUrl(setting, 'setting', env);
    if (!parsed.ok) return { ok: false, message: `lockstep.database.url: ${parsed.message}` };
    if (parsed.target.password !== undefined) return { ok: false, message: PASSWORD_IN_SETTING };
    return withPassword(parsed.target, input.password ?? (input.envPasswordForSetting ? env.PGPASSWORD : undefined));
  }
  const argument = input.argumentUrl?.trim();
  if (argument) {
    const parsed = parseUrl(argument, 'argument', env);
    if (!parsed.ok) return { ok: false, message: `--db: ${parsed.message}` };
    return withPassword(parsed.target, parsed.target.password ?? input.password ?? env.PGPASSWORD);
  }
  if (env.PGHOST || env.PGHOSTADDR || env.PGDATABASE || env.PGPORT) {
    const fromEnv = targetFromEnv(env);
    if (!fromEnv.ok) return fromEnv;
    return withPassword(fromEnv.target, input.password ?? env.PGPASSWORD);
  }
  if (env.DATABASE_URL?.trim()) {
    const parsed = parseUrl(env.DATABASE_URL.trim(), 'DATABASE_URL', env);
    if (!parsed.ok) return { ok: false, message: `DATABASE_URL: ${parsed.message}` };
    return withPassword(parsed.target, parsed.target.password ?? input.password ?? env.PGPASSWORD);
  }
  return { ok: false, message: NO_TARGET };
}

/** Nothing names a database (the CLI words its own hint about --db). */
export const NO_TARGET = 'No database configured: set lockstep.database.url, or the PGHOST/PGDATABASE environment variables, or DATABASE_URL.';

function withPassword(target: ConnectionTarget, password: string | undefined): TargetResult {
  return { ok: true, target: password === undefined || password === '' ? { ...target, password: undefined } : { ...target, password } };
}

function defaultUser(env: Record<string, string | undefined>): string {
  return env.PGUSER || env.USER || env.LOGNAME || 'postgres';
}

function targetFromEnv(env: Record<string, string | undefined>): TargetResult {
  const user = defaultUser(env);
  const common = commonOptions(
    { sslmode: env.PGSSLMODE, sslrootcert: env.PGSSLROOTCERT, connect_timeout: env.PGCONNECT_TIMEOUT, port: env.PGPORT },
    (key) => `PG${key.toUpperCase()}`,
  );
  if (!common.ok) return common;
  return {
    ok: true,
    target: {
      host: env.PGHOSTADDR || env.PGHOST || 'localhost',
      database: env.PGDATABASE || user,
      user,
      ...common.options,
      source: 'PG environment variables',
    },
  };
}

type Common = Pick<ConnectionTarget, 'port' | 'sslmode' | 'sslrootcert' | 'connectTimeoutSeconds'>;

function commonOptions(
  raw: { sslmode?: string; sslrootcert?: string; connect_timeout?: string; port?: string },
  name: (key: 'sslmode' | 'port' | 'connect_timeout') => string,
): { ok: true; options: Common } | { ok: false; message: string } {
  const sslmode = (raw.sslmode || 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslmode)) return { ok: false, message: `${name('sslmode')} must be one of ${SSL_MODES.join(', ')}, got "${raw.sslmode}"` };
  const port = raw.port ? Number(raw.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: `${name('port')} must be a port number, got "${raw.port}"` };
  const timeout = raw.connect_timeout ? Number(raw.connect_timeout) : DEFAULT_CONNECT_TIMEOUT_S;
  if (!Number.isFinite(timeout) || timeout < 0) {
    return { ok: false, message: `${name('connect_timeout')} must be a number of seconds, got "${raw.connect_timeout}"` };
  }
  // libpq treats 0 as "wait forever"; an editor must never hang on a dead host.
  const connectTimeoutSeconds = timeout === 0 ? DEFAULT_CONNECT_TIMEOUT_S : Math.max(1, timeout);
  return { ok: true, options: { port, sslmode, sslrootcert: raw.sslrootcert || undefined, connectTimeoutSeconds } };
}

/** `postgres://user:password@host:port/db?sslmode=require` (libpq's URI form). */
export function parseUrl(url: string, source: TargetSource, env: Record<string, string | undefined> = {}): TargetResult {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    return { ok: false, message: 'expected a URL such as postgres://user@host:5432/dbname (key=value connection strings are not supported)' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'not a valid URL' };
  }
  const query = Object.fromEntries(parsed.searchParams);
  const common = commonOptions(
    {
      sslmode: query.sslmode ?? env.PGSSLMODE,
      sslrootcert: query.sslrootcert ?? env.PGSSLROOTCERT,
      connect_timeout: query.connect_timeout ?? env.PGCONNECT_TIMEOUT,
      port: parsed.port || undefined,
    },
    (key) => (key === 'port' ? 'the port' : `URL parameter ${key}`),
  );
  if (!common.ok) return common;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = parsed.username ? decode(parsed.username) : query.user ?? defaultUser(env);
  // `host=` in the query is how libpq URLs name a Unix socket folder; we only speak TCP.
  const host = parsed.hostname ? decode(parsed.hostname).replace(/^\[|\]$/g, '') : query.host ?? env.PGHOST ?? 'localhost';
  const database = decode(parsed.pathname.replace(/^\//, '')) || query.dbname || user;
  const password = parsed.password ? decode(parsed.password) : query.password;
  return { ok: true, target: { host, database, user, ...common.options, password, source } };
}

/** `user@host:port/db` — what messages, the status bar and the report call the connection. */
export function describeTarget(target: Pick<ConnectionTarget, 'user' | 'host' | 'port' | 'database'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${target.port}/${target.database}`;
}

/** The SecretStorage key of a connection's password: one per user, host, port and database. */
export function secretKeyOf(target: Pick<ConnectionTarget, 'user' | 'host' | 'port' | 'database'>): string {
  return `lockstep.database.password:${describeTarget(target)}`;
}

/** Does this URL carry a password (so it must not be saved in settings)? */
export function urlHasPassword(url: string): boolean {
  const parsed = parseUrl(url.trim(), 'setting');
  return parsed.ok && parsed.target.password !== undefined;
}
