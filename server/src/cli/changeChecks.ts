/**
 * Checks only the whole history can answer, for `lint --changed-since` / `--staged`:
 * - a migration that was already on the base revision was edited (its runner applied the old
 *   text everywhere it ran; the edit never re-runs there);
 * - a new migration sorts before the newest one of its set on the base revision (the runner
 *   skips it, refuses to run, or runs it out of order, depending on the runner).
 */
import { basename, dirname, join } from 'node:path';
import type { RunnerId } from '../config/types';
import type { Finding } from '../findings';
import { earlierMigrations, type MigrationFileSystem } from '../history/migrationSet';
import { listingAt, type ChangedFile } from './git';

export const EDITED_MIGRATION = 'edited-migration';
export const OUT_OF_ORDER_MIGRATION = 'out-of-order-migration';
export const CHANGE_CHECK_DOCS = 'docs/ci.md';

/** What each runner does with a migration older than its newest applied one. */
const OUT_OF_ORDER_BEHAVIOUR: Partial<Record<RunnerId, string>> = {
  flyway: 'Flyway refuses to migrate ("Detected resolved migration not applied to database") unless outOfOrder=true',
  'golang-migrate': 'golang-migrate never applies it: it only moves forward from the current version',
  goose: 'goose refuses to migrate ("missing migrations") unless run with -allow-missing',
  dbmate: 'dbmate applies it, out of order, after newer migrations already ran',
  diesel: 'Diesel applies it, out of order, after newer migrations already ran',
  sqitch: 'Sqitch follows its plan file, not file names: check sqitch.plan instead',
};

/** The migration set of `file` as the base revision had it, with `extra` (a new file) added. */
function baseFileSystem(root: string, base: string, folder: string, runner: RunnerId, extra?: string): MigrationFileSystem {
  const top = listingAt(root, base, folder);
  const names = extra && !top.names.includes(extra) ? [...top.names, extra] : top.names;
  return {
    readdir: (dir) => {
      if (dir === folder) return names;
      const name = basename(dir);
      if (dirname(dir) === folder && name === extra) return runner === 'diesel' ? ['up.sql'] : [];
      return dirname(dir) === folder && top.folders.has(name) ? listingAt(root, base, dir).names : [];
    },
    isDirectory: (path) => dirname(path) === folder && (top.folders.has(basename(path)) || (runner === 'diesel' && basename(path) === extra)),
  };
}

/** Where a runner keeps the migrations of a set, and the sort key of `file` in it. */
function placeOf(file: string, runner: RunnerId): { folder: string; key: string; last: string } {
  // One folder per migration (Diesel): <set>/<timestamp>_<name>/up.sql.
  if (runner === 'diesel') return { folder: dirname(dirname(file)), key: basename(dirname(file)), last: join(dirname(dirname(file)), '\uffff', 'up.sql') };
  return { folder: dirname(file), key: basename(file), last: join(dirname(file), '\uffff') };
}

function finding(ruleId: string, message: string, firstLineLength: number): Finding {
  return { ruleId, severity: 'error', message, span: { start: 0, end: firstLineLength }, docs: `${CHANGE_CHECK_DOCS}#${ruleId}` };
}

export interface ChangeCheckInput {
  change: ChangedFile;
  runner: RunnerId;
  root: string;
  base: string;
  /** Length of the file's first line, where the finding is anchored. */
  firstLineLength: number;
}

export function changeChecks(input: ChangeCheckInput): Finding[] {
  const { change, runner, root, base } = input;
  const place = placeOf(change.path, runner);
  if (change.status === 'modified') {
    const baseSet = earlierMigrations(place.last, runner, baseFileSystem(root, base, place.folder, runner));
    if (!baseSet.includes(change.path)) return [];
    return [
      finding(
        EDITED_MIGRATION,
        `This migration was already on ${base} and has been edited. Databases where it already ran will never run the new text, ` +
          'so environments drift apart. Leave applied migrations as they are and write a new migration for the change.',
        input.firstLineLength,
      ),
    ];
  }
  const fs = baseFileSystem(root, base, place.folder, runner, place.key);
  const all = earlierMigrations(place.last, runner, fs);
  if (!all.includes(change.path)) return [];
  const earlier = new Set(earlierMigrations(change.path, runner, fs));
  const later = all.filter((path) => path !== change.path && !earlier.has(path));
  if (later.length === 0) return [];
  const newest = runner === 'diesel' ? basename(dirname(later[later.length - 1])) : basename(later[later.length - 1]);
  const behaviour = OUT_OF_ORDER_BEHAVIOUR[runner] ?? 'a runner that applies files in name order runs it after newer migrations already ran';
  return [
    finding(
      OUT_OF_ORDER_MIGRATION,
      `This new migration sorts before ${newest}, which is already on ${base} (${later.length} existing migration${later.length === 1 ? '' : 's'} ` +
        `sort after it). ${behaviour}. Rename it so it sorts after ${newest}.`,
      input.firstLineLength,
    ),
  ];
}
