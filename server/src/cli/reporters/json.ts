/**
 * Machine-readable output. The shape is stable (bump `version` on any breaking change):
 *
 * {
 *   "version": 1,
 *   "tool": { "name": "lockstep", "version": "0.1.0" },
 *   "files": [{
 *     "path": "migrations/V2__index.sql",     // as given, relative to the working folder when inside it
 *     "statements": 3,
 *     "findings": [{
 *       "ruleId": "require-concurrent-index", "severity": "warning", "message": "…",
 *       "docs": "docs/rules/require-concurrent-index.md", "docsUrl": "file:///…",
 *       "start": { "line": 3, "column": 1, "offset": 42 },   // 1-based line/column, UTF-16 columns and offsets
 *       "end":   { "line": 3, "column": 57, "offset": 98 },  // exclusive
 *       "related": [{ "path": "src/users.ts", "line": 4, "column": 12, "endLine": 4, "endColumn": 20,
 *                     "message": "reads users.username" }]    // only still-referenced (lint --code)
 *     }],
 *     "impacts": [ … ],                         // only with --explain: the engine's StatementImpact plus "start"
 *     "framework": { "id": "knex", "understood": 2, "notAnalysed": 1, "reasons": { "SQL inside a loop": 1 } }
 *                                               // only for .ts/.js framework migrations (docs/frameworks/)
 *   }],
 *   "errors": [{ "path": "x.sql", "message": "permission denied" }],   // files or config that could not be used
 *   "summary": { "files": 1, "findings": 1, "error": 0, "warning": 1, "info": 0, "hint": 0 }
 * }
 */
import type { Severity } from '../../config/types';
import type { FileReport, Reporter, RunError, RunReport } from '../report';

export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = (report) => jsonReportChunks(report).join('');

/** The JSON report as JsonReportWriter writes it: a head, one piece per file, a tail. */
export function jsonReportChunks(report: RunReport): string[] {
  const pieces: string[] = [];
  const writer = new JsonReportWriter(report.toolVersion, (piece) => pieces.push(piece));
  for (const file of report.files) writer.file(file);
  writer.end(report.errors);
  return pieces;
}

/**
 * Writes the JSON report as files come: `lockstep lint` hands each file over as soon as it is linted
 * and keeps nothing of it, so memory does not grow with the number of files (the reports of a
 * 20,000-file folder, and the report's object and string built from them at the end, were most of
 * the run's peak). The text is `JSON.stringify(whole report, null, 2)` plus a newline, byte for byte.
 */
export class JsonReportWriter {
  private files = 0;
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };

  constructor(
    private readonly toolVersion: string,
    private readonly write: (piece: string) => void,
  ) {}

  file(file: FileReport): void {
    if (this.files === 0) this.write(this.head('['));
    for (const f of file.findings) this.bySeverity[f.severity]++;
    this.write(`${this.files++ ? ',' : ''}\n    ${nestedTwice(fileOutput(file))}`);
  }

  end(errors: RunError[]): void {
    if (this.files === 0) this.write(this.head('[]'));
    const findings = Object.values(this.bySeverity).reduce((a, b) => a + b, 0);
    const tail = JSON.stringify({ errors, summary: { files: this.files, findings, ...this.bySeverity } }, null, 2);
    this.write(`${this.files ? '\n  ]' : ''},\n${tail.slice(2)}\n`);
  }

  private head(files: string): string {
    const head = JSON.stringify({ version: JSON_REPORT_VERSION, tool: { name: 'lockstep', version: this.toolVersion } }, null, 2);
    return `${head.slice(0, -2)},\n  "files": ${files}`;
  }
}

/**
 * `JSON.stringify(value, null, 2)` as it reads two levels deep in the report (every line after the
 * first indented four more spaces): stringified inside `{"f": [value]}` and cut out, so V8 indents it
 * in the one pass instead of a second pass over the text replacing each newline.
 */
export function nestedTwice(value: unknown): string {
  const text = JSON.stringify({ f: [value] }, null, 2);
  return text.slice(NESTED_HEAD.length, text.length - NESTED_TAIL.length);
}

const NESTED_HEAD = '{\n  "f": [\n    ';
const NESTED_TAIL = '\n  ]\n}';

function fileOutput(file: FileReport): object {
  return {
    path: file.path,
    statements: file.statements,
    findings: file.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      docs: f.docs,
      docsUrl: f.docsUrl,
      start: { line: f.start.line, column: f.start.column, offset: f.span.start },
      end: { line: f.end.line, column: f.end.column, offset: f.span.end },
      ...(f.related ? { related: f.related.map(({ path, line, column, endLine, endColumn, message }) => ({ path, line, column, endLine, endColumn, message })) } : {}),
    })),
    ...(file.impacts ? { impacts: file.impacts } : {}),
    ...(file.framework ? { framework: file.framework } : {}),
  };
}
