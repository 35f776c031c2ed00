/**
 * JUnit XML, which most CI systems render as test results: one test case per linted file,
 * failing with one <failure> per finding of severity warning or error (info and hints are
 * listed in <system-out>), and one errored case per file that could not be linted.
 */
import type { Reporter, ReportedFinding } from '../report';

export function xmlEscape(text: string): string {
  // XML 1.0 cannot carry most control characters at all, even escaped.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const failing = (f: ReportedFinding) => f.severity === 'error' || f.severity === 'warning';
const where = (path: string, f: ReportedFinding) => `${path}:${f.start.line}:${f.start.column}`;

export const junitReporter: Reporter = (report) => {
  const cases: string[] = [];
  let failures = 0;
  for (const file of report.files) {
    const bad = file.findings.filter(failing);
    const other = file.findings.filter((f) => !failing(f));
    failures += bad.length > 0 ? 1 : 0;
    const body = [
      ...bad.map(
        (f) =>
          `      <failure type="${xmlEscape(f.ruleId)}" message="${xmlEscape(`${f.severity}: ${f.message.split('\n')[0]}`)}">${xmlEscape(`${where(file.path, f)} [${f.ruleId}]\n${f.message}`)}</failure>`,
      ),
      ...(other.length ? [`      <system-out>${xmlEscape(other.map((f) => `${where(file.path, f)}: ${f.severity}: ${f.message} [${f.ruleId}]`).join('\n'))}</system-out>`] : []),
    ];
    const open = `    <testcase classname="lockstep" name="${xmlEscape(file.path)}"`;
    cases.push(body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`);
  }
  for (const error of report.errors) {
    cases.push(`    <testcase classname="lockstep" name="${xmlEscape(error.path)}">\n      <error message="${xmlEscape(error.message)}"/>\n    </testcase>`);
  }
  const tests = report.files.length + report.errors.length;
  const counts = `tests="${tests}" failures="${failures}" errors="${report.errors.length}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lockstep" ${counts}>`,
    `  <testsuite name="lockstep lint" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
