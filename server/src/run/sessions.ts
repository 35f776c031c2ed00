/**
 * The two connections of a guarded run: the migration's own (it writes) and the watch's (read-only,
 * short timeouts, so a sample can never queue behind the locks it is there to watch).
 */
import type pg from 'pg';
import { connectClient, endClient } from '../db/connect';
import { classifyError } from '../db/errors';
import type { ConnectionTarget } from '../db/target';

export const RUN_APPLICATION_NAME = 'lockstep-run';
export const WATCH_APPLICATION_NAME = 'lockstep-watch';

export interface OpenSession {
  client: pg.Client;
  pid: number;
  serverVersionNum: number;
  /** The server closed the connection (terminated, restarted): it cannot be used again. */
  gone(): boolean;
  close(): Promise<void>;
}

async function open(target: ConnectionTarget, applicationName: string, setup: string): Promise<OpenSession> {
  const deadline = Date.now() + target.connectTimeoutSeconds * 1000;
  const client = await connectClient(target, deadline, { applicationName });
  let gone = false;
  client.on('end', () => (gone = true));
  client.on('error', () => (gone = true));
  try {
    await client.query(setup);
    const { rows } = await client.query("SELECT pg_backend_pid() AS pid, current_setting('server_version_num')::int AS v");
    return { client, pid: Number(rows[0].pid), serverVersionNum: Number(rows[0].v), gone: () => gone, close: () => endClient(client) };
  } catch (error) {
    await endClient(client);
    throw classifyError(error, target);
  }
}

/** The session that applies the migration; lock_timeout is set per unit. */
export function openMigrationSession(target: ConnectionTarget): Promise<OpenSession> {
  return open(target, RUN_APPLICATION_NAME, 'SET statement_timeout = 0');
}

/** The watch's session: it may only read, and gives up on any lock after 100 ms. */
export function openWatchSession(target: ConnectionTarget): Promise<OpenSession> {
  return open(target, WATCH_APPLICATION_NAME, 'SET default_transaction_read_only = on; SET statement_timeout = 2000; SET lock_timeout = 100');
}
