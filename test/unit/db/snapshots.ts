/** Made-up database snapshots for the estimator's pure half (buildReport). */
import type { DatabaseSnapshot, LiveLock, RelationFacts, SessionFacts } from '../../../server/src/db/snapshot';
import type { LockMode } from '../../../server/src/locks/modes';

export const MB = 1024 * 1024;

export function relation(name: string, facts: Partial<RelationFacts> = {}): RelationFacts {
  return {
    name,
    schema: 'public',
    kind: 'table',
    rows: 1000,
    heapBytes: 8 * MB,
    toastBytes: 0,
    indexBytes: 0,
    totalBytes: 8 * MB,
    sizeSource: 'measured',
    partitions: 0,
    indexes: [],
    foreignKeysOut: [],
    foreignKeysIn: [],
    triggers: [],
    locks: [],
    lastVacuum: null,
    lastAnalyze: null,
    sameNameElsewhere: [],
    ...facts,
  };
}

export function session(pid: number, facts: Partial<SessionFacts> = {}): SessionFacts {
  return {
    pid,
    application: `app-${pid}`,
    state: 'idle in transaction',
    backendType: 'client backend',
    user: 'app',
    xactAgeSeconds: 120,
    queryAgeSeconds: 120,
    query: 'SELECT * FROM orders',
    waitEventType: 'Client',
    ...facts,
  };
}

export function lock(pid: number, mode: LockMode, granted = true, facts: Partial<SessionFacts> = {}): LiveLock {
  return { session: session(pid, facts), mode, granted, blockedBy: [], waitStart: null };
}

export function snapshot(relations: RelationFacts[], extra: Partial<DatabaseSnapshot> = {}): DatabaseSnapshot {
  return {
    target: 'app@db.test:5432/app',
    server: { version: '18.4', versionNum: 180004, major: 18, database: 'app', user: 'app', inRecovery: false },
    takenAt: '2026-01-01T00:00:00.000Z',
    gatherMs: 5,
    relations: Object.fromEntries(relations.map((r) => [r.name, r])),
    missing: [],
    longTransactions: [],
    longTransactionSeconds: 60,
    preparedTransactions: [],
    schemaSql: '',
    ...extra,
  };
}
