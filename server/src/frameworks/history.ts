/**
 * Schema history for host files: the earlier migrations of the same framework in the same folder
 * (in the order the framework runs them: its file names start with a timestamp or a number, so a
 * natural sort is that order), and the schema each one leaves.
 */
import { basename, dirname, join } from 'node:path';
import { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { buildDocument } from '../document/model';
import { naturalCompare } from '../history/naturalCompare';
import { parseChunk } from '../parse/pgParser';
import { layOut } from './lint';
import { alembicAncestors, alembicRevision } from './alembic';
import { extractRailsSchema } from './rails';
import { detectFramework, isHostPath } from './registry';
import type { FrameworkExtractor } from './types';

interface Listing {
  readdir(dir: string): string[];
  readFile(path: string): string;
}

/**
 * Alembic: the revisions before `file` along its `down_revision` graph (branches and merges), in
 * an order Alembic could run them. Undefined when `file` names no revision (file order then).
 */
function earlierAlembicRevisions(file: string, fs: Listing): string[] | undefined {
  const folder = dirname(file);
  const graph = new Map<string, { revision: string; follows: string[] }>();
  for (const entry of fs.readdir(folder)) {
    if (!entry.endsWith('.py')) continue;
    const path = join(folder, entry);
    try {
      const text = fs.readFile(path);
      const r = detectFramework(path, text)?.id === 'alembic' ? alembicRevision(text) : undefined;
      if (r) graph.set(path, r);
    } catch {
      // An unreadable file is no revision.
    }
  }
  return alembicAncestors(file, graph, (a, b) => naturalCompare(basename(a), basename(b)));
}

/**
 * Absolute paths of the migrations of `framework` that run before `file`: Alembic's ancestors of
 * its revision; for the others, the files of its folder that sort before it.
 */
export function earlierHostMigrations(file: string, framework: FrameworkExtractor, fs: Listing): string[] {
  if (framework.id === 'alembic') {
    const revisions = earlierAlembicRevisions(file, fs);
    if (revisions) return revisions;
  }
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

/**
 * A schema dump kept next to the migrations (Rails' `db/structure.sql` or `db/schema.rb`): the schema
 * after every migration up to `version`. A migration newer than it runs against it, plus the
 * migrations between the two; older migrations are already inside it, so they replay as before.
 */
export interface SchemaBaseline {
  path: string;
  version: bigint;
  /** The migrations it covers (those up to `version`) are not replayed on top of it. */
  covers(migration: string): boolean;
  build(config: LockstepConfig): Catalog;
}

/** The leading timestamp of a Rails migration's file name (`20240101000000_create_users.rb`). */
function railsVersion(path: string): bigint | undefined {
  const m = /^(\d+)_/.exec(basename(path));
  return m ? BigInt(m[1]) : undefined;
}

/** The highest version a structure.sql records in `schema_migrations` (its closing INSERT). */
function structureVersion(sql: string): bigint | undefined {
  const insert = sql.lastIndexOf('INSERT INTO "schema_migrations"');
  if (insert < 0) return undefined;
  let max: bigint | undefined;
  for (const m of sql.slice(insert).matchAll(/\('(\d+)'\)/g)) if (max === undefined || BigInt(m[1]) > max) max = BigInt(m[1]);
  return max;
}

const replaySql = (sql: string, path: string, config: LockstepConfig, before: Catalog) =>
  buildDocument(sql, { path, config: { ...config, runner: 'plain', transaction: 'never' }, parse: parseChunk, catalog: before }).catalog;

/** The baseline `file` runs on, when its framework keeps one and `file` is newer than it. */
export function hostBaseline(file: string, framework: FrameworkExtractor, fs: Listing): SchemaBaseline | undefined {
  const own = railsVersion(file);
  if (framework.id !== 'rails' || own === undefined || basename(dirname(file)) !== 'migrate') return undefined;
  const db = dirname(dirname(file));
  const present = new Set(fs.readdir(db));
  // structure.sql is the fuller dump (schema_format = :sql); schema.rb otherwise.
  for (const name of ['structure.sql', 'schema.rb']) {
    if (!present.has(name)) continue;
    const path = join(db, name);
    let text: string;
    try {
      text = fs.readFile(path);
    } catch {
      continue;
    }
    const schemaRb = name === 'schema.rb' ? extractRailsSchema(text) : undefined;
    const version = name === 'structure.sql' ? structureVersion(text) : schemaRb?.version ? BigInt(schemaRb.version) : undefined;
    if (version === undefined || own <= version) continue;
    return {
      path,
      version,
      covers: (migration) => (railsVersion(migration) ?? 0n) <= version,
      build: (config) => replaySql(schemaRb ? layOut(schemaRb.extraction).sql : text, path, config, new Catalog()),
    };
  }
  return undefined;
}
