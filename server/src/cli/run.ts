/**
 * `lockstep lint`: expand operands, lint each file with the engine, report, and pick the exit code.
 * Everything outside comes through `CliIO`, so tests can drive it in-process as well as through dist/cli.js.
 */
import { SchemaHistory, snapshotFileSystem } from '../history/schemaHistory';
import type { Subcommand } from './commands';
import { isSubcommand, SUBCOMMAND_NAMES, type SubcommandName } from './commandNames';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { initEngine } from '../engine';
import { isHostPath } from '../frameworks/registry';
import { HELP, parseArgs, type LintArgs } from './args';
import { ConfigResolver } from './configs';
import { displayPathOf, expandOperands, holdsAtLeast } from './files';
import { changedFiles, GitError, type GitChanges } from './git';
import { fixSource } from './fix';
import { loadCodeIndex, mayHoldContract, noGitAbove, repositoryCodeIndex } from './codeIndex';
import type { ReferenceLookup } from '../coderefs/index';
import { lintSource, type LintJob, type LintOutcome } from './lintFile';
import { lintInPool, lintThreads } from './lintPool';
import { InPathOrder, lintOrderOf } from './pathOrder';
import { atLeast, type FileReport, type RunError, type RunReport } from './report';
import { REPORTERS } from './reporters';
import { isGlob } from '../config/glob';
import { JsonReportWriter } from './reporters/json';
import { decodeSource, readSource } from './source';
import { bufferedOut } from './output';
import { READ_AHEAD_MIN_FILES, startReadAheadThread, type ReadAhead, type ReadAheadThread } from './readAhead';
import { youngGenerationCap, type YoungGenerationCap } from './youngGeneration';
import { oldGenerationGrowth } from './heapGrowth';
import { interruptBudgetSwitch, type InterruptBudgetSwitch } from './interruptBudget';
import { version as TOOL_VERSION, repository } from '../../../package.json';

/** Rule docs in the project's repository: a link that works on any machine, unlike a path of this one. */
export const DEFAULT_DOCS_BASE_URL = `${repository.url}/blob/main/`;

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  writeOut(text: string): void;
  /**
   * The same output as bytes (UTF-8), where it can take them: `lint --format json` then encodes each
   * file's piece into a megabyte buffer at once instead of keeping the strings until a write (output.ts).
   */
  writeOutBytes?(bytes: Uint8Array): void;
  /**
   * Resolves once what `writeOut` was given has left the process. A pipe takes 64 KB at a time and
   * the rest waits in memory until the event loop runs: the JSON of a whole lint piled up there
   * (72 MB for a 20,000-file folder). Absent: writes complete at once (a file, a test's buffer).
   */
  outputDrained?(): Promise<void>;
  /**
   * Bytes given to `writeOut`/`writeOutBytes` that have not left the process yet. Present: the lint
   * lets the event loop write them between files and waits for a drain only past OUTPUT_QUEUE_LIMIT.
   */
  outputPending?(): number;
  writeErr(text: string): void;
  readStdin(): Promise<Buffer>;
  /**
   * Lines written to stdin, as they come (`run`/`watch --events json`: the editor sends "cancel");
   * `onEnd` when stdin closes. Returns a function that stops listening. Absent: no control channel.
   */
  controlLines?(onLine: (line: string) => void, onEnd: () => void): () => void;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: Pick<CliIO, 'stdoutIsTTY' | 'env'>): boolean {
  return io.stdoutIsTTY && !io.env.NO_COLOR;
}

/** The installed package's folder (dist/..), where `docs/rules/` ships. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..');
  }
}

/** git reports real paths; operands may go through symbolic links (e.g. a temp folder). */
function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

function errorLine(error: RunError): string {
  const where = error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : '';
  return `lockstep: ${error.path}${where}: ${error.message}\n`;
}

/**
 * The heap's bounds hold for the whole run, the report's last megabytes included (the young space
 * grew to 16 MB in the closing write of some corpus runs), and V8's own return however it ends.
 */
async function lint(args: LintArgs, io: CliIO): Promise<number> {
  const youngCap = youngGenerationCap(io.env);
  const oldGrowth = oldGenerationGrowth(io.env);
  const budget = interruptBudgetSwitch(io.env);
  let readAheadThread: ReadAheadThread | undefined;
  try {
    // A worker thread's start sets V8's flags back to their defaults: the bounds are set again after it.
    const reapplyHeapBounds = () => {
      youngCap?.reapply();
      oldGrowth?.reapply();
    };
    // One thread linting a folder or a glob: its files are read in another (readAhead.ts), started now.
    readAheadThread = !args.fix && lintThreads(io.env) === 1 && args.operands.some((o) => mayHoldManyFiles(o, io.cwd)) ? startReadAheadThread(io.env, reapplyHeapBounds) : undefined;
    return await lintFiles(args, io, youngCap, readAheadThread, budget, reapplyHeapBounds);
  } finally {
    readAheadThread?.end();
    budget?.release();
    youngCap?.release();
    oldGrowth?.release();
  }
}

