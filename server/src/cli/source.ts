/** Reads a migration file as text, refusing what is clearly not SQL, with a plain-words reason. */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { fileVersion } from '../history/regularFile';

/**
 * Larger files are refused with a message: real migrations are far smaller (the largest in our
 * corpus is 110 KB), and a 20 MB data dump takes the engine a minute and gigabytes of memory.
 */
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
/** Like git: a NUL byte near the start means binary content. */
const BINARY_SNIFF_BYTES = 8000;

/** `version`: the file's mtime and size as schema history keys it (fileVersion), when read from a file. */
export type SourceResult = { text: string; version?: string } | { error: string };

/** A file-system error in plain words, without the syscall noise of `err.message`. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ENOTDIR') return 'not a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return `cannot read: ${(err as Error)?.message ?? String(err)}`;
}

function tooLarge(bytes: number): string {
  return `file is ${(bytes / 1048576).toFixed(1)} MB; files over ${MAX_SOURCE_BYTES / 1048576} MB are not linted`;
}

export function decodeSource(bytes: Buffer): SourceResult {
  if (bytes.length > MAX_SOURCE_BYTES) return { error: tooLarge(bytes.length) };
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { error: 'looks like a binary file (contains NUL bytes), not SQL' };
  // Invalid UTF-8 becomes U+FFFD rather than an error; a leading BOM is not part of the SQL.
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  return { text };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do: the text is read (or the error already reported).
  }
}

export function readSource(path: string): SourceResult {
  let fd: number | undefined;
  try {
    // One open and fstat serve the size check, the read and the history's version of the file.
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.size > MAX_SOURCE_BYTES) return { error: tooLarge(stat.size) };
    const source = decodeSource(readFileSync(fd));
    return 'error' in source ? source : { text: source.text, version: fileVersion(stat) };
  } catch (err) {
    return { error: describeFsError(err) };
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}
