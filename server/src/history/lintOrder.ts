/**
 * The order a one-pass run lints its files in, so that each migration set's history is built once.
 * The CLI lists files in path order; a runner may apply them in another. Diesel compares versions
 * with their dashes removed, so crates.io's `2017-10-06-234455_x` folders, which sort before its
 * `20170305095748_y` ones by path, run after them: linted in path order, each newer file replayed the
 * older ones it needs, which were linted afterwards anyway (146 replays on the corpus, eleventh
 * session). Every other runner orders a folder's files as the path order does (natural order).
 *
 * Only the lint order changes: the history answers the same in any order, and the CLI still writes
 * its report in path order.
 */
import { basename, dirname } from 'node:path';
import type { RunnerId } from '../config/types';
import { inRunnerOrder } from './migrationSet';

/** A Diesel migration folder's files (`<version>_<name>/up.sql`, `down.sql`), tested on the whole path. */
const DIESEL_FILE = /(^|[\\/])(up|down)\.sql$/i;

export interface OrderedFile {
  path: string;
  /** The runner the file's config names ('auto': detected from the file). */
  runner: RunnerId | 'auto';
}

/**
 * Indexes of `files` (in path order) in the order to lint them: each Diesel set's files take the
 * places its files hold in path order, folder by folder in Diesel's order (a folder's own files in
 * path order: `down.sql` before `up.sql`, as they come). Everything else keeps its place.
 */
export function runnerLintOrder(files: readonly OrderedFile[]): number[] {
  const order = files.map((_, i) => i);
  const sets = new Map<string, number[]>();
  files.forEach((file, i) => {
    if ((file.runner !== 'auto' && file.runner !== 'diesel') || !DIESEL_FILE.test(file.path)) return;
    const set = dirname(dirname(file.path));
    const members = sets.get(set);
    if (members) members.push(i);
    else sets.set(set, [i]);
  });
  for (const places of sets.values()) {
    // Each file's folder, and each folder's rank in Diesel's order, made once (not per comparison).
    const folders = places.map((i) => basename(dirname(files[i].path)));
    const rankOf = new Map(inRunnerOrder([...new Set(folders)], 'diesel').map((name, r) => [name, r]));
    const ranks = folders.map((name) => rankOf.get(name)!);
    if (ranks.every((rank, k) => k === 0 || ranks[k - 1] <= rank)) continue;
    // The set's files by their folder's rank, a folder's files as they came: the places, handed out again.
    const byRank = places.map((_, k) => k).sort((a, b) => ranks[a] - ranks[b] || a - b);
    places.forEach((place, k) => (order[place] = places[byRank[k]]));
  }
  return order;
}
