/** `file:line:col: warning: message [rule-id]`, the line format editors and CI log parsers already understand. */
import type { Severity } from '../../config/types';
import type { Reporter } from '../report';

// gcc knows error, warning and note.
const GCC_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export const gccReporter: Reporter = (report) => {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const message = f.message.replace(/\s*\r?\n\s*/g, ' ');
      lines.push(`${file.path}:${f.start.line}:${f.start.column}: ${GCC_LEVEL[f.severity]}: ${message} [${f.ruleId}]`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
