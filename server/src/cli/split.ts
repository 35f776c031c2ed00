/**
 * `lockstep split <file> [--dry-run]`: rewrite a migration as expand → backfill → contract
 * migrations named the runner's way, plus a plan note with the deploys between them
 * (server/src/split/plan.ts). It prints every file first; with --dry-run that preview is all it does.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { initEngine, lintText } from '../engine';
import { readMigrationFolder } from '../fixes/folder';
import { SchemaHistory, snapshotFileSystem } from '../history/schemaHistory';
import { splitMigration } from '../split/plan';
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { detectFramework } from '../frameworks/registry';
import { splitHostMigration } from '../frameworks/split';
import type { FrameworkExtractor } from '../frameworks/types';
import type { Subcommand } from './commands';
import { ConfigResolver } from './configs';
import type { CliIO } from './run';
import { describeFsError, readSource } from './source';

export const SPLIT_HELP = `Usage: lockstep split [options] <file>

Splits a migration into phases: expand (additions the running code does not
notice), backfill (data, in batches) and contract (drops, renames, new
constraints), with the application deploys that must happen between them.
Each flagged statement becomes its safe form first. The first phase stays in
<file>; the others become new migrations named the runner's way, each with the
transaction handling it needs, and a plan note lists the phases and deploys.
A Knex, TypeORM, Sequelize, node-pg-migrate or Kysely migration is split the
same way and its phases are written as that framework's migrations.
Every file is printed first.

Options:
  --dry-run           print the files and the plan, write nothing
  --config <file>     use this lockstep.config.json instead of searching upward
  --no-history        do not replay the earlier migrations of the file's set
  -h, --help          show this help

Exit codes: 0 split (or previewed), 2 usage error, unreadable file, or a
migration that cannot be split (the message says why).`;

interface SplitArgs {
  file: string;
  dryRun: boolean;
  configFile?: string;
  history: boolean;
}

function parse(argv: string[]): SplitArgs | string {
  const args: SplitArgs = { file: '', dryRun: false, history: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--no-history') args.history = false;
    else if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) return '--config needs a value';
      args.configFile = value;
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (args.file) return 'split takes one file';
    else args.file = arg;
  }
  return args.file ? args : 'no file given; try: lockstep split migrations/0003_rename.sql';
}

async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.writeOut(`${SPLIT_HELP}\n`);
    return 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    io.writeErr(`lockstep split: ${args}\nRun "lockstep split --help" for usage.\n`);
    return 2;
  }
  const path = resolve(io.cwd, args.file);
  const shown = (p: string) => relative(io.cwd, p) || p;
  const source = readSource(path);
  if ('error' in source) {
    io.writeErr(`lockstep split: ${args.file}: ${source.error}\n`);
    return 2;
  }
  const loaded = new ConfigResolver(io.cwd, args.configFile).configFor(path);
  if (loaded.problems.length) {
    for (const p of loaded.problems) io.writeErr(`lockstep split: ${p.file}: ${p.message}\n`);
    return 2;
  }
  await initEngine();
  const config = loaded.config;
  const schema = args.history ? new SchemaHistory(snapshotFileSystem()).schemaBefore(path, source.text, config) : undefined;
  const framework = detectFramework(path, source.text);
  if (framework) return writeHostSplit(framework, path, source.text, config, schema, args.dryRun, io);
  const runner = lintText(source.text, { path, config, schema }).document.runner;
  const folder = readMigrationFolder(path, runner);
  if (!folder) {
    io.writeErr(`lockstep split: cannot read the folder of ${args.file}\n`);
    return 2;
  }
  let split;
  try {
    split = splitMigration({ text: source.text, path, config, schema, folder });
  } catch (err) {
    io.writeErr(`lockstep split: ${args.file}: internal error (please report it): ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (!split.ok) {
    io.writeErr(`lockstep split: ${args.file}: cannot split: ${split.reason}\n`);
    return 2;
  }
  const written = [
    ...split.files.flatMap((f, i) => [{ path: f.path, text: f.text, label: `${f.phase}, ${f.transactional ? 'in a transaction' : 'outside a transaction'}${i === 0 ? ', replaces the original' : ''}` }, ...f.companions.map((c) => ({ ...c, label: 'companion' }))]),
    { ...split.note, label: 'plan' },
  ];
  for (const file of written) io.writeOut(`==> ${shown(file.path)} (${file.label})\n${file.text.replace(/\n?$/, '\n')}\n`);
  if (args.dryRun) {
    io.writeOut(`Dry run: nothing written (${written.length} files).\n`);
    return 0;
  }
  const clash = written.find((f, i) => i > 0 && f.path !== path && existsSync(f.path));
  if (clash) {
    io.writeErr(`lockstep split: ${shown(clash.path)} already exists; nothing written\n`);
    return 2;
  }
  try {
    for (const file of written) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.text);
    }
  } catch (err) {
    io.writeErr(`lockstep split: cannot write: ${describeFsError(err)}\n`);
    return 2;
  }
  io.writeOut(`Wrote ${written.length} files: ${written.map((f) => shown(f.path)).join(', ')}\n`);
  return 0;
}

/** A framework migration: its phases written back as that framework's migrations. */
function writeHostSplit(framework: FrameworkExtractor, path: string, text: string, config: LockstepConfig, schema: Catalog | undefined, dryRun: boolean, io: CliIO): number {
  const shown = (p: string) => relative(io.cwd, p) || p;
  let siblings: string[];
  try {
    siblings = readdirSync(dirname(path));
  } catch (err) {
    io.writeErr(`lockstep split: cannot read the folder of ${shown(path)}: ${describeFsError(err)}\n`);
    return 2;
  }
  const split = splitHostMigration({ text, path, framework, config, schema, siblings, now: new Date() });
  if (!split.ok) {
    io.writeErr(`lockstep split: ${shown(path)}: cannot split: ${split.reason}\n`);
    return 2;
  }
  const written = [
    ...split.files.map((f, i) => ({ path: f.path, text: f.text, label: `${f.phase}, ${f.transactional ? 'in a transaction' : 'outside a transaction'}${i === 0 ? ', replaces the original' : ''}` })),
    { ...split.note, label: 'plan' },
  ];
  for (const file of written) io.writeOut(`==> ${shown(file.path)} (${file.label})\n${file.text.replace(/\n?$/, '\n')}\n`);
  if (dryRun) {
    io.writeOut(`Dry run: nothing written (${written.length} files).\n`);
    return 0;
  }
  const clash = written.find((f, i) => i > 0 && existsSync(f.path));
  if (clash) {
    io.writeErr(`lockstep split: ${shown(clash.path)} already exists; nothing written\n`);
    return 2;
  }
  try {
    for (const file of written) writeFileSync(file.path, file.text);
  } catch (err) {
    io.writeErr(`lockstep split: cannot write: ${describeFsError(err)}\n`);
    return 2;
  }
  io.writeOut(`Wrote ${written.length} files: ${written.map((f) => shown(f.path)).join(', ')}\n`);
  return 0;
}

export const splitCommand: Subcommand = {
  summary: 'split a migration into expand / backfill / contract phases, with the deploys between them',
  run,
};
