/**
 * `lockstep init` and "Lockstep: Create Configuration": find the project's migration folders,
 * detect their runner with the engine's own detection, and write `lockstep.config.json` (and,
 * when asked, a GitHub workflow or a GitLab include). Pure planning here; the callers write.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { RunnerId } from '../config/types';
import { detectRunner } from '../document/runner';
import { readProjectFacts } from '../document/projectFacts';
import { FOLDER_PER_MIGRATION } from '../fixes/migrationFiles';
import { splitSql } from '../parse/split';

export interface MigrationFolder {
  /** Relative to the project root, with `/`. */
  path: string;
  runner: RunnerId;
  files: number;
}

export interface InitOptions {
  pgVersion?: number;
  github?: boolean;
  gitlab?: boolean;
  /** The Action to use in the GitHub workflow (owner/name@ref). */
  action?: string;
  /** Where the package's schemas/ folder is, to point `$schema` at it. */
  packageRoot: string;
}

export interface PlannedFile {
  /** Relative to the project root. */
  path: string;
  text: string;
  /** A file the user owns that we must not overwrite: print what to add instead. */
  appendOnly?: boolean;
}

const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'target', 'vendor', '.cache', 'coverage']);
const MAX_DEPTH = 6;

/** Folders that hold .sql migrations (Diesel: folders of up.sql/down.sql), with their runner. */
export function findMigrationFolders(root: string): MigrationFolder[] {
  const found = new Map<string, { runners: Map<RunnerId, number>; files: number }>();
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP.has(entry.name) && !entry.name.startsWith('.')) visit(path, depth + 1);
        continue;
      }
      if (!entry.isFile() || !/\.sql$/i.test(entry.name)) continue;
      let text = '';
      try {
        if (statSync(path).size < 1_000_000) text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const runner = detectRunner(path, splitSql(text).markers, 'auto', readProjectFacts(path));
      // A Diesel or Prisma migration is a folder; its set is the folder above.
      const set = FOLDER_PER_MIGRATION.has(runner) ? join(dir, '..') : dir;
      const entry2 = found.get(set) ?? { runners: new Map(), files: 0 };
      entry2.runners.set(runner, (entry2.runners.get(runner) ?? 0) + 1);
      entry2.files++;
      found.set(set, entry2);
    }
  };
  visit(root, 0);
  return [...found.entries()]
    .map(([dir, info]) => ({
      path: relative(root, dir).split(sep).join('/') || '.',
      runner: [...info.runners.entries()].sort((a, b) => b[1] - a[1])[0][0],
      files: info.files,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The schema as a path inside the project, or undefined: a path out of it (a global install, the
 * editor's extensions folder) breaks for whoever else checks the config out. VS Code validates the
 * file without it (the extension's jsonValidation).
 */
function schemaRef(root: string, packageRoot: string): string | undefined {
  const installed = join(root, 'node_modules', 'lockstep', 'schemas', 'lockstep.config.schema.json');
  const schema = existsSync(installed) ? installed : join(packageRoot, 'schemas', 'lockstep.config.schema.json');
  const rel = relative(root, schema).split(sep).join('/');
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function planInit(root: string, options: InitOptions): { folders: MigrationFolder[]; files: PlannedFile[] } {
  const folders = findMigrationFolders(root);
  const runners = new Set(folders.map((f) => f.runner));
  const schema = schemaRef(root, options.packageRoot);
  const config = {
    ...(schema ? { $schema: schema } : {}),
    pgVersion: options.pgVersion ?? 16,
    // One runner everywhere: extend its preset (docs/presets.md); several: let each file be detected.
    ...(runners.size === 1 && !runners.has('plain') ? { extends: `lockstep:${[...runners][0]}` } : { runner: runners.size === 1 ? 'plain' : 'auto' }),
    lockTimeout: '2s',
  };
  const files: PlannedFile[] = [{ path: 'lockstep.config.json', text: `${JSON.stringify(config, null, 2)}\n` }];
  const paths = folders.length ? folders.map((f) => f.path).join(' ') : '.';
  if (options.github) files.push({ path: '.github/workflows/lockstep.yml', text: githubWorkflow(paths, options.action ?? DEFAULT_ACTION) });
  if (options.gitlab) files.push({ path: '.gitlab-ci.yml', text: gitlabInclude(paths), appendOnly: existsSync(join(root, '.gitlab-ci.yml')) });
  return { folders, files };
}

export const DEFAULT_ACTION = 'lockstep/lockstep@v1';

export function githubWorkflow(paths: string, action: string): string {
  return `name: Lockstep
on:
  pull_request:
    paths: ['**/*.sql', 'lockstep.config.json']
permissions:
  contents: read
  pull-requests: write
  security-events: write
jobs:
  migrations:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: ${action}
        with:
          paths: ${paths}
`;
}

export function gitlabInclude(paths: string): string {
  return `include:
  - remote: 'https://<where you host lockstep>/ci/gitlab/lockstep.gitlab-ci.yml'
variables:
  LOCKSTEP_PATHS: ${paths}
`;
}
