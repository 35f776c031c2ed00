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
import { totals, type FileReport, type Reporter, type RunReport } from '../report';

export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = (report) => [...jsonReportChunks(report)].join('');

/**
 * The JSON report in pieces, one file at a time: exactly `JSON.stringify(whole, null, 2)` plus a
 * newline, without building the whole report's object or string (tens of MB for a large folder,
 * held at once at the end of the run: the run's peak memory). `lockstep lint` writes the pieces
 * as they come.
 */
export function* jsonReportChunks(report: RunReport): Generator<string, void> {
  const t = totals(report);
  const head = JSON.stringify({ version: JSON_REPORT_VERSION, tool: { name: 'lockstep', version: report.toolVersion } }, null, 2);
  yield `${head.slice(0, -2)},\n  "files": ${report.files.length ? '[' : '[]'}`;
  for (const [i, file] of report.files.entries()) {
    // A file object as it sits in the whole report: two levels deeper. JSON strings hold no raw newline.
    yield `${i ? ',' : ''}\n    ${JSON.stringify(fileOutput(file), null, 2).replace(/\n/g, '\n    ')}`;
  }
  const tail = JSON.stringify({ errors: report.errors, summary: { files: report.files.length, findings: t.findings, ...t.bySeverity } }, null, 2);
  yield `${report.files.length ? '\n  ]' : ''},\n${tail.slice(2)}\n`;
}

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
      start: { ...f.start, offset: f.span.start },
      end: { ...f.end, offset: f.span.end },
      ...(f.related ? { related: f.related.map(({ path, line, column, endLine, endColumn, message }) => ({ path, line, column, endLine, endColumn, message })) } : {}),
    })),
    ...(file.impacts ? { impacts: file.impacts } : {}),
    ...(file.framework ? { framework: file.framework } : {}),
  };
}
