/**
 * `lockstep estimate --db <url> <file>`: the migration's lock impact on a live database —
 * sizes, durations, live blockers, a lock timeline — through a read-only session that only
 * reads the catalog and statistics. Never runs the migration.
 */
import { relative, resolve } from 'node:path';
import { ConfigResolver } from './configs';
import type { Subcommand } from './commands';
import type { CliIO } from './run';
import { decodeSource, readSource } from './source';
import { DatabaseError } from '../db/errors';
import { estimateMigration } from '../db/estimate';
import { RISK_LEVELS, type EstimateReport, type RiskLevel } from '../db/report';
import { renderJson } from '../db/render/json';
import { renderMarkdown } from '../db/render/markdown';
import { renderText } from '../db/render/text';
import { ReadOnlySession } from '../db/session';
import { cliTarget } from './cliTarget';

const FORMATS = { text: renderText, json: renderJson, markdown: renderMarkdown } as const;
type EstimateFormat = keyof typeof FORMATS;

export const ESTIMATE_HELP = `Usage: lockstep estimate [options] <file|->

Estimates what a migration would do to a live database: the lock each statement
takes, how big each touched table is, how long rewrites, scans and index builds
would hold their locks, which live sessions it would wait for, and a risk level.
The connection is read-only (default_transaction_read_only, short statement and
lock timeouts, application_name=lockstep) and runs only catalog and statistics
queries: the migration itself is never executed.

Options:
  --db <url>             postgres://user@host:5432/dbname[?sslmode=require]
                         (default: the PGHOST/PGPORT/PGDATABASE/PGUSER variables,
                         then DATABASE_URL; the password may come from PGPASSWORD)
  --format <name>        text (default), json or markdown (for a pull-request comment)
  --config <file>        use this lockstep.config.json instead of searching upward
  --fail-on <risk>       exit 1 when a statement's risk is at least this: medium or high
  --long-transactions <seconds>
                         report transactions open longer than this (default 60)
  -h, --help             show this help

Exit codes: 0 estimated, 1 a risk at or above --fail-on, 2 usage error,
unreadable file, invalid configuration or no usable database connection.`;

interface EstimateArgs {
  file: string;
  db?: string;
  format: EstimateFormat;
  configFile?: string;
  failOn?: RiskLevel;
  longTransactionSeconds?: number;
}

const VALUE_OPTIONS = new Set(['--db', '--format', '--config', '--fail-on', '--long-transactions']);

export function parseEstimateArgs(argv: string[]): EstimateArgs | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const operands: string[] = [];
  const args: Partial<EstimateArgs> = { format: 'text' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_OPTIONS.has(name)) return { error: `unknown option ${name}` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return { error: `${name} needs a value` };
    if (name === '--db') args.db = value;
    else if (name === '--config') args.configFile = value;
    else if (name === '--format') {
      if (!(value in FORMATS)) return { error: `--format must be one of ${Object.keys(FORMATS).join(', ')}` };
      args.format = value as EstimateFormat;
    } else if (name === '--fail-on') {
      if (value !== 'medium' && value !== 'high') return { error: '--fail-on must be medium or high' };
      args.failOn = value;
    } else {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0) return { error: '--long-transactions must be a number of seconds' };
      args.longTransactionSeconds = seconds;
    }
  }
  if (operands.length !== 1) return { error: operands.length ? 'estimate takes exactly one file' : 'no file given; try: lockstep estimate --db <url> migration.sql' };
  return { ...args, file: operands[0] } as EstimateArgs;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseEstimateArgs(argv);
  if ('help' in parsed) {
    io.writeOut(`${ESTIMATE_HELP}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.writeErr(`lockstep estimate: ${parsed.error}\nRun "lockstep estimate --help" for usage.\n`);
    return 2;
  }
  const fromStdin = parsed.file === '-';
  const path = fromStdin ? undefined : resolve(io.cwd, parsed.file);
  const source = path ? readSource(path) : decodeSource(await io.readStdin());
  if ('error' in source) {
    io.writeErr(`lockstep estimate: ${parsed.file}: ${source.error}\n`);
    return 2;
  }
  const configs = new ConfigResolver(io.cwd, parsed.configFile);
  const loaded = configs.configFor(path);
  if (loaded.problems.length) {
    for (const p of loaded.problems) io.writeErr(`lockstep estimate: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
    return 2;
  }

  const target = cliTarget(parsed.db, io.env);
  if (!target.ok) {
    io.writeErr(`lockstep estimate: ${target.message}\n`);
    return 2;
  }
  let report: EstimateReport;
  let session: ReadOnlySession | undefined;
  try {
    session = await ReadOnlySession.open(target.target);
    report = await estimateMigration(
      session,
      { text: source.text, path, displayPath: path ? relative(io.cwd, path) || parsed.file : '<stdin>', config: loaded.config },
      { longTransactionSeconds: parsed.longTransactionSeconds },
    );
  } catch (error) {
    const message = error instanceof DatabaseError ? error.message : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
    io.writeErr(`lockstep estimate: ${message}\n`);
    return 2;
  } finally {
    await session?.close();
  }
  io.writeOut(FORMATS[parsed.format](report));
  if (parsed.failOn && report.statements.some((s) => RISK_LEVELS.indexOf(s.risk) >= RISK_LEVELS.indexOf(parsed.failOn!))) return 1;
  return 0;
}

export const estimateCommand: Subcommand = {
  summary: 'estimate a migration\'s lock impact on a live database (read-only)',
  run,
};
