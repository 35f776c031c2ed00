/**
 * The code of another revision (the version still deployed), read straight from git without a
 * checkout: `git ls-tree` lists its files, one `git cat-file --batch` reads them all.
 */
import { childProcess } from '../startup/lazyBuiltins';
import { join } from 'node:path';
import { initEngine } from '../engine';
import { scanFilter, type CodeScanSettings } from './files';
import { extractReferences, ReferenceSet } from './index';

export class GitRevisionError extends Error {}

function git(root: string, args: string[], input?: string): Buffer {
  try {
    return childProcess().execFileSync('git', args, { cwd: root, input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new GitRevisionError(stderr || (err instanceof Error ? err.message : String(err)));
  }
}

/** The top folder of the git repository holding `dir`. */
export function gitTopLevel(dir: string): string {
  return git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
}

/** References of the application code at `ref` in the repository holding `dir`. Paths are repository-relative. */
export async function referencesAtRevision(dir: string, ref: string, settings?: CodeScanSettings): Promise<ReferenceSet> {
  await initEngine();
  const root = gitTopLevel(dir);
  git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const keep = scanFilter(settings);
  const entries = git(root, ['ls-tree', '-r', '-z', '--full-tree', ref])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, sha] = line.slice(0, tab).split(' ');
      return { type, sha, path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && keep(e.path));
  if (entries.length === 0) return new ReferenceSet([]);
  const out = git(root, ['cat-file', '--batch'], entries.map((e) => `${e.sha}\n`).join(''));
  const refs = [];
  let at = 0;
  for (const e of entries) {
    const headerEnd = out.indexOf(10, at);
    const size = Number(out.subarray(at, headerEnd).toString().split(' ')[2]);
    const text = out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
    at = headerEnd + 1 + size + 1;
    refs.push(...extractReferences(text, e.path, join(root, e.path)));
  }
  return new ReferenceSet(refs);
}
