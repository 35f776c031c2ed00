/** Runs the bundled `dist/cli.js` as users do: a child process, exit code, stdout and stderr. */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '../../..');
export const CLI = join(REPO_ROOT, 'dist/cli.js');

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first; when run alone (`npm run test:unit`), build if dist/ is missing or stale. */
export function ensureBuilt(): void {
  const stale = !existsSync(CLI) || statSync(CLI).mtimeMs < newestSourceTime(join(REPO_ROOT, 'server/src'));
  if (stale) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: SpawnSyncOptions & { cli?: string; nodeArgs?: string[] } = {}): CliRun {
  const { cli = CLI, nodeArgs = [], ...spawnOptions } = options;
  const result = spawnSync(process.execPath, [...nodeArgs, cli, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    ...spawnOptions,
    // LOCKSTEP_NO_CODE: a lint of a fixture inside this repository would check it against the
    // repository's own code by default; the tests of that default (defaultCode.e2e.test.ts) unset it.
    env: { ...process.env, NO_COLOR: '', LOCKSTEP_DEBUG: '', LOCKSTEP_NO_CODE: '1', ...spawnOptions.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A run of the CLI with each V8 flag it set from inside its process, in order (a preload logs every `v8.setFlagsFromString`). */
export function runCliLoggingV8Flags(args: string[], options: SpawnSyncOptions = {}): CliRun & { flags: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-flags-'));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, `
    const v8 = require('node:v8');
    const set = v8.setFlagsFromString;
    v8.setFlagsFromString = (flags) => { process.stderr.write('flag ' + flags + '\\n'); return set(flags); };
  `);
  try {
    const run = runCli(args, { ...options, nodeArgs: ['--require', probe] });
    return { ...run, flags: run.stderr.split('\n').filter((l) => l.startsWith('flag ')).map((l) => l.slice(5)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How often `flag` was set before the CLI released its young-generation cap (the release sets the growth factor back to 2). */
export function timesSetBeforeRelease(flags: readonly string[], flag: string): number {
  return flags.slice(0, flags.indexOf('--semi-space-growth-factor=2')).filter((f) => f === flag).length;
}

/** No stack traces for users: a `    at fn (file:line)` frame means an exception escaped. */
export function assertNoStackTrace(text: string): void {
  if (/^\s+at .+:\d+:\d+\)?$/m.test(text)) throw new Error(`output contains a stack trace:\n${text}`);
}
