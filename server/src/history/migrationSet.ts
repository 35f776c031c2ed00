/**
 * Which migrations ran before a given file, in the order its runner applies them. Replaying
 * them gives the schema the file runs against, so "ALTER COLUMN … TYPE" knows the current type
 * and "DROP INDEX" knows its table. Objects from earlier migrations are NOT "created in this
 * migration": they may have been live for years.
 */
import { basename, dirname, join } from 'node:path';
import type { RunnerId } from '../config/types';
import { naturalCompare } from './naturalCompare';

export interface MigrationFileSystem {
  /** Entry names of a folder; [] when it cannot be read. */
  readdir(dir: string): string[];
  isDirectory(path: string): boolean;
}

/** An entry of a folder listing with what the listing says of it: a directory, not one (a regular file), or unknown (a symbolic link: `isDirectory` follows it). */
export interface TypedEntry {
  name: string;
  directory: boolean | undefined;
}

/**
 * A set's entries in runner order, filtered into migrations only as far as a file asks: a one-file
 * lint of a set's first migration lists no other folder (Diesel and Prisma list each folder to see
 * that its file is there: 342 listings for Lemmy's first migration, which has no earlier one).
 * Entries are scanned in order and only appended, so `keys`, `paths` and `positions` always equal
 * the first part of what a scan of the whole listing gives, and `paths` stays the same array.
 */
interface OrderedSet {
  folder: string;
  runner: RunnerId;
  /** The folder's listing in runner order, migrations or not. */
  sorted: string[];
  /** How many of `sorted` have been checked for being a migration. */
  scanned: number;
  /** Sort keys (entry or folder names) of the migrations among the scanned entries, in runner order. */
  keys: string[];
  /** The migration file for each key. */
  paths: string[];
  /**
   * Each key's position in `keys`, for keys that sort strictly after the key before them (the
   * first of keys that compare equal is found by the search).
   */
  positions: Map<string, number>;
}

/** Ordered migration sets, by listing identity: a snapshot file system returns the same array. */
const orderedSets = new WeakMap<string[], Map<string, OrderedSet>>();

/** The folder holding `file`'s migration set: Diesel and Prisma keep one folder per migration, the others keep files side by side. */
export function migrationSetFolder(file: string, runner: RunnerId): string {
  return FOLDER_FILE[runner] ? dirname(dirname(file)) : dirname(file);
}

/** Absolute paths of the migrations applied before `file`, oldest first. */
export function earlierMigrations(file: string, runner: RunnerId, fs: MigrationFileSystem): string[] {
  const { paths, count } = earlierMigrationsIn(file, runner, fs);
  return paths.slice(0, count);
}

/**
 * `earlierMigrations` without the copy: the first `count` of `paths`, the whole set in runner order.
 * On a snapshot file system every file of a set gets the same `paths` array, so schema history can
 * tell a set it has already checked without comparing (or copying) O(files) paths per file.
 */
export function earlierMigrationsIn(file: string, runner: RunnerId, fs: MigrationFileSystem): { paths: readonly string[]; count: number } {
  // graphile-migrate: the migration being written (current.sql) runs after every committed one.
  if (runner === 'graphile-migrate' && /^current(\.sql)?$/i.test(basename(file)) ) {
    const root = basename(dirname(file)) === 'current' ? dirname(dirname(file)) : dirname(file);
    const set = orderedSet(join(root, 'committed'), runner, fs);
    scanWhile(set, () => true, fs);
    return { paths: set.paths, count: set.paths.length };
  }
  // Diesel and Prisma keep one folder per migration (<timestamp>_<name>/up.sql, …/migration.sql); the others keep files side by side.
  const perFolder = FOLDER_FILE[runner];
  const folder = perFolder ? dirname(dirname(file)) : dirname(file);
  const position = perFolder ? basename(dirname(file)) : basename(file);
  const set = orderedSet(folder, runner, fs);
  return { paths: set.paths, count: positionIn(set, position, runner, fs) };
}

/**
 * `firstNotBefore(set.keys, name)`, once every entry that sorts before `name` is scanned. The file
 * asked about is nearly always one of the set's own keys: its index answers when the key before it
 * sorts strictly before it (else two keys compare equal, and the search finds the first of them).
 * The search compared O(log n) pairs per file, and Diesel's order splits both versions in every comparison.
 */
