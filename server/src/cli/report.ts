/**
 * What every reporter receives: findings already mapped to 1-based line:column
 * (columns count UTF-16 code units, the unit the engine's spans use).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { RunnerId, Severity } from '../config/types';
import type { Finding, RelatedLocation, TextSpan } from '../findings';
import type { StatementImpact } from '../engine';
import { LineIndex } from '../parse/positions';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
}

export interface ReportedFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Docs path as the engine gives it, e.g. `docs/rules/x.md`. */
  docs: string;
  /** Absolute URL of the docs page, or undefined when the finding has none. */
  docsUrl?: string;
  span: TextSpan;
  start: Position;
  /** The position just after the last character (exclusive), as SARIF and LSP expect. */
  end: Position;
  /** Other places the finding is about (still-referenced: the code that uses the name). */
  related?: RelatedLocation[];
}

export interface ReportedImpact extends StatementImpact {
  start: Position;
}

export interface FileReport {
  /** As printed: relative to the working folder when inside it. */
  path: string;
  findings: ReportedFinding[];
  /** Statements the engine found in the file. */
  statements: number;
  /** Source text of the lines findings start on, by 1-based line number (plain data, so worker threads can send it). */
  sourceLines: Record<number, string>;
  /** Present when `--explain` was asked for. */
  impacts?: ReportedImpact[];
  /** The runner the file was read as (drives the change checks of --changed-since). */
  runner?: RunnerId;
  /** For a framework's host file (.ts/.js migration): which framework, and how much of its SQL was understood. */
  framework?: FrameworkCoverage;
}

export interface FrameworkCoverage {
  id: string;
  /** Calls and strings turned into SQL. */
  understood: number;
  /** Calls reported as "not analysed". */
  notAnalysed: number;
  /** Their reasons, counted. */
  reasons: Record<string, number>;
}

/** A file or operand that could not be linted, or a config file that could not be used. */
export interface RunError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface RunReport {
  toolVersion: string;
  files: FileReport[];
  errors: RunError[];
}

export interface ReporterOptions {
  color: boolean;
  /** `--quiet`: no summary line. */
  quiet?: boolean;
}

export type Reporter = (report: RunReport, options: ReporterOptions) => string;

export const SEVERITY_ORDER: readonly Severity[] = ['hint', 'info', 'warning', 'error'];

/** True when `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

/** `docs/rules/x.md` → a `file://` URL inside the installed package (what the language server links to as well). */
export function docsUrlFor(docs: string, packageRoot: string, docsBaseUrl?: string): string | undefined {
  if (!docs) return undefined;
  // One URL per rule, not one per finding: building it (path resolution, URL parsing) cost more
  // than the finding, and a copy per finding was kept to the end of the run. The URLs are kept per
  // (package, base, working folder), looked up by rule alone: a key string joined per finding cost
  // ~1 µs each (80,000 findings on a 20,000-file folder).
  const cwd = process.cwd();
  if (packageRoot !== urlsFor.packageRoot || docsBaseUrl !== urlsFor.docsBaseUrl || cwd !== urlsFor.cwd) {
    urlsFor = { packageRoot, docsBaseUrl, cwd, urls: new Map() };
  }
  let url = urlsFor.urls.get(docs);
  if (url === undefined) {
    if (urlsFor.urls.size >= 1000) urlsFor.urls.clear();
    urlsFor.urls.set(docs, (url = docsUrlOf(docs, packageRoot, docsBaseUrl)));
  }
  return url;
}

let urlsFor: { packageRoot: string; docsBaseUrl: string | undefined; cwd: string; urls: Map<string, string> } = {
  packageRoot: '',
  docsBaseUrl: undefined,
  cwd: '',
  urls: new Map(),
};

function docsUrlOf(docs: string, packageRoot: string, docsBaseUrl?: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(docs)) return docs;
  // A public base (the repository's docs, or a docs site) for reports read on other machines.
  if (docsBaseUrl) return new URL(docs, docsBaseUrl.endsWith('/') ? docsBaseUrl : `${docsBaseUrl}/`).href;
  return pathToFileURL(resolve(packageRoot, docs)).href;
}

export interface FileReportInput {
  path: string;
  text: string;
  findings: Finding[];
  statements: number;
  impacts?: StatementImpact[];
  packageRoot: string;
  /** Link docs here instead of the installed package's files (`--docs-base-url`). */
  docsBaseUrl?: string;
  runner?: RunnerId;
  framework?: FrameworkCoverage;
}

export function buildFileReport(input: FileReportInput): FileReport {
  const index = new LineIndex(input.text);
  const at = (offset: number): Position => {
    const { line, character } = index.positionAt(offset);
    return { line: line + 1, column: character + 1 };
  };
  const findings = input.findings.map((f): ReportedFinding => {
    const start = Math.max(0, Math.min(f.span.start, f.span.end));
    const end = Math.max(start, f.span.end);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      docs: f.docs,
      docsUrl: docsUrlFor(f.docs, input.packageRoot, input.docsBaseUrl),
      span: { start, end },
      start: at(start),
      end: at(end),
      ...(f.related?.length ? { related: f.related } : {}),
    };
  });
  const sourceLines: Record<number, string> = {};
  for (const f of findings) sourceLines[f.start.line] ??= index.lineText(f.start.line - 1);
  return {
    path: input.path,
    findings,
    statements: input.statements,
    sourceLines,
    impacts: input.impacts?.map((impact) => ({ ...impact, start: at(impact.span.start) })),
    runner: input.runner,
    ...(input.framework ? { framework: input.framework } : {}),
  };
}

export interface Totals {
  findings: number;
  bySeverity: Record<Severity, number>;
  filesWithFindings: number;
}

export function totals(report: RunReport): Totals {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let filesWithFindings = 0;
  for (const file of report.files) {
    if (file.findings.length > 0) filesWithFindings++;
    for (const finding of file.findings) bySeverity[finding.severity]++;
  }
  const findings = Object.values(bySeverity).reduce((a, b) => a + b, 0);
  return { findings, bySeverity, filesWithFindings };
}
