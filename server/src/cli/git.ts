/**
 * What changed since a git revision, read with the git command line (no library: every CI image
 * has git, and `git` answers exactly what the user's repository says, hooks and all).
 */
import { childProcess } from '../startup/lazyBuiltins';
import { join, relative, sep } from 'node:path';

export type ChangeStatus = 'added' | 'modified';

export interface ChangedFile {
  /** Absolute path in the working tree. */
  path: string;
  status: ChangeStatus;
}

export interface GitChanges {
  /** The repository's top folder. */
  root: string;
  /** The revision the changes are measured against (`HEAD` for --staged). */
  base: string;
  files: ChangedFile[];
}

export class GitError extends Error {}

function git(cwd: string, args: string[]): string {
  const result = childProcess().spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new GitError(`cannot run git: ${result.error.message}`);
  if (result.status !== 0) throw new GitError(`git ${args[0]} failed: ${result.stderr.trim() || `exit ${result.status}`}`);
  return result.stdout;
}

/** `git diff --name-status -z` output: status, NUL, path, NUL … (no renames: they read as delete + add). */
function parseNameStatus(output: string, root: string): ChangedFile[] {
  const parts = output.split('\0').filter((p) => p !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i][0];
    if (code === 'A') files.push({ path: join(root, parts[i + 1]), status: 'added' });
    else if (code === 'M' || code === 'T') files.push({ path: join(root, parts[i + 1]), status: 'modified' });
  }
  return files;
}

/**
 * Files added or modified since `since` (committed, staged, unstaged and untracked alike), or,
 * with `staged`, what the index holds beyond HEAD (what a pre-commit hook is about to commit).
 */
export function changedFiles(cwd: string, options: { since?: string; staged?: boolean }): GitChanges {
  const root = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  if (options.staged) {
    const files = parseNameStatus(git(root, ['diff', '--cached', '--name-status', '--no-renames', '-z']), root);
    return { root, base: 'HEAD', files };
  }
  const base = options.since ?? 'HEAD';
  git(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  const files = parseNameStatus(git(root, ['diff', '--name-status', '--no-renames', '-z', base, '--']), root);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z']).split('\0').filter((p) => p !== '');
  for (const path of untracked) files.push({ path: join(root, path), status: 'added' });
  return { root, base, files };
}

/** Entries of `folder` as the base revision had them: names, and which of them are folders. */
export function listingAt(root: string, base: string, folder: string): { names: string[]; folders: Set<string> } {
  const rel = relative(root, folder).split(sep).join('/');
  const spec = rel === '' ? '.' : `${rel}/`;
  const names: string[] = [];
  const folders = new Set<string>();
  for (const line of git(root, ['ls-tree', '-z', base, '--', spec]).split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const name = line.slice(tab + 1).split('/').pop() as string;
    names.push(name);
    if (line.slice(0, tab).split(' ')[1] === 'tree') folders.add(name);
  }
  return { names, folders };
}

/** Entry names of `folder/sub` at the base revision (for one-folder-per-migration runners). */
export function subListingAt(root: string, base: string, folder: string): string[] {
  return listingAt(root, base, folder).names;
}
