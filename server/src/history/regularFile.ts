/**
 * Reads a file only if it is a regular file. Migration folders are input: a FIFO named `x.sql`
 * would block `readFileSync` forever, and a device or a huge dump would exhaust memory. Opening
 * with O_NONBLOCK never waits for a writer, and fstat on the open descriptor leaves no race.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Plain words for what a non-regular directory entry is. */
export function fileKind(stats: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

export function readRegularFile(path: string, maxBytes = Infinity): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotRegularFileError(path, `skipped: it is ${fileKind(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw new NotRegularFileError(path, `skipped: ${stats.size} bytes is over the ${maxBytes}-byte limit`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** A file's version as schema history compares it (mtime and size), from its stat: a reader that has one need not ask again. */
export function fileVersion(stat: { mtimeMs: number; size: number }): string {
  return `${stat.mtimeMs}:${stat.size}`;
}
