/** The code index the CLI builds for `lint` (by default, or `--code` / `--code-ref`) and `refs`. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CodeScanSettings } from '../coderefs/files';
import { referencesAtRevision, gitTopLevel } from '../coderefs/gitTree';
import { CodeIndex, type ReferenceLookup } from '../coderefs/index';

export interface CodeOptions {
  /** `--code` folders; none: the git repository of `cwd` (else `cwd` itself). */
  dirs: string[];
  /** `--code-ref`: read that revision from git instead of the files on disk. */
  ref?: string;
  cwd: string;
  settings?: CodeScanSettings;
}

let builds = 0;

/** How many code indexes this process has built (the tests' proof that a lint without contract statements reads no code). */
export function codeIndexBuilds(): number {
  return builds;
}

export async function loadCodeIndex(o: CodeOptions): Promise<ReferenceLookup> {
  const dirs = o.dirs.map((d) => resolve(o.cwd, d));
  for (const d of dirs) if (!existsSync(d) || !statSync(d).isDirectory()) throw new Error(`--code ${d}: not a folder`);
  builds++;
  if (o.ref) return referencesAtRevision(dirs[0] ?? o.cwd, o.ref, o.settings);
  return CodeIndex.build(dirs.length ? dirs : [defaultRoot(o.cwd)], o.settings);
}

/**
 * `lint` without `--code`: the git repository holding `dir` (the migrations), indexed on the first
 * lookup, which only a contract statement makes. Undefined outside a git repository (then the caller
 * need not load the host grammars); otherwise the caller completes initEngine() with them.
 */
export function repositoryCodeIndex(dir: string, settings?: CodeScanSettings, env: NodeJS.ProcessEnv = process.env): ReferenceLookup | undefined {
  if (noGitAbove(dir, env)) return undefined;
  let root: string;
  try {
    root = gitTopLevel(dir);
  } catch {
    return undefined;
  }
  let index: CodeIndex | undefined;
  return {
    lookup(table, column) {
      if (!index) {
        builds++;
        index = CodeIndex.scan([root], settings);
      }
      return index.lookup(table, column);
    },
  };
}

/**
 * No `.git` in `dir` or any folder above it, and no GIT_DIR: git would find no repository either,
 * so the lint need not start git (nor load the grammars the code scan needs) to learn that.
 */
export function noGitAbove(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.GIT_DIR) return false;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return false;
    if (dirname(d) === d) return true;
  }
}

/**
 * Could this SQL hold a contract statement? Every kind is an ALTER TABLE (renames, type changes, new
 * NOT NULL / CHECK / FOREIGN KEY, dropped columns) or a DROP, so a file naming neither (one that only
 * creates things) costs nothing.
 */
export function mayHoldContract(sql: string): boolean {
  return /\b(?:alter|drop)\b/i.test(sql);
}

function defaultRoot(cwd: string): string {
  try {
    return gitTopLevel(cwd);
  } catch {
    return cwd;
  }
}
