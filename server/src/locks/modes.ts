/**
 * The eight PostgreSQL table-level lock modes and their conflict matrix
 * (PostgreSQL docs, "Explicit Locking", table 13.2). Everything Lockstep says about
 * what a lock blocks is derived from this table and nowhere else.
 */

/** Lock modes in strength order, named exactly as `pg_locks.mode` shows them. */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** `CONFLICTS[a]` lists the modes that cannot be held by another transaction while `a` is held. */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: [
    'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
  ],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: [
    'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
  ],
  ExclusiveLock: [
    'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  AccessExclusiveLock: LOCK_MODES,
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

export function strongest(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** The SQL spelling, e.g. `ACCESS EXCLUSIVE`. */
export function sqlName(mode: LockMode): string {
  // Spelled in most findings' messages: each mode's name is worked out once.
  let name = SQL_NAMES.get(mode);
  if (name === undefined) {
    name = mode
      .replace(/Lock$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase();
    SQL_NAMES.set(mode, name);
  }
  return name;
}

const SQL_NAMES = new Map<string, string>();

/** What ordinary traffic takes, so we can say in words what a lock blocks. */
const ACTIVITIES = {
  reads: { mode: 'AccessShareLock', label: 'reads (SELECT)' },
  lockingReads: { mode: 'RowShareLock', label: 'SELECT … FOR UPDATE/SHARE' },
  writes: { mode: 'RowExclusiveLock', label: 'writes (INSERT/UPDATE/DELETE)' },
  maintenance: { mode: 'ShareUpdateExclusiveLock', label: 'VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY and most DDL' },
  ddl: { mode: 'AccessExclusiveLock', label: 'other DDL' },
} as const satisfies Record<string, { mode: LockMode; label: string }>;

export type Activity = keyof typeof ACTIVITIES;

export interface BlockedActivities {
  reads: boolean;
  writes: boolean;
  /** Schema changes and maintenance (every DDL conflicts with at least ACCESS EXCLUSIVE). */
  ddl: boolean;
  /** Human-readable list of what waits while this lock is held. */
  labels: string[];
}

/**
 * What waits while `mode` is held on an object of `kind`. A lock on a type (ALTER TYPE … ADD VALUE
 * takes EXCLUSIVE on the enum) is an object lock: reads and writes of tables using the type never
 * take it, so it blocks only other changes to the type.
 */
export function blockedBy(mode: LockMode, kind?: string): BlockedActivities {
  if (kind === 'type') return TYPE_LOCK_BLOCKS;
  // Asked for every lock of every statement (rules, hovers, the report): one frozen answer per mode.
  let blocked = BLOCKED_BY_MODE.get(mode);
  if (!blocked) {
    const labels = Object.values(ACTIVITIES)
      .filter((a) => conflicts(mode, a.mode))
      .map((a) => a.label);
    blocked = Object.freeze({
      reads: conflicts(mode, ACTIVITIES.reads.mode),
      writes: conflicts(mode, ACTIVITIES.writes.mode),
      ddl: conflicts(mode, ACTIVITIES.maintenance.mode) || conflicts(mode, ACTIVITIES.ddl.mode),
      labels: Object.freeze(labels) as string[],
    });
    BLOCKED_BY_MODE.set(mode, blocked);
  }
  return blocked;
}

const BLOCKED_BY_MODE = new Map<LockMode, BlockedActivities>();
const TYPE_LOCK_BLOCKS: BlockedActivities = Object.freeze({
  reads: false,
  writes: false,
  ddl: true,
  labels: Object.freeze(['other changes to the type (ALTER TYPE, DROP TYPE)']) as string[],
});

/** Renaming an index takes SHARE UPDATE EXCLUSIVE on it from PostgreSQL 12, ACCESS EXCLUSIVE before. */
export function indexRenameMode(pgVersion: number): LockMode {
  return pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
}
