/**
 * `lockstep init [--github] [--gitlab] [--pg-version N] [--force] [--dry-run]`: writes
 * lockstep.config.json for the project in the working folder (see server/src/init/initProject.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { planInit } from '../init/initProject';
import type { Subcommand } from './commands';
import { MAX_PG_VERSION, MIN_PG_VERSION } from '../config/validate';

const USAGE = `Usage: lockstep init [options]

Finds the migration folders under the working folder, detects their runner, and writes
lockstep.config.json (with "$schema" for editor completion when lockstep is installed in
node_modules).

Options:
  --pg-version <n>   target PostgreSQL major version (default 16)
  --github           also write .github/workflows/lockstep.yml (the Lockstep Action)
  --action <ref>     the Action the workflow uses (default lockstep/lockstep@v1)
  --gitlab           also write .gitlab-ci.yml with the Lockstep include (printed instead
                     when .gitlab-ci.yml exists)
  --force            overwrite an existing lockstep.config.json or workflow
  --dry-run          print what would be written, write nothing`;

function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..');
  }
}

export const initCommand: Subcommand = {
  summary: 'write lockstep.config.json (and a CI workflow) for this project',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.writeOut(`${USAGE}\n`);
      return 0;
    }
    const flags = new Set(['--github', '--gitlab', '--force', '--dry-run']);
    let pgVersion: number | undefined;
    let action: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (flags.has(arg)) continue;
      if (arg === '--pg-version' || arg === '--action') {
        const value = argv[++i];
        if (arg === '--action') {
          if (!value || !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w./-]+$/.test(value)) return usage(io, '--action must look like owner/name@ref');
          action = value;
          continue;
        }
        const n = Number(value);
        if (!/^\d+$/.test(value ?? '') || n < MIN_PG_VERSION || n > MAX_PG_VERSION) return usage(io, `--pg-version must be ${MIN_PG_VERSION}-${MAX_PG_VERSION}`);
        pgVersion = n;
        continue;
      }
      return usage(io, `unknown argument ${arg}`);
    }
    const plan = planInit(io.cwd, { pgVersion, github: argv.includes('--github'), gitlab: argv.includes('--gitlab'), action, packageRoot: packageRoot() });
    if (plan.folders.length === 0) io.writeErr('lockstep: no .sql migrations found under this folder; the config applies to any you add\n');
    for (const folder of plan.folders) io.writeErr(`lockstep: ${folder.path}: ${folder.files} migration(s), runner ${folder.runner}\n`);
    const dryRun = argv.includes('--dry-run');
    let status = 0;
    for (const file of plan.files) {
      const target = join(io.cwd, file.path);
      if (dryRun || file.appendOnly) {
        io.writeOut(`${file.appendOnly ? `Add to ${file.path}:` : `--- ${file.path}`}\n${file.text}\n`);
        continue;
      }
      if (existsSync(target) && !argv.includes('--force')) {
        io.writeErr(`lockstep: ${file.path} exists; left as it is (use --force to overwrite)\n`);
        status = 1;
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.text);
      io.writeErr(`lockstep: wrote ${file.path}\n`);
    }
    return status;
  },
};

function usage(io: Parameters<Subcommand['run']>[1], message: string): number {
  io.writeErr(`lockstep: init: ${message}\n${USAGE}\n`);
  return 2;
}