function positionIn(set: OrderedSet, name: string, runner: RunnerId, fs: MigrationFileSystem): number {
  const compare = runnerOrder(runner);
  scanWhile(set, (entry) => compare(entry, name) < 0, fs);
  return set.positions.get(name) ?? firstNotBefore(set.keys, name, compare);
}

/** Scans `set.sorted` onwards while `wanted` holds for the next entry, appending the migrations among them. */
function scanWhile(set: OrderedSet, wanted: (entry: string) => boolean, fs: MigrationFileSystem): void {
  const compare = runnerOrder(set.runner);
  const perFolder = FOLDER_FILE[set.runner];
  while (set.scanned < set.sorted.length && wanted(set.sorted[set.scanned])) {
    const entry = set.sorted[set.scanned];
    // Counted as scanned only once checked: a file system that throws leaves the entry to the next file, as a whole scan that threw was redone.
    const migration = isMigration(set.folder, entry, set.runner, fs);
    set.scanned++;
    if (!migration) continue;
    const { keys, positions } = set;
    // A key equal to itself by the order; the last of equal strings, as before, when a key repeats.
    if ((keys.length === 0 || compare(keys[keys.length - 1], entry) < 0) && compare(entry, entry) === 0) positions.set(entry, keys.length);
    else positions.delete(entry);
    keys.push(entry);
    set.paths.push(perFolder ? join(set.folder, entry, perFolder) : join(set.folder, entry));
  }
}

/**
 * The order a runner applies its migrations in. Diesel compares versions with their dashes
 * removed, as strings (`2017-10-06-234455` is 20171006234455, after `20170305095748`); natural
 * order alone would put it before every undashed version.
 */
export function runnerOrder(runner: RunnerId): (a: string, b: string) => number {
  if (runner !== 'diesel') return naturalCompare;
  return (a, b) => {
    const [va, vb] = [dieselVersion(a), dieselVersion(b)];
    return va < vb ? -1 : va > vb ? 1 : naturalCompare(a, b);
  };
}

/**
 * `[...listing].sort(runnerOrder(runner))`, with Diesel's version (split, dashes removed) made once
 * per entry instead of twice per comparison (a 342-folder set made ~6,000 of them per start).
 * Same comparisons, same stable sort: the same order.
 */
export function inRunnerOrder(listing: readonly string[], runner: RunnerId): string[] {
  if (runner !== 'diesel') return [...listing].sort(runnerOrder(runner));
  const keyed = listing.map((entry) => ({ entry, version: dieselVersion(entry) }));
  keyed.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : naturalCompare(a.entry, b.entry)));
  return keyed.map((k) => k.entry);
}

const dieselVersion = (entry: string) => entry.split('_')[0].replace(/-/g, '');

/** Runners that keep each migration in a folder of its own, and the file in it that runs. */
const FOLDER_FILE: Partial<Record<RunnerId, string>> = { diesel: 'up.sql', prisma: 'migration.sql' };

function orderedSet(folder: string, runner: RunnerId, fs: MigrationFileSystem): OrderedSet {
  const listing = fs.readdir(folder);
  let byRunner = orderedSets.get(listing);
  if (!byRunner) orderedSets.set(listing, (byRunner = new Map()));
  let set = byRunner.get(runner);
  if (!set) {
    set = { folder, runner, sorted: inRunnerOrder(listing, runner), scanned: 0, keys: [], paths: [], positions: new Map() };
    byRunner.set(runner, set);
  }
  return set;
}

function isMigration(folder: string, entry: string, runner: RunnerId, fs: MigrationFileSystem): boolean {
  const perFolder = FOLDER_FILE[runner];
  if (perFolder) {
    const path = join(folder, entry);
    return fs.isDirectory(path) && fs.readdir(path).includes(perFolder);
  }
  // Drizzle's journal lists `0000_name` tags in the order of their numeric prefix, which natural order follows.
  if (!/\.sql$/i.test(entry) || /\.down\.sql$/i.test(entry)) return false;
  if (runner === 'golang-migrate') return /^\d+_.+\.up\.sql$/i.test(entry);
  // Flyway's repeatable (R__) and undo (U…) scripts are not part of the versioned history.
  if (runner === 'flyway') return /^V\d/i.test(entry);
  return true;
}

/** Index of the first key of a list sorted by `compare` that does not sort before `name`. */
function firstNotBefore(sorted: string[], name: string, compare: (a: string, b: string) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid], name) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
