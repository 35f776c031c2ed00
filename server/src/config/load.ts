/**
 * Finds and reads `lockstep.config.json`, for the language server and the CLI alike.
 * Nothing here throws: unreadable files, bad JSON and bad values become `problems`,
 * and every key that could not be used keeps its default.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_CONFIG, type LockstepConfig } from './types';
import { LineIndex } from '../parse/positions';
import { parseJsonc } from './jsonc';
import { validateConfig } from './validate';
import { presetLayer } from './presets';
import { globToRegExp, toPosixPath } from './glob';
import { knownListingOf } from '../document/projectFacts';

export const CONFIG_FILE_NAME = 'lockstep.config.json';

export interface ConfigProblem {
  file: string;
  message: string;
  /** 1-based. */
  line?: number;
  /** 1-based, in UTF-16 code units. */
  column?: number;
}

export interface ConfigLoadResult {
  config: LockstepConfig;
  /** The config file that was read, if any. */
  file?: string;
  problems: ConfigProblem[];
}

export interface LoadOptions {
  /** When given, rule ids outside this list are reported as problems. */
  knownRuleIds?: readonly string[];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Searches `startDir` and its parents for `lockstep.config.json`; `stopAt` is the last folder searched. */
export function findConfigFile(startDir: string, stopAt?: string): string | undefined {
  const stop = stopAt === undefined ? undefined : resolve(stopAt);
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    // A folder this run listed (the CLI's walk) without the name needs no stat (case-insensitive: the stat decides).
    const names = knownListingOf(dir);
    if ((!names || names.some((n) => n.toLowerCase() === CONFIG_FILE_NAME)) && isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}

/** Defaults, then `base`, then the runner presets `overrides` extends, then `overrides`; rule settings merge per rule id. */
function merge(base: Partial<LockstepConfig> | undefined, fileSettings: Partial<LockstepConfig>): LockstepConfig {
  const preset = presetLayer(fileSettings);
  const overrides = { ...preset, ...fileSettings, rules: { ...preset.rules, ...fileSettings.rules } };
  return {
    ...DEFAULT_CONFIG,
    ...base,
    ...overrides,
    rules: { ...DEFAULT_CONFIG.rules, ...base?.rules, ...overrides.rules },
    // Category settings merge per category, like rules.
    ...(base?.categories || overrides.categories ? { categories: { ...base?.categories, ...overrides.categories } } : {}),
    // Throughput figures merge per key, so a file can set one and keep the editor's others.
    ...(base?.estimate || overrides.estimate ? { estimate: { ...base?.estimate, ...overrides.estimate } } : {}),
  };
}

function readProblem(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'config file not found';
  if (code === 'EISDIR') return 'config path is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied reading the config file';
  return `cannot read the config file: ${(err as Error)?.message ?? String(err)}`;
}

export function loadConfigFile(
  file: string,
  base?: Partial<LockstepConfig>,
  options: LoadOptions = {},
): ConfigLoadResult {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { config: merge(base, {}), file: path, problems: [{ file: path, message: readProblem(path, err) }] };
  }

  const parsed = parseJsonc(text);
  const lines = new LineIndex(text);
  /** 1-based, as compilers print them (and the language server converts back). */
  const lineColumnAt = (offset: number) => {
    const { line, character } = lines.positionAt(offset);
    return { line: line + 1, column: character + 1 };
  };
  if (parsed.error) {
    const at = lineColumnAt(parsed.error.offset);
    const message = `invalid JSON: ${parsed.error.message}`;
    return { config: merge(base, {}), file: path, problems: [{ file: path, message, ...at }] };
  }

  const validated = validateConfig(parsed.value, options);
  const problems = validated.problems.map((p): ConfigProblem => {
    const offset = parsed.offsets.get(p.path) ?? parsed.offsets.get('') ?? 0;
    return { file: path, message: p.message, ...lineColumnAt(offset) };
  });
  return { config: merge(base, validated.config), file: path, problems };
}

/** The configuration that applies to `filePath`: the nearest config file above it, layered over `base`. */
export function resolveConfigFor(
  filePath: string,
  base?: Partial<LockstepConfig>,
  options: LoadOptions = {},
): ConfigLoadResult {
  const file = findConfigFile(dirname(resolve(filePath)));
  return file ? loadConfigFile(file, base, options) : { config: merge(base, {}), problems: [] };
}

/**
 * Whether `filePath` matches one of the config's `exclude` globs. Globs are relative to the config
 * file's folder (or `rootDir` when there is no file). A pattern without `/` matches a name in any folder,
 * and a pattern that matches a folder excludes everything inside it.
 */
export function isExcluded(result: ConfigLoadResult, filePath: string, rootDir?: string): boolean {
  const patterns = result.config.exclude;
  if (patterns.length === 0) return false;
  const root = result.file ? dirname(result.file) : resolve(rootDir ?? process.cwd());
  const rel = toPosixPath(relative(root, resolve(filePath)));
  if (rel === '' || rel.startsWith('../') || rel === '..') return false;
  const segments = rel.split('/');
  return patterns.some((pattern) => {
    const posix = pattern.replace(/^(?:\.\/)+/, '');
    const clean = posix.replace(/^\/+|\/+$/g, '');
    const re = globToRegExp(clean);
    // Like .gitignore: `name` matches at any depth, `/name` and `dir/name` only from the root.
    const anywhere = !posix.replace(/\/+$/, '').includes('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (re.test(prefix)) return true;
      if (anywhere && re.test(segments[i - 1])) return true;
    }
    return false;
  });
}