async function lintFiles(
  args: LintArgs,
  io: CliIO,
  youngCap: YoungGenerationCap | undefined,
  readAheadThread: ReadAheadThread | undefined,
  budget: InterruptBudgetSwitch | undefined,
  reapplyHeapBounds: () => void,
): Promise<number> {
  // The cap is checked all along: the walk and the job list of 20,000 files grew the young space
  // from 2 to 32 MB before the first file, where it used to be checked first.
  const checkYoung = () => void youngCap?.check();
  const { targets, problems, skipped } = expandOperands(args.operands, io.cwd, args.stdinFilename, checkYoung);
  checkYoung();
  if (!args.quiet) for (const s of skipped) io.writeErr(`lockstep: ${s.path}: ${s.message}\n`);
  const errors: RunError[] = problems.map((p) => ({ path: p.path, message: p.message }));
  let changes: GitChanges | undefined;
  if (args.changedSince !== undefined || args.staged) {
    try {
      changes = changedFiles(io.cwd, { since: args.changedSince, staged: args.staged });
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      io.writeErr(`lockstep: ${args.staged ? '--staged' : `--changed-since ${args.changedSince}`}: ${err.message}\n`);
      return EXIT_USAGE;
    }
  }
  const changed = new Map(changes?.files.map((f) => [f.path, f]));
  const configs = new ConfigResolver(io.cwd, args.configFile);
  const root = packageRoot();
  const stdinPath = args.stdinFilename ? resolve(io.cwd, args.stdinFilename) : undefined;

  // One history per run: files of the same migration set share their replayed prefixes. Files come
  // in runner order, so it keeps only each set's newest schema (memory stays flat on long sets).
  const history = args.history ? new SchemaHistory(snapshotFileSystem(), 0, Date.now, 'latest') : undefined;
  const jobs: LintJob[] = [];
  for (const [i, target] of targets.entries()) {
    if (i % YOUNG_CHECK_EVERY === 0) checkYoung();
    const path = target.absolutePath;
    // --changed-since: everything else is history, replayed when a changed file needs it.
    const real = changes && path ? realPath(path) : undefined;
    if (changes && !(real && changed.has(real))) continue;
    if (path && configs.isExcluded(path)) {
      if (target.explicit && !args.quiet) io.writeErr(`lockstep: ${target.displayPath}: skipped, it matches "exclude" in the config\n`);
      continue;
    }
    const { config } = configs.configFor(path ?? stdinPath);
    jobs.push({
      displayPath: target.displayPath,
      absolutePath: path,
      enginePath: path ?? stdinPath,
      config: args.pgVersion ? { ...config, pgVersion: args.pgVersion } : config,
      explain: args.explain,
      quiet: args.quiet,
      failOn: args.failOn,
      packageRoot: root,
      docsBaseUrl: args.docsBaseUrl ?? (io.env.LOCKSTEP_DOCS_BASE_URL || config.docsBaseUrl || DEFAULT_DOCS_BASE_URL),
      debug: Boolean(io.env.LOCKSTEP_DEBUG),
      history,
      change: changes && real ? { file: changed.get(real)!, root: changes.root, base: changes.base } : undefined,
    });
  }

  // A broken config means the findings would be for rules the user did not ask for: report the
  // config and nothing else, so JSON/SARIF consumers never get a report alongside a failure.
  const configErrors = configs.loadedConfigs().flatMap((loaded) =>
    loaded.problems.map((p): RunError => ({ path: displayPathOf(p.file, io.cwd), message: p.message, line: p.line, column: p.column })),
  );
  if (configErrors.length > 0) {
    for (const error of [...errors, ...configErrors]) io.writeErr(errorLine(error));
    return EXIT_USAGE;
  }

  let outcomes: LintOutcome[] = [];
  const fails = (file: FileReport) => file.findings.some((f) => atLeast(f.severity, args.failOn));
  const out = bufferedOut(io);
  const { write: writeOut, flush: flushOut } = out;
  const json = args.format === 'json' ? new JsonReportWriter(TOOL_VERSION, writeOut) : undefined;
  let failing = false;
  const take = (report: FileReport) => {
    failing ||= fails(report);
    json!.file(report);
  };
  // No --code: the git repository of the migrations, if one of them may hold a contract statement
  // (codeIndex.ts). LOCKSTEP_NO_CODE=1 is --no-code for a whole environment (this repository's tests).
  const noCode = args.noCode || io.env.LOCKSTEP_NO_CODE === '1';
  let preRead = 0;
  const mayNeed = (job: LintJob) => {
    if (preRead++ % YOUNG_CHECK_EVERY === 0) checkYoung();
    return mayNeedCode(job);
  };
  // Outside any git repository there is no code to check: the files are not read twice to learn that.
  const firstFile = jobs.find((j) => j.absolutePath)?.absolutePath;
  const codeDir = firstFile ? dirname(firstFile) : io.cwd;
  const defaultCode = !args.code && !args.codeRef && !noCode && jobs.length > 0 && !noGitAbove(codeDir, io.env) && jobs.some(mayNeed);
  if (io.env.LOCKSTEP_DEBUG) io.writeErr(`lockstep: read ${preRead} files before the lint to decide on the code check\n`);
  let hostGrammars = false;
  let readAhead: ReadAhead | undefined;
  if (jobs.length > 0) {
    // No --code: the migrations' git repository; none (not in a repository) means no code scan at all.
    let repositoryCode: ReferenceLookup | undefined;
    if (defaultCode) repositoryCode = repositoryCodeIndex(codeDir, jobs[0].config.codeScan, io.env);
    // LOCKSTEP_LINT_THREADS=N: the files on N threads (lintPool.ts), the same outcomes in the same order.
    const threads = args.fix ? 1 : lintThreads(io.env);
    // Each migration set in its runner's order, so its history is built once (without history, and
    // with --fix, whose messages come as it goes: path order). The report stays in path order.
    const order = history && !args.fix ? lintOrderOf(jobs) : jobs.map((_, i) => i);
    // The read-ahead thread gets the files before the parser loads (not with --fix: it writes files as it goes).
    readAhead = threads === 1 ? readAheadThread?.begin(order.flatMap((i) => (jobs[i].absolutePath ? [jobs[i].absolutePath] : []))) : undefined;
    try {
      // The tree-sitter grammars serve host files (Python, Ruby, Elixir) and the code scan only.
      hostGrammars = Boolean(args.code || args.codeRef) || repositoryCode !== undefined || jobs.some((j) => j.enginePath !== undefined && isHostPath(j.enginePath));
      await initEngine({ hostGrammars });
    } catch (err) {
      io.writeErr(`lockstep: cannot load the SQL parser: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT_USAGE;
    }
    if (args.code || args.codeRef) {
      try {
        const linted = new Set(jobs.map((j) => j.absolutePath).filter((p): p is string => !!p));
        const code = withoutFiles(await loadCodeIndex({ dirs: args.code ?? [], ref: args.codeRef, cwd: io.cwd, settings: jobs[0].config.codeScan }), linted);
        for (const job of jobs) job.code = code;
      } catch (err) {
        io.writeErr(`lockstep: ${args.codeRef ? `--code-ref ${args.codeRef}` : '--code'}: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT_USAGE;
      }
    } else if (repositoryCode) {
      const linted = new Set(jobs.map((j) => j.absolutePath).filter((p): p is string => !!p));
      for (const job of jobs) job.code = withoutFiles(repositoryCode, linted);
    }
    const pooled = threads > 1 ? await lintInPool(jobs, threads, hostGrammars, { check: checkYoung, reapply: reapplyHeapBounds }) : undefined;
    // LOCKSTEP_DEBUG says how the files were shared out (the pool's tests check it ran).
    if (io.env.LOCKSTEP_DEBUG) io.writeErr(`lockstep: linted on ${pooled ? `${pooled.filesPerThread.length} threads (files: ${pooled.filesPerThread.join(', ')})` : 'one thread'}\n`);
    if (pooled) outcomes = pooled.outcomes;
    else {
      // JSON is written as the files come, and their reports are not kept (memory flat in the files).
      const outputMoves = outputMover(io);
      const inPathOrder = new InPathOrder<LintOutcome>(async (outcome) => {
        if (json && outcome.report) {
          const flushes = out.flushes();
          take(outcome.report);
          await outputMoves(out.flushes() !== flushes);
        } else outcomes.push(outcome);
      });
      for (const index of order) {
        const job = jobs[index];
        youngCap?.check();
        let source = job.absolutePath ? (readAhead ? readAhead.read(job.absolutePath) : readSource(job.absolutePath)) : decodeSource(await io.readStdin());
        if (args.fix) source = fixSource(job, source, io);
        const outcome = lintSource(job, source);
        budget?.fileLinted();
        await inPathOrder.put(index, outcome);
      }
    }
    // LOCKSTEP_DEBUG: earlier files the history replayed (linted files it had not built a schema for yet).
    if (io.env.LOCKSTEP_DEBUG && history) io.writeErr(`lockstep: history replayed ${history.replays} files\n`);
  }

  readAhead?.stop();
  if (io.env.LOCKSTEP_DEBUG && readAhead) io.writeErr(`lockstep: read ahead in a thread: ${readAhead.fromThread} of ${jobs.length} files\n`);
  const files: FileReport[] = [];
  for (const outcome of outcomes) {
    if (!outcome.report) errors.push(outcome.error);
    else if (json) take(outcome.report);
    else files.push(outcome.report);
  }

  if (json) {
    json.end(errors);
    flushOut();
  } else if (args.format !== 'text' || files.length > 0) {
    // A text summary over zero files would read as "all clear" when nothing could be linted.
    const report: RunReport = { toolVersion: TOOL_VERSION, files, errors };
    io.writeOut(REPORTERS[args.format](report, { color: useColor(io), quiet: args.quiet }));
  }
  for (const error of errors) io.writeErr(errorLine(error));

  if (errors.length > 0) return EXIT_USAGE;
  return failing || files.some(fails) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/**
 * Past this many bytes waiting to leave the process, the lint stops until they have (memory stays
 * bounded however slowly the output is read).
 */
export const OUTPUT_QUEUE_LIMIT = 4 << 20;
/** Files linted between two turns of the event loop while output waits (a pipe takes ~18 files' JSON). */
export const FILES_PER_OUTPUT_TURN = 8;

/**
 * After each file's report: keeps the output moving while the lint goes on. Waiting for each megabyte
 * to drain left the main thread idle while the reader took it 64 KB at a time (0.27–0.43 s of a
 * 20,000-file folder's run into the bench's pipe); a turn of the event loop every few files writes
 * what the pipe has room for, and the reader reads it meanwhile. Without `outputPending`, each
 * written megabyte is waited for.
 */
function outputMover(io: CliIO): (flushed: boolean) => Promise<void> {
  let sinceTurn = 0;
  return async (flushed) => {
    if (!io.outputPending) {
      if (flushed) await io.outputDrained?.();
      return;
    }
    const pending = io.outputPending();
    if (pending === 0) return;
    if (pending > OUTPUT_QUEUE_LIMIT) {
      await io.outputDrained?.();
    } else if (++sinceTurn >= FILES_PER_OUTPUT_TURN) {
      sinceTurn = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

/** Files between two looks at the young generation while the job list is made. */
const YOUNG_CHECK_EVERY = 256;

/**
 * The subcommands' code, loaded on first use so that `lockstep lint` starts without PGlite, pg and
 * the scaffolder. In dist/ this require names dist/cliCommands.js (scripts/build.mjs).
 */
function subcommand(name: SubcommandName): Subcommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./commands') as typeof import('./commands')).SUBCOMMANDS[name];
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  if (isSubcommand(argv[0])) return subcommand(argv[0]).run(argv.slice(1), io);
  const args = parseArgs(argv);
  switch (args.command) {
    case 'help':
      io.writeOut(`${HELP}\n${subcommandHelp()}`);
      return EXIT_CLEAN;
    case 'version':
      io.writeOut(`${TOOL_VERSION}\n`);
      return EXIT_CLEAN;
    case 'usage-error':
      io.writeErr(`lockstep: ${args.message}\nRun "lockstep --help" for usage.\n`);
      return EXIT_USAGE;
    case 'lint':
      return lint(args, io);
  }
}

function subcommandHelp(): string {
  return `\nOther commands:\n${SUBCOMMAND_NAMES.map((n) => `  lockstep ${n.padEnd(10)} ${subcommand(n).summary}`).join('\n')}\n`;
}

/**
 * A glob or a folder of enough entries: the operands worth a read-ahead thread. A file or two is
 * not, nor a small folder (the thread would end at once, and its start cost 10–20 ms).
 */
function mayHoldManyFiles(operand: string, cwd: string): boolean {
  if (operand === '-') return false;
  if (isGlob(operand)) return true;
  const path = resolve(cwd, operand);
  try {
    return statSync(path).isDirectory() && holdsAtLeast(path, READ_AHEAD_MIN_FILES);
  } catch {
    return false;
  }
}

/** Might this job hold a contract statement? Standard input and framework migrations are not pre-read: they may. */
function mayNeedCode(job: LintJob): boolean {
  if (!job.absolutePath || (job.enginePath !== undefined && isHostPath(job.enginePath))) return true;
  try {
    return mayHoldContract(readFileSync(job.absolutePath, 'utf8'));
  } catch {
    return false;
  }
}

/** The migrations being linted are never "code that uses" what they change. */
function withoutFiles(code: ReferenceLookup, files: Set<string>): ReferenceLookup {
  return {
    lookup(table, column) {
      const found = code.lookup(table, column);
      return { ...found, references: found.references.filter((r) => !files.has(r.file)) };
    },
  };
}
