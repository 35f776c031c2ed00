/**
 * The schema before a migration file, replayed from the migrations that ran before it, and
 * cached so the language server re-parses earlier files only when one of them changes.
 * The same Catalog object comes back while nothing changed, so the engine's memo stays warm.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname } from 'node:path';
import { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { detectRunner } from '../document/runner';
import { knownFolderListing, knownListingOf, listFolder, readProjectFacts } from '../document/projectFacts';
import { buildDocument } from '../document/model';
import { parseChunk, parseChunksTogether } from '../parse/pgParser';
import { findMarkerLines, type RunnerMarker } from '../parse/markers';
import { earlierMigrationsIn, type MigrationFileSystem, type TypedEntry } from './migrationSet';
import { fileVersion, readRegularFile } from './regularFile';
import { detectFramework, isHostPath } from '../frameworks/registry';
import { earlierHostMigrations, hostBaseline, replayHost } from '../frameworks/history';

export interface HistoryFileSystem extends MigrationFileSystem {
  readFile(path: string): string;
  /** A value that changes when the file changes (mtime and size). */
  version(path: string): string;
  /** Answers never change (a snapshot): a step checked once against it stays valid. */
  readonly unchanging?: boolean;
  /** `readdir` with each entry's type as the folder listing gives it (no stat per entry); [] when it cannot be read. */
  readdirTyped?(dir: string): TypedEntry[];
}

