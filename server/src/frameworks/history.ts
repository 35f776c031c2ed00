/**
 * Schema history for host files: the earlier migrations of the same framework in the same folder
 * (in the order the framework runs them: its file names start with a timestamp or a number, so a
 * natural sort is that order), and the schema each one leaves.
 */
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { buildDocument } from '../document/model';
import { naturalCompare } from '../history/naturalCompare';
import { parseChunk } from '../parse/pgParser';
import { layOut } from './lint';
import { detectFramework, isHostPath } from './registry';
import type { FrameworkExtractor } from './types';

interface Listing {
  readdir(dir: string): string[];
  readFile(path: string): string;
}

/** Absolute paths of the migrations of `framework` that sort before `file` in its folder. */
export function earlierHostMigrations(file: string, framework: FrameworkExtractor, fs: Listing): string[] {
  const folder = dirname(file);
  const name = basename(file);
  return fs
    .readdir(folder)
    .filter((entry) => isHostPath(entry) && naturalCompare(entry, name) < 0)
    .sort(naturalCompare)
    .map((entry) => join(folder, entry))
    .filter((path) => {
      try {
        return detectFramework(path, fs.readFile(path))?.id === framework.id;
      } catch {
        return false;
      }
    });
}

/** The schema after a host migration's `up`, replayed onto `before`. */
export function replayHost(path: string, text: string, before: Catalog, config: LockstepConfig): Catalog {
  const framework = detectFramework(path, text);
  if (!framework) return before;
  const { sql } = layOut(framework.extract(text, path));
  return buildDocument(sql, { config: { ...config, runner: 'plain' }, parse: parseChunk, catalog: before }).catalog;
}
