/**
 * A streaming standby of a private test cluster, built from the embedded binaries alone. They ship
 * initdb, pg_ctl and postgres but no pg_basebackup, so the base backup is taken the way the
 * PostgreSQL manual's "Making a Base Backup Using the Low Level API" describes: start the backup on
 * one session, copy the data folder here, stop the backup on that same session and write the
 * backup_label it returns. The standby then streams from the primary over loopback, through a
 * physical replication slot that keeps every WAL segment it still needs.
 */
import * as fs from 'fs';
import * as path from 'path';
import type pg from 'pg';
import { startCluster, type PgCluster, type PgMajor } from './pgCluster';

/** What a primary needs to serve a standby (wal_level=replica is the default since PostgreSQL 10; said here on purpose). */
export const PRIMARY_SETTINGS: Record<string, string> = { wal_level: 'replica', max_wal_senders: '4', max_replication_slots: '4' };

const REPLICATION_ROLE = 'lockstep_replicator';
const STREAMING_TIMEOUT_MS = 180_000;
const STANDBY_READY_TIMEOUT_MS = 180_000;

/**
 * Top-level entries never copied into a base backup, or copied as empty folders (the manual's list:
 * the server recreates their contents; WAL comes from streaming).
 */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'backup_manifest', 'standby.signal', 'recovery.signal', 'current_logfiles']);
const EMPTIED_FOLDERS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

export function startPrimary(major: PgMajor, settings: Record<string, string> = {}): Promise<PgCluster> {
  return startCluster(major, { settings: { ...PRIMARY_SETTINGS, ...settings } });
}

export interface StandbyOptions {
  /** The standby's `application_name` in the primary's pg_stat_replication, and its slot's name. */
  name: string;
  /** Server settings of the standby, e.g. `wal_receiver_status_interval`. */
  settings?: Record<string, string>;
}

/**
 * Start a hot standby of `primary` (started with `startPrimary`) and return once the primary's
 * pg_stat_replication shows it streaming. Its `stop()` also drops its replication slot.
 */
export async function startStandby(primary: PgCluster, options: StandbyOptions): Promise<PgCluster> {
  const admin = await primary.client();
  try {
    await allowReplication(primary, admin);
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [options.name]);
    const standby = await startCluster(primary.version as PgMajor, {
      settings: { hot_standby: 'on', ...options.settings },
      readyTimeoutMs: STANDBY_READY_TIMEOUT_MS,
      fillDataDir: (dataDir) => baseBackup(primary, dataDir, options.name),
    }).catch(async (error) => {
      await admin.query('SELECT pg_drop_replication_slot($1)', [options.name]).catch(() => undefined);
      throw error;
    });
    await waitUntilStreaming(admin, options.name).catch(async (error) => {
      await standby.stop();
      throw error;
    });
    return {
      ...standby,
      async stop() {
        await standby.stop();
        const c = await primary.client().catch(() => undefined);
        await c?.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [options.name]).catch(() => undefined);
        await c?.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/** A role allowed to replicate, and a pg_hba.conf line (first, so it is the one that matches) letting it in over loopback. */
async function allowReplication(primary: PgCluster, admin: pg.Client): Promise<void> {
  const level = (await admin.query('SHOW wal_level')).rows[0].wal_level;
  if (level === 'minimal') throw new Error('the primary runs with wal_level=minimal: start it with startPrimary()');
  await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${REPLICATION_ROLE}') THEN CREATE ROLE ${REPLICATION_ROLE} WITH REPLICATION LOGIN; END IF;
    END $$`);
  const hba = path.join(primary.dataDir, 'pg_hba.conf');
  const line = `host replication ${REPLICATION_ROLE} 127.0.0.1/32 trust\n`;
  const text = fs.readFileSync(hba, 'utf8');
  if (!text.includes(line)) {
    fs.writeFileSync(hba, line + text); // in place: the file keeps its owner (the server's user)
    await admin.query('SELECT pg_reload_conf()');
  }
}

/** The low-level backup API: its start and stop must run on one session, which stays open in between. */
async function baseBackup(primary: PgCluster, dataDir: string, name: string): Promise<void> {
  const session = await primary.client();
  try {
    const version = Number((await session.query("SELECT current_setting('server_version_num') AS v")).rows[0].v);
    const modern = version >= 150000;
    // fast checkpoint; before 15, non-exclusive mode (the third argument).
    await session.query(modern ? 'SELECT pg_backup_start($1, true)' : 'SELECT pg_start_backup($1, true, false)', [`lockstep standby ${name}`]);
    copyDataDir(primary.dataDir, dataDir);
    const stop = await session.query(
      modern ? 'SELECT labelfile, spcmapfile FROM pg_backup_stop(false)' : 'SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)',
    );
    const { labelfile, spcmapfile } = stop.rows[0] as { labelfile: string; spcmapfile: string | null };
    fs.writeFileSync(path.join(dataDir, 'backup_label'), labelfile, { mode: 0o600 });
    if (spcmapfile) fs.writeFileSync(path.join(dataDir, 'tablespace_map'), spcmapfile, { mode: 0o600 });
  } finally {
    await session.end();
  }
  // PostgreSQL 12+: standby.signal, and the recovery settings in postgresql.auto.conf.
  fs.writeFileSync(path.join(dataDir, 'standby.signal'), '', { mode: 0o600 });
  const conninfo = `host=127.0.0.1 port=${primary.port} user=${REPLICATION_ROLE} application_name=${name}`;
  fs.appendFileSync(path.join(dataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\nprimary_slot_name = '${name}'\n`);
}

/** Copy the primary's data folder while the backup runs: files may change (replay of the WAL fixes them) or vanish (skipped). */
function copyDataDir(from: string, to: string): void {
  const tablespaces = safeList(path.join(from, 'pg_tblspc'));
  if (tablespaces.length) throw new Error(`the primary has tablespaces (${tablespaces.join(', ')}); this helper copies only the data folder`);
  for (const entry of safeList(from)) {
    if (SKIPPED_FILES.has(entry)) continue;
    const source = path.join(from, entry);
    if (EMPTIED_FOLDERS.has(entry)) fs.mkdirSync(path.join(to, entry), { mode: 0o700 });
    else copyEntry(source, path.join(to, entry));
  }
  fs.mkdirSync(path.join(to, 'pg_wal', 'archive_status'), { mode: 0o700 });
}

function copyEntry(source: string, target: string): void {
  const name = path.basename(source);
  if (name.startsWith('pgsql_tmp') || name === 'pg_internal.init') return;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(source);
  } catch {
    return; // dropped while copying
  }
  if (stat.isDirectory()) {
    fs.mkdirSync(target, { mode: 0o700 });
    for (const entry of safeList(source)) copyEntry(path.join(source, entry), path.join(target, entry));
  } else if (stat.isFile()) {
    try {
      fs.copyFileSync(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

async function waitUntilStreaming(admin: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + STREAMING_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", [name]);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`standby ${name} was not streaming after ${STREAMING_TIMEOUT_MS / 1000} s (pg_stat_replication on the primary)`);
}
