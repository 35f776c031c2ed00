/**
 * What a migration's surroundings say about how its runner treats it: per-script settings files
 * (Flyway `<script>.sql.conf`, Diesel `metadata.toml`), the Drizzle journal, Atlas's `atlas.sum`, and
 * the tools the project depends on (package.json, Cargo.toml, graphile-migrate's `.gmrc`).
 * Read from disk next to the file; a missing or unreadable file is simply not a fact.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ProjectFacts {
  /** Flyway `<script>.sql.conf`: `executeInTransaction`, when the file sets it. */
  flywayExecuteInTransaction?: boolean;
  /** Diesel `<migration>/metadata.toml`: `run_in_transaction`, when the file sets it. */
  dieselRunInTransaction?: boolean;
  /** A Drizzle Kit `meta/_journal.json` sits next to the file. */
  drizzleJournal?: boolean;
  /** An Atlas `atlas.sum` sits next to the file. */
  atlasSum?: boolean;
  /** graphile-migrate's `.gmrc` (or `.gmrc.js`) in a folder above. */
  graphileConfig?: boolean;
  /** Migration tools the nearest package.json / Cargo.toml depends on (`prisma`, `postgres-migrations`, `sqlx`, …). */
  tools: string[];
  /** Prisma's version from the nearest package.json (`prisma` or `@prisma/client`), as [major, minor]. */
  prismaVersion?: [number, number];
}

export const NO_FACTS: ProjectFacts = Object.freeze({ tools: [] }) as ProjectFacts;

const TOOL_PACKAGES = ['prisma', '@prisma/client', 'drizzle-kit', 'postgres-migrations', 'graphile-migrate'];
const EDITOR_CACHE_MS = 2000;
let cacheMs = EDITOR_CACHE_MS;
/** Enough for every folder of a large migration set, so a run over many files does not re-read them. */
const CACHE_ENTRIES = 20_000;
const cache = new Map<string, { at: number; value: unknown }>();

/** Re-reading on every keystroke is wasteful; facts a couple of seconds old are fine. */
function cached<T>(key: string, read: () => T): T {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < cacheMs) return hit.value as T;
  const value = read();
  if (cache.size > CACHE_ENTRIES) cache.clear();
  cache.set(key, { at: now, value });
  return value;
}

/**
 * A one-shot run (`lockstep lint`) reads each fact once: the files do not change under it, and on a
 * busy machine a run over a few thousand files outlasts the editor's two-second freshness many times.
 */
export function keepProjectFactsForTheRun(keep = true): void {
  cacheMs = keep ? Infinity : EDITOR_CACHE_MS;
  runListings.clear();
  folderReads.count = 0;
}

/**
 * During a one-shot run, each folder's names as read (by the CLI's walk, or here): the walk, these
 * facts and the schema history each listed the same folders, ~1,900 `readdirSync` calls for the
 * corpus's 651 folders (BENCHMARKS.md, issue 14, eleventh session). Empty outside a run.
 */
const runListings = new Map<string, readonly string[]>();

/** Folders listed here (tests: a folder the walk listed is not listed again). */
export const folderReads = { count: 0 };

/** The CLI's walk listed `dir` (an absolute path): in a one-shot run, nobody needs to list it again. */
export function knownFolderListing(dir: string, names: readonly string[]): void {
  if (cacheMs === Infinity && !runListings.has(dir)) runListings.set(dir, names);
}

/** The names in `dir` if this run has listed it already (undefined: not known, ask the file system). */
export function knownListingOf(dir: string): readonly string[] | undefined {
  return runListings.get(dir);
}

/** `readdirSync(dir)`, read once per run in a one-shot run (see runListings); throws as readdirSync does. */
export function listFolder(dir: string): readonly string[] {
  const known = runListings.get(dir);
  if (known) return known;
  folderReads.count++;
  const names = readdirSync(dir);
  if (cacheMs === Infinity) runListings.set(dir, names);
  return names;
}

/**
 * The names in a folder, read once; undefined when it cannot be listed. Looking a name up here first
 * saves a failed stat for each fact file that is not there (most folders have none of them).
 */
function listing(dir: string): ReadonlySet<string> | undefined {
  return cached(`l:${dir}`, () => {
    try {
      // Lower case: on a case-insensitive file system `cargo.toml` answers for `Cargo.toml`; the stat decides.
      return new Set(listFolder(dir).map((n) => n.toLowerCase()));
    } catch {
      return undefined;
    }
  });
}

/** `existsSync(join(dir, name))`, skipped when the folder's listing has no such name. */
function present(dir: string, name: string): boolean {
  const names = listing(dir);
  return (!names || names.has(name.toLowerCase())) && existsSync(join(dir, name));
}

/** `readText(join(dir, name))`, skipped when the folder's listing has no such name. */
function readIn(dir: string, name: string): string | undefined {
  const names = listing(dir);
  return !names || names.has(name.toLowerCase()) ? readText(join(dir, name)) : undefined;
}

