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

/** Absolute paths of the migrations applied before `file`, oldest first. */
export function earlierMigrations(file: string, runner: RunnerId, fs: MigrationFileSystem): string[] {
  const dir = dirname(file);
  const name = basename(file);
  if (runner === 'diesel') {
    // migrations/<timestamp>_<name>/up.sql: earlier folders' up.sql.
    const root = dirname(dir);
    const current = basename(dir);
    return fs
      .readdir(root)
      .filter((d) => naturalCompare(d, current) < 0 && fs.isDirectory(join(root, d)) && fs.readdir(join(root, d)).includes('up.sql'))
      .sort(naturalCompare)
      .map((d) => join(root, d, 'up.sql'));
  }
  const isEarlierUp = (entry: string): boolean => {
    if (!/\.sql$/i.test(entry) || /\.down\.sql$/i.test(entry) || naturalCompare(entry, name) >= 0) return false;
    if (runner === 'golang-migrate') return /^\d+_.+\.up\.sql$/i.test(entry);
    // Flyway's repeatable (R__) and undo (U…) scripts are not part of the versioned history.
    if (runner === 'flyway') return /^V\d/i.test(entry);
    return true;
  };
  return fs.readdir(dir).filter(isEarlierUp).sort(naturalCompare).map((entry) => join(dir, entry));
}
