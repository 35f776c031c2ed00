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
import { totals, type Reporter } from '../report';

export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = (report) => {
  const t = totals(report);
  const output = {
    version: JSON_REPORT_VERSION,
    tool: { name: 'lockstep', version: report.toolVersion },
    files: report.files.map((file) => ({
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
    })),
    errors: report.errors,
    summary: { files: report.files.length, findings: t.findings, ...t.bySeverity },
  };
  return `${JSON.stringify(output, null, 2)}\n`;
};
