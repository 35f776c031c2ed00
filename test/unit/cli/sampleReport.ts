/** Synthetic findings for reporter tests: no engine involved, positions computed independently. */
import type { Finding } from '../../../server/src/findings';
import type { Severity } from '../../../server/src/config/types';
import { buildFileReport, type RunReport } from '../../../server/src/cli/report';

export const PACKAGE_ROOT = '/opt/lockstep';

export const SOURCE = [
  '-- add an index and a foreign key',
  'CREATE INDEX idx_orders_customer ON orders (customer_id);',
  '\tALTER TABLE orders ADD CONSTRAINT fk_customer',
  '  FOREIGN KEY (customer_id) REFERENCES customers (id);',
  "SELECT '😀 naïve', 1; UPDATE big SET x = 1;",
].join('\n');

/** 1-based line and UTF-16 column of `offset`, the slow obvious way. */
export function expectedPosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function finding(ruleId: string, severity: Severity, message: string, needle: string, length = needle.length): Finding {
  const start = SOURCE.indexOf(needle);
  if (start < 0) throw new Error(`sample text lacks ${needle}`);
  return { ruleId, severity, message, span: { start, end: start + length }, docs: `docs/rules/${ruleId}.md` };
}

export const FINDINGS: Finding[] = [
  finding('require-concurrent-index', 'warning', 'CREATE INDEX blocks writes to "orders"; use CONCURRENTLY.', 'CREATE INDEX idx_orders_customer'),
  // Spans two lines: the excerpt underlines to the end of the first.
  finding('constraint-missing-not-valid', 'error', 'Validating fk_customer scans "customers", 100% of rows:\nadd it NOT VALID, then VALIDATE.', 'ALTER TABLE orders', 80),
  // After an astral character: columns count UTF-16 code units.
  finding('unbounded-update', 'hint', 'UPDATE without WHERE, on a big table, rewrites every row.', 'UPDATE big SET x = 1'),
];

export function sampleReport(findings: Finding[] = FINDINGS, path = 'db/migrations/V2__orders, part 1.sql'): RunReport {
  return {
    toolVersion: '9.9.9',
    files: [
      buildFileReport({ path, text: SOURCE, findings, statements: 4, packageRoot: PACKAGE_ROOT }),
      buildFileReport({ path: 'db/migrations/V1__init.sql', text: 'SELECT 1;', findings: [], statements: 1, packageRoot: PACKAGE_ROOT }),
    ],
    errors: [],
  };
}
