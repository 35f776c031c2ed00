/**
 * `lockstep trace <files|dirs|globs>`: replays each migration on embedded PostgreSQL (PGlite,
 * in a worker thread) after the earlier migrations of its set, observes every statement's locks,
 * rewrites and scans the way the lock oracle does, and compares them with the lock model.
 * Exit codes: 0 every observation agrees with the model, 1 some disagree, 2 usage or I/O errors.
 */
import { initEngine } from '../engine';
import { forwardFiles, planTraceJobs, type TraceFile } from '../trace/jobs';
import type { FailedStatement } from '../trace/failureReasons';
import { compareTrace } from '../trace/plan';
import { renderTraceText, type TracedFile } from '../trace/render';
import { DEFAULT_STATEMENT_TIMEOUT_MS, traceInWorker } from '../trace/traceClient';
import type { Subcommand } from './commands';
import { ConfigResolver } from './configs';
import { expandOperands } from './files';
import { readSource } from './source';

const USAGE = 'usage: lockstep trace [--format text|json] [--config <file>] [--statement-timeout <seconds>] <files|dirs|globs>';
/** A statement over this limit is reported as failed and the trace stops there (default 30 s). */
const MAX_STATEMENT_TIMEOUT_S = 3600;


export const traceCommand: Subcommand = {
  summary: 'replay migrations on embedded PostgreSQL and compare observed locks with the model',
  async run(argv, io) {
    const format = optionValue(argv, '--format') ?? 'text';
    const configFile = optionValue(argv, '--config');
    const timeoutText = optionValue(argv, '--statement-timeout');
    const timeoutS = timeoutText === undefined ? DEFAULT_STATEMENT_TIMEOUT_MS / 1000 : Number(timeoutText);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > MAX_STATEMENT_TIMEOUT_S) {
      io.writeErr(`lockstep: --statement-timeout must be a number of seconds above 0 and at most ${MAX_STATEMENT_TIMEOUT_S}, got "${timeoutText}"\n${USAGE}\n`);
      return 2;
    }
    const operands = argv.filter((a, i) => !a.startsWith('--') && !['--format', '--config', '--statement-timeout'].includes(argv[i - 1]));
    if (!['text', 'json'].includes(format) || operands.length === 0 || argv.includes('--help')) {
      io.writeErr(`${USAGE}\n`);
      return argv.includes('--help') ? 0 : 2;
    }
    const { targets, problems } = expandOperands(operands, io.cwd);
    for (const p of problems) io.writeErr(`lockstep: ${p.path}: ${p.message}\n`);
    const files = forwardFiles(targets);
    if (files.length === 0) return 2;
    await initEngine();

    const configs = new ConfigResolver(io.cwd, configFile);
    const readable: TraceFile[] = [];
    for (const target of files) {
      const source = readSource(target.absolutePath!);
      if ('error' in source) io.writeErr(`lockstep: ${target.displayPath}: ${source.error}\n`);
      else readable.push({ absolutePath: target.absolutePath!, displayPath: target.displayPath, explicit: target.explicit, text: source.text });
    }
    const { linted, jobs } = planTraceJobs(readable, (path) => configs.configFor(path).config);
    if (jobs.length === 0) return 2;

    io.writeErr('lockstep: starting embedded PostgreSQL (PGlite) in a worker thread…\n');
    let response;
    try {
      response = await traceInWorker({ jobs }, { statementTimeoutMs: timeoutS * 1000 });
      if (response.stopped) io.writeErr(`lockstep: the trace stopped early: ${response.stopped}; statements after it were not run\n`);
    } catch (err) {
      io.writeErr(`lockstep: trace failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    // Files of a set share the shadow database: a failure is traced back to earlier files' failures too.
    const failed: FailedStatement[] = [];
    const traced: TracedFile[] = linted.map((l, i) => ({ displayPath: l.displayPath, text: l.text, report: compareTrace(l.result, response.jobs[i], response, failed) }));
    io.writeOut(format === 'json' ? `${JSON.stringify(traced.map((t) => ({ path: t.displayPath, ...t.report })), null, 2)}\n` : renderTraceText(traced));
    // Differences that depend on the data (docs/trace.md) are reported, not failed.
    return traced.some((t) => t.report.statements.some((s) => s.agrees === false && !s.explained)) ? 1 : 0;
  },
};

function optionValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

