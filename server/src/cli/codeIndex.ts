/** The code index the CLI builds for `lint --code` / `--code-ref` and `refs`. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
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

export async function loadCodeIndex(o: CodeOptions): Promise<ReferenceLookup> {
  const dirs = o.dirs.map((d) => resolve(o.cwd, d));
  for (const d of dirs) if (!existsSync(d) || !statSync(d).isDirectory()) throw new Error(`--code ${d}: not a folder`);
  if (o.ref) return referencesAtRevision(dirs[0] ?? o.cwd, o.ref, o.settings);
  return CodeIndex.build(dirs.length ? dirs : [defaultRoot(o.cwd)], o.settings);
}

function defaultRoot(cwd: string): string {
  try {
    return gitTopLevel(cwd);
  } catch {
    return cwd;
  }
}
