/**
 * Which files of a workspace the index reads: what git tracks or would track (so `.gitignore` is
 * honoured exactly), or, outside a git repository, a walk that skips dot-folders, node_modules and
 * what the root `.gitignore` names. Migration folders are never application code; `codeScan.include`
 * / `codeScan.exclude` globs (relative to the root) narrow the rest.
 */
import { childProcess } from '../startup/lazyBuiltins';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { SOURCES } from './sources';

export interface CodeScanSettings {
  include?: string[];
  exclude?: string[];
}

/** Folders that hold migrations (Rails db/migrate, Django/Alembic/Flyway/…): their SQL is what is checked, not code. */
const MIGRATION_SEGMENT = /(?:^|\/)(?:migrations?|migrate|alembic\/versions|flyway|changelogs?|priv\/repo\/migrations)(?:\/|$)/i;
const ALWAYS_SKIPPED = /(?:^|\/)(?:node_modules|\.git|\.hg|\.svn|vendor\/bundle|__pycache__|\.venv|venv)(?:\/|$)/;
/** Flyway-style versioned SQL outside a migrations folder is still a migration. */
const VERSIONED_SQL = /(?:^|\/)(?:[VUR]\d[\w.]*__[^/]*|\d{3,}[_-][^/]*)\.sql$/i;

export function isApplicationCode(relPath: string): boolean {
  return !MIGRATION_SEGMENT.test(relPath) && !ALWAYS_SKIPPED.test(relPath) && !VERSIONED_SQL.test(relPath) && SOURCES.some((s) => s.accepts(relPath));
}

export function scanFilter(settings: CodeScanSettings = {}): (relPath: string) => boolean {
  const include = settings.include?.length ? picomatch(settings.include, { dot: true }) : undefined;
  const exclude = settings.exclude?.length ? picomatch(settings.exclude, { dot: true }) : undefined;
  return (rel) => isApplicationCode(rel) && (!include || include(rel)) && !(exclude && exclude(rel));
}

/** The root's files the index should read, as `/`-separated paths relative to `root`. */
export function listCodeFiles(root: string, settings?: CodeScanSettings): string[] {
  const keep = scanFilter(settings);
  return (gitFiles(root) ?? walk(root)).filter(keep);
}

function gitFiles(root: string): string[] | undefined {
  try {
    const out = childProcess().execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.toString('utf8').split('\0').filter((p) => p && existsSync(join(root, p)));
  } catch {
    return undefined;
  }
}

function walk(root: string): string[] {
  const ignore = rootGitignore(root);
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (e.name.startsWith('.') || e.name === 'node_modules' || ignore(rel) || ignore(`${rel}/`)) continue;
      if (e.isDirectory()) visit(abs);
      else if (e.isFile()) out.push(rel);
    }
  };
  visit(root);
  return out;
}

/** The root `.gitignore`'s plain patterns (no negations): enough for a folder that is not a repository. */
function rootGitignore(root: string): (rel: string) => boolean {
  let text = '';
  try {
    text = readFileSync(join(root, '.gitignore'), 'utf8');
  } catch {
    return () => false;
  }
  const globs = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .flatMap((l) => {
      const anchored = l.startsWith('/') || l.slice(0, -1).includes('/');
      const body = l.replace(/^\//, '').replace(/\/$/, '');
      const base = anchored ? body : `**/${body}`;
      return [base, `${base}/**`];
    });
  if (globs.length === 0) return () => false;
  const match = picomatch(globs, { dot: true });
  return (rel) => match(rel.replace(/\/$/, ''));
}