export const nodeFileSystem: HistoryFileSystem = {
  readdir: (dir) => {
    try {
      // A one-shot run's listings are shared with the CLI's walk and the project facts (projectFacts.ts).
      return listFolder(dir) as string[];
    } catch {
      return [];
    }
  },
  isDirectory: (path) => {
    // A folder this run listed is one (a Diesel set asked this of each of its ~300 folders).
    if (knownListingOf(path)) return true;
    try {
      return nodeFs.statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  readdirTyped: (dir) => {
    // Listed by this run's walk already: its names, and `isDirectory` answers from the walk's listings.
    const known = knownListingOf(dir);
    if (known) return known.map((name) => ({ name, directory: undefined }));
    try {
      const entries = nodeFs.readdirSync(dir, { withFileTypes: true });
      knownFolderListing(dir, entries.map((e) => e.name));
      return entries.map((e) => ({ name: e.name, directory: e.isDirectory() ? true : e.isFile() ? false : undefined }));
    } catch {
      return [];
    }
  },
  readFile: (path) => readRegularFile(path, MAX_REPLAYED_FILE_BYTES * 4),
  version: (path) => {
    try {
      return fileVersion(nodeFs.statSync(path));
    } catch {
      return 'missing';
    }
  },
};

/**
 * A view of `fs` that answers each question once: for a CLI run, where files do not change
 * underneath, and listing a migration folder per file would otherwise cost O(files²) system calls.
 * A folder's listing also answers `isDirectory` for its entries when it says what they are: a
 * Diesel or Prisma set is one folder per migration, and a stat of each cost more than the rest of
 * a one-file lint's history lookup (BENCHMARKS.md, issue 14, eleventh session, start-up).
 */
export function snapshotFileSystem(fs: HistoryFileSystem = nodeFileSystem): HistoryFileSystem {
  const memo = <T>(fn: (path: string) => T) => {
    const seen = new Map<string, T>();
    return (path: string): T => {
      if (!seen.has(path)) seen.set(path, fn(path));
      return seen.get(path)!;
    };
  };
  /** Folder → its entries' names → is a directory, from the typed listings read so far. */
  const listed = new Map<string, Map<string, boolean>>();
  const readdir = (dir: string): string[] => {
    if (!fs.readdirTyped) return fs.readdir(dir);
    const entries = fs.readdirTyped(dir);
    const kinds = new Map<string, boolean>();
    for (const entry of entries) if (entry.directory !== undefined) kinds.set(entry.name, entry.directory);
    listed.set(dir, kinds);
    return entries.map((entry) => entry.name);
  };
  // dirname and basename, not a join per entry: path.join normalizes the whole path, and 342 of them
  // were a third of a Diesel set's lookup in a cold process. A path written differently misses: a stat answers.
  const isDirectory = (path: string): boolean => listed.get(dirname(path))?.get(basename(path)) ?? fs.isDirectory(path);
  return { readdir: memo(readdir), isDirectory: memo(isDirectory), version: memo(fs.version), readFile: fs.readFile, unchanging: true };
}

/** Files larger than this are not replayed (a data dump is not schema history). */
const MAX_REPLAYED_FILE_BYTES = 2_000_000;

interface Step {
  path: string;
  version: string;
  /** Schema after this file; undefined once released (`retain: 'latest'`). */
  after: Catalog | undefined;
}

/**
 * What a history keeps between questions. `all` (the editor): every file's schema, so a question
 * about any file of a set is answered from memory. `latest` (a one-pass CLI run, files asked for
 * in runner order): only the newest few schemas of each set and the last few linted files, so memory
 * stays flat however long the set is; asking about a file further back replays from the start.
 */
export type HistoryRetention = 'all' | 'latest';

/** `latest`: linted files kept for the next file of their set (Diesel lints down.sql between two up.sql files). */
const LATEST_LINTED = 16;
/**
 * `latest`: each set's newest schemas kept, for a file asked for a few steps out of the runner's order.
 * They share most of their structure (the catalog's persistent maps), so a few cost little memory.
 */
const LATEST_STEPS = 16;

export class SchemaHistory {
  /** Replayed steps per migration set (keyed by the first earlier file's folder), oldest first. */
  private readonly chains = new Map<string, Step[]>();
  /**
   * Per chain, how many of its steps were checked against an unchanging file system, and the ordered
   * set they came from: the next file of the set asks the file system only about newer steps, and
   * compares no path it has compared before (N checks for N files, not N²/2).
   */
  private readonly checked = new WeakMap<Step[], { paths: readonly string[]; count: number }>();
  /** Versions of steps asked of the file system, for tests that the check is linear. */
  stepsChecked = 0;
  /** Step paths compared with the file system's list, for the same tests. */
  pathsCompared = 0;
  /** Earlier files read and built again (not taken from a lint the caller recorded), for tests and LOCKSTEP_DEBUG. */
  replays = 0;
  /** Schemas after files the caller linted itself (path → what it ran against and what it left). */
  private readonly linted = new Map<string, { version: string; before: Catalog | undefined; after: Catalog }>();
  /** Versions the caller read with the file (`record`), on an unchanging file system: not asked again. */
  private readonly knownVersions = new Map<string, string>();
  /** Schema dumps (Rails' db/schema.rb, db/structure.sql) built once per version of the file. */
  private readonly baselines = new Map<string, Catalog>();
  /** Recent answers, so typing in the editor does not stat every earlier migration per keystroke. */
  private readonly recent = new Map<string, { at: number; schema: Catalog | undefined }>();

  /** `recheckMs`: how long an answer is trusted before the files are looked at again (0: always). */
  constructor(
    private readonly fs: HistoryFileSystem = nodeFileSystem,
    private readonly recheckMs = 0,
    private readonly now: () => number = Date.now,
    private readonly retain: HistoryRetention = 'all',
  ) {}

  /**
   * The schema `file` runs against, or undefined when no earlier migration exists.
   * Unreadable or unparsable earlier files are skipped: history is a best effort.
   */
  schemaBefore(file: string, text: string, config: LockstepConfig): Catalog | undefined {
    // Answers that are never trusted (the CLI: recheckMs 0) need not be kept (they would hold every
    // file's schema), nor their key built.
    if (this.recheckMs <= 0) return this.compute(file, text, config);
    const recentKey = `${config.pgVersion}|${config.runner}|${file}`;
    const recent = this.recent.get(recentKey);
    if (recent && this.now() - recent.at < this.recheckMs) return recent.schema;
    const schema = this.compute(file, text, config);
    this.recent.set(recentKey, { at: this.now(), schema });
    return schema;
  }

  /** An editor closed `file`: its cached answers go (the chains of earlier files stay; they are shared). */
  forget(file: string): void {
    for (const key of this.recent.keys()) if (key.endsWith(`|${file}`)) this.recent.delete(key);
    this.linted.delete(file);
  }

  /** Cached answers per file, for tests of memory release. */
  size(): number {
    return this.recent.size + this.linted.size;
  }

  /**
   * Remember the schema a lint of `file` produced, so a later file of the same set need not
   * replay it again (the CLI lints a migration set in order: each file is the next one's history).
   */
  record(file: string, before: Catalog | undefined, after: Catalog, version?: string): void {
    // The CLI read the file a moment ago: its stat is the version (one stat per file, not two).
    if (version !== undefined && this.fs.unchanging) this.knownVersions.set(file, version);
    this.linted.delete(file);
    this.linted.set(file, { version: this.versionOf(file), before, after });
    if (this.retain === 'latest' && this.linted.size > LATEST_LINTED) this.linted.delete(this.linted.keys().next().value!);
  }

  private compute(file: string, text: string, config: LockstepConfig): Catalog | undefined {
    const framework = isHostPath(file) ? detectFramework(file, text) : undefined;
    const baseline = framework ? hostBaseline(file, framework, this.fs) : undefined;
    // The earlier files are the first `count` of `paths` (not a copy: a set of N files would copy N²/2 paths).
    let { paths, count } = framework
      ? listed(earlierHostMigrations(file, framework, this.fs))
      : earlierMigrationsIn(file, detectRunner(file, runnerMarkers(text.slice(0, 4096)), config.runner, readProjectFacts(file)), this.fs);
    let start: Catalog | undefined;
    let baseKey = '';
    if (baseline) {
      // The dump holds what the migrations up to its version did: only newer ones replay on top of it.
      ({ paths, count } = listed(paths.slice(0, count).filter((path) => !baseline.covers(path))));
      baseKey = `${baseline.path}@${this.fs.version(baseline.path)}`;
      start = this.baselines.get(`${config.pgVersion}|${baseKey}`);
      if (!start) {
        start = baseline.build(config);
        this.baselines.set(`${config.pgVersion}|${baseKey}`, start);
      }
    }
    if (count === 0) return start;
    const key = `${config.pgVersion}|${baseKey}|${paths[0]}`;
    const chain = this.chains.get(key) ?? [];
    // Steps already checked against an unchanging snapshot keep their version; those checked against
    // this same list (the same array) also keep their path: the chain holds the list's first `count`.
    const checked = this.fs.unchanging ? this.checked.get(chain) : undefined;
    const known = checked?.count ?? 0;
    let valid = checked?.paths === paths ? Math.min(known, chain.length, count) : 0;
    while (valid < chain.length && valid < count && chain[valid].path === paths[valid] && (valid < known || chain[valid].version === this.versionOf(paths[valid]))) {
      this.pathsCompared++;
      if (valid >= known) this.stepsChecked++;
      valid++;
    }
    // The CLI's one pass (`latest`) asked for an earlier file again, with every step before it still
    // valid: the newer steps stay (they are checked again when asked for). The CLI lints in path
    // order, which is not always the runner's: in Diesel's order `2026-05-27-120000_a` runs before
    // `2026-05-27-120000-0000_b`, and cutting the chain at `_a` made the next file replay 265 earlier
    // files (crates.io, eleventh session). Only there: the editor's lint of a file (its unsaved text)
    // takes the place of the file's replayed step, so its chain is cut as before.
    if (this.retain === 'latest' && valid === count && chain[count - 1].after) {
      if (this.fs.unchanging && (checked?.paths !== paths || known < valid)) this.checked.set(chain, { paths, count: valid });
      return chain[count - 1].after;
    }
    // Replay from the newest step still holding its schema (all of them, unless `retain: 'latest'` released some).
    while (valid > 0 && !chain[valid - 1].after) valid--;
    chain.length = valid;
    for (let i = valid; i < count; i++) {
      const before = i === 0 ? start : chain[i - 1].after;
      const version = this.versionOf(paths[i]);
      const linted = this.linted.get(paths[i]);
      const reuse = linted && linted.version === version && linted.before === before;
      chain.push({ path: paths[i], version, after: reuse ? linted.after : this.replay(paths[i], before ?? new Catalog(), config) });
      if (this.retain === 'latest') {
        if (reuse) this.linted.delete(paths[i]);
        // The last few schemas stay, for a file asked for a little out of the runner's order (above).
        if (i >= LATEST_STEPS) chain[i - LATEST_STEPS].after = undefined;
      }
    }
    this.chains.set(key, chain);
    if (this.fs.unchanging) this.checked.set(chain, { paths, count: chain.length });
    return chain[count - 1].after;
  }

  private versionOf(path: string): string {
    return this.knownVersions.get(path) ?? this.fs.version(path);
  }

  private replay(path: string, before: Catalog, config: LockstepConfig): Catalog {
    this.replays++;
    let text: string;
    try {
      text = this.fs.readFile(path);
    } catch {
      return before;
    }
    if (text.length > MAX_REPLAYED_FILE_BYTES) return before;
    if (isHostPath(path)) return replayHost(path, text, before, config);
    return buildDocument(text, { path, config, parse: parseChunk, parseTogether: parseChunksTogether, catalog: before }).catalog;
  }
}

/**
 * `splitSql(text).markers` without splitting: the splitter takes every marker line findMarkerLines
 * finds, in order, and nothing else (markers are whole `--` lines, found before any lexing). The
 * split of each file's first 4 KB here cost as much as the engine's split of the whole file.
 */
export function runnerMarkers(text: string): RunnerMarker[] {
  return findMarkerLines(text).map((line) => line.marker);
}

/** A list of earlier files as `earlierMigrationsIn` gives them. */
function listed(paths: string[]): { paths: readonly string[]; count: number } {
  return { paths, count: paths.length };
}
