/**
 * GitHub Actions workflow commands, which become annotations on the pull request:
 * `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=rule-id::message`.
 */
import type { Severity } from '../../config/types';
import type { Reporter } from '../report';

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** Escaping for the message part (GitHub's `escapeData`). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for `key=value` properties (`escapeProperty`): also `:` and `,`, which delimit them. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const githubReporter: Reporter = (report) => {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const properties = [
        `file=${escapeProperty(file.path)}`,
        `line=${f.start.line}`,
        `col=${f.start.column}`,
        `endLine=${f.end.line}`,
        `endColumn=${f.end.column}`,
        `title=${escapeProperty(f.ruleId)}`,
      ].join(',');
      lines.push(`::${GITHUB_LEVEL[f.severity]} ${properties}::${escapeData(f.message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
