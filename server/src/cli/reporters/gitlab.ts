/**
 * GitLab Code Quality report (a JSON array of issues), for `artifacts: reports: codequality`.
 * The fingerprint is stable across pushes for the same finding on the same statement text, so
 * GitLab can tell new findings from old ones.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../config/types';
import type { Reporter } from '../report';

const GITLAB_SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'minor', hint: 'info' };

export const gitlabReporter: Reporter = (report) => {
  const issues = report.files.flatMap((file) =>
    file.findings.map((f) => ({
      type: 'issue',
      check_name: f.ruleId,
      description: f.message.split('\n')[0],
      content: { body: f.message },
      categories: ['Bug Risk'],
      severity: GITLAB_SEVERITY[f.severity],
      fingerprint: createHash('sha256')
        .update(`${file.path}\0${f.ruleId}\0${file.sourceLines[f.start.line] ?? ''}\0${f.start.column}`)
        .digest('hex'),
      location: { path: file.path, lines: { begin: f.start.line, end: f.end.line } },
    })),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
};
