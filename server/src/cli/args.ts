/** Command-line parsing for `lockstep`. Returns a usage error instead of throwing. */
import type { Severity } from '../config/types';
import { MAX_PG_VERSION, MIN_PG_VERSION } from '../config/validate';

export const FORMATS = ['text', 'json', 'gcc', 'sarif', 'github', 'markdown', 'gitlab', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export interface LintArgs {
  command: 'lint';
  operands: string[];
  format: Format;
  configFile?: string;
  pgVersion?: number;
  failOn: Severity;
  explain: boolean;
  quiet: boolean;
  /** Replay earlier migrations of the same set into the schema (off with --no-history). */
  history: boolean;
  /** Apply the safe fixes to each file in place before reporting what is left (server/src/cli/fix.ts). */
  fix?: boolean;
  stdinFilename?: string;
  /** `--changed-since <ref>`: lint only migrations added or modified since this git revision. */
  changedSince?: string;
  /** `--staged`: lint only migrations staged for the next commit. */
  staged?: boolean;
  /** Link rule docs under this URL instead of the installed package's files. */
  docsBaseUrl?: string;
  /** `--code <dir>` (repeatable): check contract statements against this application code (still-referenced). */
  code?: string[];
  /** `--code-ref <git-ref>`: …against the code of this revision, read from git without a checkout. */
  codeRef?: string;
  /** `--no-code`: no still-referenced check (by default: against the git repository of the migrations). */
  noCode?: boolean;
}

export type ParsedArgs = LintArgs | { command: 'help' } | { command: 'version' } | { command: 'usage-error'; message: string };

export const HELP = `Usage: lockstep lint [options] <files|dirs|globs|->

Lints PostgreSQL migrations for statements that take dangerous locks.
Folders are searched for *.sql files (node_modules and .git are skipped);
quote globs such as 'migrations/**/*.sql'; '-' reads standard input.

Options:
  --format <name>           text (default), json, gcc, sarif, github,
                            markdown (a pull-request comment), gitlab (Code
                            Quality JSON) or junit (XML)
  --config <file>           use this lockstep.config.json instead of searching
                            upward from each file
  --pg-version <n>          target PostgreSQL major version (${MIN_PG_VERSION}-${MAX_PG_VERSION});
                            overrides the config file
  --fail-on <severity>      exit 1 when a finding is at least this severe:
                            error, warning (default), info or hint
  --explain                 after the findings, show every statement's locks
                            (text and json formats)
  --quiet                   report only findings at or above --fail-on, and
                            no summary
  --fix                     apply the safe fixes (CONCURRENTLY, NOT VALID, the
                            timeout prelude, …) to each file in place, then
                            report what is left
  --no-history              do not replay the earlier migrations of each file's
                            migration set to learn the schema it runs against
  --stdin-filename <path>   the name to use for '-' (drives runner detection)
  --changed-since <ref>     lint only migrations added or modified since this
                            git revision (operands default to '.'); earlier
                            migrations still feed the schema history, and an
                            edited or out-of-order migration is an error
  --staged                  the same for what is staged for the next commit
  --code <dir>              check contract statements (DROP/RENAME, type changes,
                            new NOT NULL/CHECK/FOREIGN KEY) against the
                            application code in this folder (repeatable): the
                            still-referenced rule lists every place that uses
                            what they remove (docs/code-references.md).
                            Default: the git repository of the migrations, read
                            only when they hold a contract statement
  --code-ref <git-ref>      the same against the code of another revision (the
                            version still deployed), read from the git
                            repository of --code (default: of the working
                            folder) without a checkout
  --no-code                 no check against the application code
  --docs-base-url <url>     link each rule's docs page under this URL (also
                            LOCKSTEP_DOCS_BASE_URL) instead of the installed
                            package's files, for reports read elsewhere
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 no findings at or above --fail-on, 1 such findings,
2 usage error, unreadable file or invalid configuration.`;

const VALUE_OPTIONS = new Set(['--format', '--config', '--pg-version', '--fail-on', '--stdin-filename', '--changed-since', '--docs-base-url', '--code', '--code-ref']);

export function parseArgs(argv: string[]): ParsedArgs {
  const error = (message: string): ParsedArgs => ({ command: 'usage-error', message });
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) return { command: 'help' };
  if (options.includes('--version') || options.includes('-v')) return { command: 'version' };
  const [command, ...rest] = argv;
  if (command === undefined) return error('missing command; try: lockstep lint <files|dirs|globs|->');
  if (command !== 'lint') return error(`unknown command "${command}"; try: lockstep --help`);

  const args: LintArgs = { command: 'lint', operands: [], format: 'text', failOn: 'warning', explain: false, quiet: false, history: true };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      args.operands.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      args.operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--fix') {
      if (eq > 0) return error(`${name} takes no value`);
      args.fix = true;
      continue;
    }
    if (name === '--staged') {
      if (eq > 0) return error(`${name} takes no value`);
      args.staged = true;
      continue;
    }
    if (name === '--no-code') {
      if (eq > 0) return error(`${name} takes no value`);
      args.noCode = true;
      continue;
    }
    if (name === '--no-history') {
      if (eq > 0) return error(`${name} takes no value`);
      args.history = false;
      continue;
    }
    if (name === '--explain' || name === '--quiet') {
      if (eq > 0) return error(`${name} takes no value`);
      args[name === '--explain' ? 'explain' : 'quiet'] = true;
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) return error(`unknown option ${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') return error(`${name} needs a value`);
    switch (name) {
      case '--format':
        if (!(FORMATS as readonly string[]).includes(value)) return error(`--format must be one of ${FORMATS.join(', ')}`);
        args.format = value as Format;
        break;
      case '--fail-on':
        if (!(SEVERITIES as readonly string[]).includes(value)) return error(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
        args.failOn = value as Severity;
        break;
      case '--pg-version': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < MIN_PG_VERSION || n > MAX_PG_VERSION) {
          return error(`--pg-version must be a whole number from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}`);
        }
        args.pgVersion = n;
        break;
      }
      case '--config':
        args.configFile = value;
        break;
      case '--stdin-filename':
        args.stdinFilename = value;
        break;
      case '--changed-since':
        args.changedSince = value;
        break;
      case '--code':
        (args.code ??= []).push(value);
        break;
      case '--code-ref':
        args.codeRef = value;
        break;
      case '--docs-base-url':
        if (!/^https?:\/\/[^\s/]+/.test(value)) return error('--docs-base-url must be an http(s) URL');
        args.docsBaseUrl = value;
        break;
    }
  }
  const changedOnly = args.changedSince !== undefined || args.staged;
  if (args.changedSince !== undefined && args.staged) return error('--changed-since and --staged cannot be combined');
  if (changedOnly && args.operands.includes('-')) return error('--changed-since and --staged read files from git, not standard input');
  if (changedOnly && args.operands.length === 0) args.operands.push('.');
  if (args.operands.length === 0) return error('no files given; try: lockstep lint migrations/');
  if (args.noCode && (args.code || args.codeRef !== undefined)) return error('--no-code cannot be combined with --code or --code-ref');
  if (args.fix && args.operands.includes('-')) return error('--fix rewrites files in place, so it cannot read standard input');
  return args;
}
