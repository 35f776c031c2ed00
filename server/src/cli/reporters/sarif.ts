/**
 * SARIF 2.1.0 (the format GitHub code scanning and many CI dashboards import).
 * Regions are 1-based; columns count UTF-16 code units, declared through `columnKind`.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Severity } from '../../config/types';
import { BUILTIN_CHECKS, categoryOf, ruleById } from '../../rules';
import type { Reporter, ReportedFinding } from '../report';

const SARIF_LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Relative paths stay relative (resolved against the checkout by the consumer); absolute ones become file URLs. */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function ruleTitle(ruleId: string): string | undefined {
  return ruleById(ruleId)?.title ?? (BUILTIN_CHECKS as Record<string, { title: string }>)[ruleId]?.title;
}

function ruleDescriptor(finding: ReportedFinding): Sarif.ReportingDescriptor {
  const title = ruleTitle(finding.ruleId);
  const category = categoryOf(finding.ruleId);
  return {
    id: finding.ruleId,
    ...(title ? { shortDescription: { text: title } } : {}),
    // The rule's category (locking, breaking-change, hygiene, style), for filtering in code-scanning UIs.
    ...(category ? { properties: { tags: [category] } } : {}),
    ...(finding.docsUrl ? { helpUri: finding.docsUrl } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[finding.severity] },
  };
}

export const sarifReporter: Reporter = (report) => {
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Sarif.Result[] = [];

  for (const file of report.files) {
    for (const f of file.findings) {
      if (!ruleIndex.has(f.ruleId)) {
        ruleIndex.set(f.ruleId, rules.length);
        rules.push(ruleDescriptor(f));
      }
      results.push({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: artifactUri(file.path) },
              region: {
                startLine: f.start.line,
                startColumn: f.start.column,
                endLine: f.end.line,
                endColumn: f.end.column,
                charOffset: f.span.start,
                charLength: f.span.end - f.span.start,
              },
            },
          },
        ],
      });
    }
  }

  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Lockstep', semanticVersion: report.toolVersion, version: report.toolVersion, rules } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: e.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: artifactUri(e.path) },
                    ...(e.line ? { region: { startLine: e.line, ...(e.column ? { startColumn: e.column } : {}) } } : {}),
                  },
                },
              ],
            })),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
