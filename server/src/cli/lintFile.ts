/** Lints one file into a FileReport, or says why it could not. Plain data in and out. */
import { explain, lintText, type StatementImpact } from '../engine';
import type { LockstepConfig, Severity } from '../config/types';
import { atLeast, buildFileReport, type FileReport, type RunError } from './report';
import type { SourceResult } from './source';
import type { SchemaHistory } from '../history/schemaHistory';
import { detectFramework, FRAMEWORKS, isHostPath } from '../frameworks/registry';
import { frameworkCoverage, isHostResult, lintHostText } from '../frameworks/lint';
import { changeChecks } from './changeChecks';
import type { ChangedFile } from './git';
import type { ReferenceLookup } from '../coderefs/index';

/** The labels of the frameworks whose migrations have this file's extension. */
function frameworksReading(path: string): string[] {
  const ext = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase() ?? '';
  return FRAMEWORKS.filter((f) => f.extensions.includes(ext)).map((f) => f.label);
}

export interface LintJob {
  displayPath: string;
  /** What the file is read from; undefined for standard input. */
  absolutePath?: string;
  /** The path the engine sees for runner detection (for stdin: `--stdin-filename`). */
  enginePath?: string;
  config: LockstepConfig;
  explain: boolean;
  /** `--quiet`: keep only findings at or above `failOn`. */
  quiet: boolean;
  failOn: Severity;
  packageRoot: string;
  docsBaseUrl?: string;
  /** LOCKSTEP_DEBUG: add stack traces to internal errors. */
  debug: boolean;
  /** Replays the earlier migrations of the file's set (undefined: --no-history). */
  history?: SchemaHistory;
  /** Set by --changed-since / --staged: how git sees this file, for the history checks. */
  change?: { file: ChangedFile; root: string; base: string };
  /** `--code` / `--code-ref`: the application code's references, for still-referenced. */
  code?: ReferenceLookup;
}

export type LintOutcome = { report: FileReport; error?: undefined } | { error: RunError; report?: undefined };

function internalError(err: unknown, debug: boolean): string {
  const detail = debug && err instanceof Error ? `\n${err.stack}` : '';
  return `internal error while linting (please report it): ${err instanceof Error ? err.message : String(err)}${detail}`;
}

export function lintSource(job: LintJob, source: SourceResult): LintOutcome {
  if ('error' in source) return { error: { path: job.displayPath, message: source.error } };
  try {
    const hostFile = job.enginePath !== undefined && isHostPath(job.enginePath);
    const framework = hostFile ? detectFramework(job.enginePath, source.text) : undefined;
    if (hostFile && !framework) {
      return { error: { path: job.displayPath, message: `not a migration of a framework Lockstep reads (${frameworksReading(job.enginePath!).join(', ')})` } };
    }
    const schema = job.history && job.absolutePath ? job.history.schemaBefore(job.absolutePath, source.text, job.config) : undefined;
    const options = { path: job.enginePath, config: job.config, schema, code: job.code };
    const result = framework ? lintHostText(source.text, framework, options) : lintText(source.text, options);
    if (job.history && job.absolutePath) job.history.record(job.absolutePath, schema, result.document.catalog, source.version);
    let impacts: StatementImpact[] | undefined = job.explain ? explain(result, job.config) : undefined;
    if (impacts && isHostResult(result)) impacts = impacts.map((i) => ({ ...i, span: result.host.toHost(i.span) }));
    const firstLineLength = source.text.search(/\r?\n|$/);
    const historyFindings = job.change
      ? changeChecks({ change: job.change.file, runner: result.document.runner, root: job.change.root, base: job.change.base, firstLineLength })
      : [];
    const all = historyFindings.length > 0 ? [...historyFindings, ...result.findings] : result.findings;
    const findings = job.quiet ? all.filter((f) => atLeast(f.severity, job.failOn)) : all;
    const report = buildFileReport({
      path: job.displayPath,
      text: source.text,
      findings,
      statements: result.document.statements.length,
      impacts,
      packageRoot: job.packageRoot,
      docsBaseUrl: job.docsBaseUrl,
      runner: result.document.runner,
      framework: isHostResult(result) ? frameworkCoverage(result) : undefined,
    });
    return { report };
  } catch (err) {
    return { error: { path: job.displayPath, message: internalError(err, job.debug) } };
  }
}
