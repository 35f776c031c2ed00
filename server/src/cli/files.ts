/**
 * Turns command-line operands (files, folders, globs, `-`) into the list of files to lint.
 * Problems (missing paths, unreadable folders, nothing matched) are collected, not thrown,
 * so every other operand is still linted.
 */
import { naturalCompare } from '../history/naturalCompare';
import { opendirSync, readdirSync, readFileSync, realpathSync, statSync, type Dir, type Dirent, type Stats } from 'node:fs';
import { fileKind } from '../history/regularFile';
import { detectFramework, isHostPath, MAX_HOST_FILE_CHARS } from '../frameworks/registry';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globBase, globToRegExp, isGlob, toPosixPath } from '../config/glob';
import { describeFsError } from './source';
import { knownFolderListing } from '../document/projectFacts';

export interface LintTarget {
  /** Absolute path, or undefined for standard input. */
  absolutePath?: string;
  /** What reporters print: relative to the working folder when inside it. */
  displayPath: string;
  /** Named directly on the command line (not found by walking a folder or a glob). */
  explicit: boolean;
}

export interface OperandProblem {
  path: string;
  message: string;
}

export interface ExpandResult {
  targets: LintTarget[];
  problems: OperandProblem[];
  /** Entries a walk passed over on purpose (FIFOs, sockets, devices named *.sql): told, not failed. */
  skipped: OperandProblem[];
}

// Installed packages are not the project's migrations (a virtualenv holds Django's own, for one).
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.venv', 'venv', 'site-packages', '__pycache__']);
const SQL_FILE = /\.sql$/i;

/** A .ts/.js file a framework extractor recognises as a migration (read to find out). */
function isHostMigration(file: string): boolean {
  if (!isHostPath(file)) return false;
  try {
    if (statSync(file).size > MAX_HOST_FILE_CHARS * 4) return false;
    return detectFramework(file, readFileSync(file, 'utf8')) !== undefined;
  } catch {
    return false;
  }
}

export function displayPathOf(absolutePath: string, cwd: string): string {
  const rel = relative(cwd, absolutePath);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolutePath : rel;
}

/**
 * Does the folder hold at least `count` entries (files and folders, those a walk skips aside)?
 * Reads entries one at a time and stops at `count`: cheap for a folder of 20,000 files. A walk
 * finds no more files than this counts (links aside, taken as many), so "no" means fewer than `count` files to lint.
 */
export function holdsAtLeast(dir: string, count: number): boolean {
  let seen = 0;
  const visit = (folder: string): boolean => {
    let handle: Dir;
    try {
      handle = opendirSync(folder);
    } catch {
      return false;
    }
    try {
      for (let entry = handle.readSync(); entry; entry = handle.readSync()) {
        // A link may lead to a large folder: counted as many, as the walk would follow it.
        if (++seen >= count || entry.isSymbolicLink()) return true;
        if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name) && visit(join(folder, entry.name))) return true;
      }
      return false;
    } finally {
      handle.closeSync();
    }
  };
  return visit(dir);
}

/** Every regular file under `dir` that `accept` keeps; symlink loops and skipped folders are not entered. */
/** How many folder entries a walk takes between two calls of `expandOperands`' `onProgress`. */
const ENTRIES_PER_PROGRESS = 256;

function walk(dir: string, accept: (file: string) => boolean, problems: OperandProblem[], cwd: string, skipped: OperandProblem[], onProgress?: () => void): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  let seenEntries = 0;
  // `known`: the folder's real path when its parent's is known and it is no symlink (the parent's
  // real path and its name): realpathSync, which lstat's every part of the path, only for the
  // operand and folders reached through a link (it cost ~50 ms over the corpus's 651 folders).
  const visit = (folder: string, known?: string) => {
    let real: string;
    let entries: Dirent[];
    try {
      real = known ?? realpathSync(folder);
      if (seen.has(real)) return;
      seen.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
      // The project facts and the schema history list these folders too: they take this listing.
      knownFolderListing(folder, entries.map((e) => e.name));
    } catch (err) {
      problems.push({ path: displayPathOf(folder, cwd), message: describeFsError(err) });
      return;
    }
    for (const entry of entries) {
      if (onProgress && ++seenEntries % ENTRIES_PER_PROGRESS === 0) onProgress();
      const path = join(folder, entry.name);
      let kind: Dirent | Stats = entry;
      if (entry.isSymbolicLink()) {
        try {
          kind = statSync(path);
        } catch {
          continue; // dangling link: nothing to lint
        }
      }
      if (kind.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) visit(path, kind === entry ? join(real, entry.name) : undefined);
      } else if (accept(path)) {
        // A FIFO would block the first read forever: never open anything but a regular file.
        if (kind.isFile()) found.push(path);
        else skipped.push({ path: displayPathOf(path, cwd), message: `skipped: it is ${fileKind(kind)}, not a regular file` });
      }
    }
  };
  visit(dir);
  return found;
}

