/** Shared pieces of the real-PostgreSQL estimate suites: own databases on the shared clusters, sessions, sessions that get in the way. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../server/src/config/types';
import { estimateMigration } from '../../server/src/db/estimate';
import type { GatherOptions } from '../../server/src/db/gather';
import type { EstimateReport } from '../../server/src/db/report';
import { ReadOnlySession } from '../../server/src/db/session';
import { parseUrl, type ConnectionTarget } from '../../server/src/db/target';
import type { PgCluster } from '../support/pgCluster';

/** A fresh database of our own on a (possibly shared) cluster, with `setup` run in it (each string on its own: VACUUM refuses a transaction). */
export async function freshDatabase(cluster: PgCluster, name: string, ...setup: string[]): Promise<void> {
  const admin = await cluster.client();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  if (!setup.length) return;
  const db = await cluster.client(name);
  try {
    for (const sql of setup) await db.query(sql);
  } finally {
    await db.end();
  }
}

export async function dropDatabase(cluster: PgCluster, name: string): Promise<void> {
  const admin = await cluster.client();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function targetOf(url: string): ConnectionTarget {
  const parsed = parseUrl(url, 'argument');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.target;
}

export function openSession(cluster: PgCluster, db: string): Promise<ReadOnlySession> {
  return ReadOnlySession.open(targetOf(cluster.connectionString(db)));
}

/** One estimate through a session of its own, as the CLI does it. */
export async function estimateOn(cluster: PgCluster, db: string, sql: string, config: Partial<LockstepConfig> = {}, options: GatherOptions = {}): Promise<EstimateReport> {
  const session = await openSession(cluster, db);
  try {
    return await estimateMigration(session, { text: sql, config: { ...DEFAULT_CONFIG, ...config } }, options);
  } finally {
    await session.close();
  }
}

/** A client that identifies itself like an application would. */
export async function appClient(cluster: PgCluster, db: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: cluster.connectionString(db), application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Polls until `probe` returns something truthy (or fails after `ms`). */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A login role that must give a SCRAM password (the test clusters trust their superuser): a
 * pg_hba.conf line for that role alone, ahead of the trust lines. Returns the undo.
 */
export async function passwordRole(cluster: PgCluster, role: string, password: string): Promise<() => Promise<void>> {
  const hba = join(cluster.dataDir, 'pg_hba.conf');
  const original = readFileSync(hba, 'utf8');
  writeFileSync(hba, `host all ${role} 127.0.0.1/32 scram-sha-256\n${original}`);
  // The postmaster rereads pg_hba.conf when it gets to the SIGHUP: wait until a login without a
  // password shows the rules in force (refused while the role's line is there, let in once it is gone).
  const reload = async (passwordAsked: boolean) => {
    const admin = await cluster.client();
    try {
      await admin.query('SELECT pg_reload_conf()');
    } finally {
      await admin.end();
    }
    for (let tries = 0; (await asksPassword(cluster, role)) !== passwordAsked; tries++) {
      if (tries >= 600) throw new Error(`pg_hba.conf was not reloaded: ${role} ${passwordAsked ? 'still logs in without' : 'still needs'} a password`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const admin = await cluster.client();
  try {
    await admin.query(`DO $$ BEGIN CREATE ROLE ${role} LOGIN PASSWORD '${password}'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  } finally {
    await admin.end();
  }
  await reload(true);
  return async () => {
    writeFileSync(hba, original);
    await reload(false);
  };
}

/** Whether the server asks `role` for a password (a login without one fails) rather than trusting it. */
async function asksPassword(cluster: PgCluster, role: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: role, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return false;
  } catch {
    await client.end().catch(() => undefined);
    return true;
  }
}