function readText(path: string): string | undefined {
  try {
    return statSync(path).size <= 1_000_000 ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** `key = value` / `key=value` (Flyway .conf, TOML) → the boolean value, when it is one. */
export function booleanSetting(text: string | undefined, key: string): boolean | undefined {
  if (!text) return undefined;
  const m = new RegExp(`^\\s*${key}\\s*=\\s*"?(true|false)"?\\s*(#.*)?$`, 'mi').exec(text);
  return m ? m[1].toLowerCase() === 'true' : undefined;
}

/**
 * Per-file answers, apart from the folders' facts: a run over a 20,000-file folder filled the shared
 * cache with two keys per file and cleared it (the folder's listing with it) every ~10,000 files.
 * Each file is asked about twice in a row (its runner for history, then the engine), so a few suffice.
 */
const FILE_ENTRIES = 256;
const fileCache = new Map<string, { at: number; value: ProjectFacts }>();

/** Facts about the project around `path` (an absolute or relative file path). */
export function readProjectFacts(path: string | undefined): ProjectFacts {
  if (!path) return NO_FACTS;
  const now = Date.now();
  const hit = fileCache.get(path);
  if (hit && now - hit.at < cacheMs) return hit.value;
  const value = factsAt(path);
  if (fileCache.size >= FILE_ENTRIES) fileCache.clear();
  fileCache.set(path, { at: now, value });
  return value;
}

/** Entries in the folders' cache, for tests that a run over many files adds none per file. */
export function projectFactsCacheSize(): number {
  return cache.size;
}

function factsAt(path: string): ProjectFacts {
  const dir = dirname(path);
  const base = basename(path);
  const sql = /\.sql$/i.test(base);
  const diesel = /^(up|down)\.sql$/i.test(base);
  // Asked once per file (the file cache above keeps the answer): a lookup in the folder's listing.
  const conf = sql ? readIn(dir, `${base}.conf`) : undefined;
  const folder = folderFacts(dir);
  // Most files: SQL with no settings file of their own, the same facts as their neighbours'.
  if (sql && !diesel && conf === undefined) return folder.plainSql;
  const facts: ProjectFacts = { ...folder.upward };
  if (sql) facts.flywayExecuteInTransaction = booleanSetting(conf, 'executeInTransaction');
  if (diesel) facts.dieselRunInTransaction = booleanSetting(cached(`t:${dir}/metadata.toml`, () => readIn(dir, 'metadata.toml')), 'run_in_transaction');
  facts.drizzleJournal = folder.drizzleJournal;
  facts.atlasSum = folder.atlasSum;
  return facts;
}

interface FolderFacts {
  upward: Omit<ProjectFacts, 'flywayExecuteInTransaction' | 'dieselRunInTransaction'>;
  drizzleJournal: boolean;
  atlasSum: boolean;
  /** The facts of a `.sql` file here with no `.conf` of its own (and not Diesel's up/down.sql). */
  plainSql: ProjectFacts;
}

function folderFacts(dir: string): FolderFacts {
  return cached(`d:${dir}`, () => {
    const upward = upwardFacts(dir);
    const drizzleJournal = present(dir, 'meta') && existsSync(join(dir, 'meta', '_journal.json'));
    const atlasSum = present(dir, 'atlas.sum');
    // The same keys in the same order as a file's own facts object.
    return { upward, drizzleJournal, atlasSum, plainSql: { ...upward, flywayExecuteInTransaction: undefined, drizzleJournal, atlasSum } };
  });
}

/** Walks up (a few levels) to the nearest package.json and Cargo.toml, and any `.gmrc`. */
function upwardFacts(start: string): Omit<ProjectFacts, 'flywayExecuteInTransaction' | 'dieselRunInTransaction'> {
  return cached(`u:${start}`, () => {
    const facts: ProjectFacts = { tools: [] };
    let sawPackage = false;
    let sawCargo = false;
    let dir = start;
    for (let depth = 0; depth < 8; depth++) {
      if (!facts.graphileConfig && (present(dir, '.gmrc') || present(dir, '.gmrc.js'))) facts.graphileConfig = true;
      if (!sawPackage) {
        const pkg = readIn(dir, 'package.json');
        if (pkg !== undefined) {
          sawPackage = true;
          Object.assign(facts, packageFacts(pkg, facts.tools));
        }
      }
      if (!sawCargo) {
        const cargo = readIn(dir, 'Cargo.toml');
        if (cargo !== undefined) {
          sawCargo = true;
          if (/^\s*sqlx(\s*=|\s*\.|-)/m.test(cargo) || /\[dependencies\.sqlx\]/.test(cargo)) facts.tools.push('sqlx');
          if (/^\s*diesel(\s*=|\s*\.)/m.test(cargo)) facts.tools.push('diesel');
        }
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return facts;
  });
}

function packageFacts(text: string, tools: string[]): Partial<ProjectFacts> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
  const deps: Record<string, unknown> = {};
  for (const key of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const value = json[key];
    if (value && typeof value === 'object') Object.assign(deps, value);
  }
  // Runtime dependencies only: a tool a project merely tests against (a devDependency) does not run its migrations.
  const runtime = (json.dependencies && typeof json.dependencies === 'object' ? json.dependencies : {}) as Record<string, unknown>;
  for (const name of TOOL_PACKAGES) if (typeof runtime[name] === 'string') tools.push(name);
  const spec = (deps.prisma ?? deps['@prisma/client']) as string | undefined;
  const m = typeof spec === 'string' ? /(\d+)\.(\d+)/.exec(spec) ?? /(\d+)/.exec(spec) : null;
  return m ? { prismaVersion: [Number(m[1]), Number(m[2] ?? 0)] } : {};
}