function expandGlob(pattern: string, cwd: string, problems: OperandProblem[], skipped: OperandProblem[], onProgress?: () => void): string[] | undefined {
  const posixPattern = toPosixPath(pattern);
  const base = resolve(cwd, globBase(posixPattern));
  let matcher: RegExp;
  try {
    matcher = globToRegExp(posixPattern);
  } catch (err) {
    problems.push({ path: pattern, message: (err as Error).message });
    return undefined;
  }
  // Relative patterns match paths relative to the working folder, absolute ones match absolute paths.
  const root = isAbsolute(pattern) ? undefined : cwd;
  try {
    if (!statSync(base).isDirectory()) return [];
  } catch {
    return [];
  }
  return walk(base, (file) => matcher.test(toPosixPath(root ? relative(root, file) : file)), problems, cwd, skipped, onProgress);
}

export { naturalCompare };

/** Compares folder by folder so a folder's files stay together (paths split at `sep`). */
function comparePaths(left: readonly string[], right: readonly string[]): number {
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] === right[i]) continue;
    // A file sorts before a sibling folder's contents.
    if (i === left.length - 1 && i < right.length - 1) return -1;
    if (i === right.length - 1 && i < left.length - 1) return 1;
    return naturalCompare(left[i], right[i]);
  }
  return left.length - right.length;
}

/**
 * `onProgress`: called every few hundred folder entries and before the sort, for work that must not
 * wait for the whole walk (the lint's young-generation cap: a 20,000-file walk grew it to 16 MB).
 */
export function expandOperands(operands: string[], cwd: string, stdinName?: string, onProgress?: () => void): ExpandResult {
  const problems: OperandProblem[] = [];
  const skipped: OperandProblem[] = [];
  const byPath = new Map<string, LintTarget>();
  let stdin: LintTarget | undefined;

  const add = (absolutePath: string, explicit: boolean) => {
    const existing = byPath.get(absolutePath);
    if (existing) existing.explicit ||= explicit;
    else byPath.set(absolutePath, { absolutePath, displayPath: displayPathOf(absolutePath, cwd), explicit });
  };

  for (const operand of operands) {
    if (operand === '-') {
      stdin = { displayPath: stdinName ?? '<stdin>', explicit: true };
      continue;
    }
    const absolute = resolve(cwd, operand);
    let stats;
    try {
      stats = statSync(absolute);
    } catch (err) {
      if (isGlob(operand)) {
        const matches = expandGlob(operand, cwd, problems, skipped, onProgress);
        if (!matches) continue;
        if (matches.length === 0) problems.push({ path: operand, message: 'no files match this pattern' });
        matches.forEach((file) => add(file, false));
      } else {
        problems.push({ path: operand, message: describeFsError(err) });
      }
      continue;
    }
    if (stats.isDirectory()) {
      const files = walk(absolute, (file) => SQL_FILE.test(file) || isHostMigration(file), problems, cwd, skipped, onProgress);
      if (files.length === 0) problems.push({ path: operand, message: 'no .sql files or framework migrations found in this directory' });
      files.forEach((file) => add(file, false));
    } else if (stats.isFile()) {
      add(absolute, true);
    } else {
      problems.push({ path: operand, message: `it is ${fileKind(stats)}, not a regular file` });
    }
  }

  onProgress?.();
  // Each path split once, not once per comparison (a 20,000-file folder's sort makes ~300,000).
  const targets = [...byPath.values()]
    .map((target) => ({ target, parts: target.displayPath.split(sep) }))
    .sort((a, b) => comparePaths(a.parts, b.parts))
    .map(({ target }) => target);
  if (stdin) targets.push(stdin);
  return { targets, problems, skipped };
}
