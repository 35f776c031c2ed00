/**
 * One look at who waits for whom: every client session of the database with the sessions that
 * block it (`pg_blocking_pids`), how long it has waited for a lock, and its transaction's age.
 * The watch samples this every 250 ms; everything it decides is computed from these rows.
 */

export interface SessionRow {
  pid: number;
  applicationName: string;
  state: string;
  query: string;
  /** Sessions this one waits for (empty when it waits for none). */
  blockedBy: number[];
  /** How long it has waited for a lock so far (0 when not waiting for one). */
  lockWaitMs: number;
  /** Age of its open transaction (0 when none). */
  transactionMs: number;
}

export interface Standby {
  name: string;
  /** `replay_lag` in milliseconds; undefined while the standby has not replayed anything yet. */
  replayLagMs?: number;
  /**
   * WAL written here that the standby had not replayed at its last reply, in bytes (from
   * `replay_lsn`); undefined when the server does not show it (no pg_read_all_stats).
   */
  replayLagBytes?: number;
}

/**
 * `pg_locks.waitstart` exists from PostgreSQL 14; before it, the time since the session's state
 * last changed is the closest the server tells (a waiting statement's state does not change).
 */
export function sessionsQuery(serverVersionNum: number): string {
  const waitStart = serverVersionNum >= 140000 ? '(SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted)' : 'a.state_change';
  return `
    SELECT a.pid, coalesce(a.application_name, '') AS application_name, coalesce(a.state, '') AS state,
           left(coalesce(a.query, ''), 500) AS query, pg_blocking_pids(a.pid) AS blocked_by,
           CASE WHEN a.wait_event_type = 'Lock'
                THEN greatest(0, extract(epoch FROM clock_timestamp() - ${waitStart}) * 1000) ELSE 0 END AS lock_wait_ms,
           coalesce(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000, 0) AS transaction_ms
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'`;
}

/** Sessions holding a lock on one of the named relations ($1), other than the migration ($2), with the mode held. */
export const HOLDERS_QUERY = `
  SELECT a.pid, coalesce(a.application_name, '') AS application_name, coalesce(a.state, '') AS state,
         left(coalesce(a.query, ''), 500) AS query, pg_blocking_pids(a.pid) AS blocked_by, 0 AS lock_wait_ms,
         coalesce(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000, 0) AS transaction_ms,
         c.relname, l.mode
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    JOIN pg_class c ON c.oid = l.relation
   WHERE l.granted AND l.locktype = 'relation' AND c.relname = ANY ($1::text[]) AND l.pid <> $2
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

export const STANDBYS_QUERY = `
  SELECT coalesce(application_name, client_addr::text, pid::text) AS name,
         extract(epoch FROM replay_lag) * 1000 AS replay_lag_ms,
         pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, replay_lsn) AS replay_lag_bytes
    FROM pg_stat_replication`;

export function toSessionRow(r: Record<string, unknown>): SessionRow {
  return {
    pid: Number(r.pid),
    applicationName: String(r.application_name),
    state: String(r.state),
    query: String(r.query),
    blockedBy: (r.blocked_by as number[] | null)?.map(Number) ?? [],
    lockWaitMs: Math.round(Number(r.lock_wait_ms ?? 0)),
    transactionMs: Math.round(Number(r.transaction_ms ?? 0)),
  };
}

export interface Queue {
  /** Sessions waiting, directly or through others, for `head`. */
  waiting: SessionRow[];
  /** The longest lock wait among them. */
  oldestWaitMs: number;
}

/** Everyone queued behind `head`: waiting for it, or for a session that waits for it (lock queues chain). */
export function queueBehind(head: number, sessions: SessionRow[]): Queue {
  const behind = new Set<number>([head]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of sessions) {
      if (!behind.has(s.pid) && s.blockedBy.some((p) => behind.has(p))) {
        behind.add(s.pid);
        grew = true;
      }
    }
  }
  const waiting = sessions.filter((s) => s.pid !== head && behind.has(s.pid));
  return { waiting, oldestWaitMs: waiting.reduce((max, s) => Math.max(max, s.lockWaitMs), 0) };
}

/**
 * Statements a migration runs: DDL and explicit locks. `lockstep watch` without `--pid` or
 * `--application-name` guards these; application queries (SELECT, INSERT, …) are never cancelled.
 */
const MIGRATION_STATEMENT = /^(ALTER|CREATE|DROP|LOCK|REINDEX|CLUSTER|VACUUM|TRUNCATE|REFRESH|COMMENT|GRANT|REVOKE)\b/i;

/** The query text without leading comments and whitespace. */
function firstWords(query: string): string {
  return query.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
}

export function looksLikeMigration(session: SessionRow): boolean {
  return session.state !== 'idle' && MIGRATION_STATEMENT.test(firstWords(session.query));
}
