/** The CI reporters: markdown (a PR comment, rendered to HTML here), GitLab Code Quality, JUnit XML. */
import { strict as assert } from 'node:assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { marked } from 'marked';
import { COMMENT_MARKER, markdownReporter } from '../../../server/src/cli/reporters/markdown';
import { gitlabReporter } from '../../../server/src/cli/reporters/gitlab';
import { junitReporter } from '../../../server/src/cli/reporters/junit';
import { buildFileReport, type RunReport } from '../../../server/src/cli/report';
import { expectedPosition, FINDINGS, PACKAGE_ROOT, SOURCE, sampleReport } from './sampleReport';

/** Cells of every row of the first table in `html`, header row first. */
function tableCells(html: string): string[][] {
  const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].trim()));
}

describe('CI reporters', () => {
  const positions = FINDINGS.map((f) => expectedPosition(SOURCE, f.span.start));

  describe('markdown (pull-request comment)', () => {
    const md = markdownReporter(sampleReport(), { color: false });
    const html = marked.parse(md, { async: false }) as string;

    it('starts with the hidden marker the Action finds its comment by, and sums up', () => {
      assert.ok(md.startsWith(`${COMMENT_MARKER}\n`));
      assert.match(html, /<strong>3 problems<\/strong> in 1 of 2 migrations: 🛑 1 error · ⚠️ 1 warning · 💡 1 hint/);
    });

    it('renders one table row per finding with file, line, rule and the first line of the message', () => {
      const rows = tableCells(html);
      assert.deepEqual(rows[0], ['', 'File', 'Line', 'Rule', 'Finding']);
      assert.equal(rows.length, 1 + FINDINGS.length);
      FINDINGS.forEach((f, i) => {
        const row = rows[i + 1];
        assert.equal(row[1], '<code>db/migrations/V2__orders, part 1.sql</code>');
        assert.equal(row[2], String(positions[i].line));
        assert.equal(row[3], `<code>${f.ruleId}</code>`);
        assert.equal(row[4], f.message.split('\n')[0].replace(/"/g, '&quot;'));
      });
    });

    it('keeps a pipe in a message inside its cell', () => {
      const report = sampleReport([{ ...FINDINGS[0], message: 'a | b' }]);
      const rows = tableCells(marked.parse(markdownReporter(report, { color: false }), { async: false }) as string);
      assert.equal(rows[1].length, 5);
      assert.equal(rows[1][4], 'a | b');
    });

    it('links rules to https docs, never to file:// paths of the build machine', () => {
      assert.ok(!md.includes('file://'));
      const report = sampleReport();
      report.files[0].findings[0].docsUrl = 'https://example.org/docs/rules/require-concurrent-index.md';
      assert.match(markdownReporter(report, { color: false }), /\[`require-concurrent-index`\]\(https:\/\/example\.org\/docs\/rules\/require-concurrent-index\.md\)/);
    });

    it('with --explain, lists each statement’s locks in a collapsed section', () => {
      const report: RunReport = sampleReport();
      report.files[0].impacts = [
        {
          statementIndex: 1,
          span: { start: 34, end: 90 },
          start: { line: 2, column: 1 },
          summary: 'CREATE INDEX idx_orders_customer',
          inTransaction: false,
          notes: [],
          relations: [
            { relation: 'orders', kind: 'table', mode: 'ShareLock', rewrite: false, scan: true, created: false, blocks: { reads: false, writes: true, ddl: true, labels: ['writes (INSERT/UPDATE/DELETE)'] } },
          ],
        },
      ];
      const out = marked.parse(markdownReporter(report, { color: false }), { async: false }) as string;
      assert.match(out, /<details>\s*<summary>Locks taken by <code>db\/migrations\/V2__orders, part 1\.sql<\/code><\/summary>/);
      assert.match(out, /<td align="right">2<\/td>\s*<td>CREATE INDEX idx_orders_customer<\/td>\s*<td><code>orders<\/code><\/td>\s*<td>SHARE<\/td>\s*<td>writes \(INSERT\/UPDATE\/DELETE\)<\/td>\s*<td>scans<\/td>/);
    });

    it('says so when nothing was found', () => {
      assert.match(markdownReporter(sampleReport([]), { color: false }), /✅ No problems found in 2 migrations\./);
    });
  });

  describe('gitlab (Code Quality)', () => {
    const issues = JSON.parse(gitlabReporter(sampleReport(), { color: false }));

    it('emits one issue per finding with GitLab severities and line locations', () => {
      assert.equal(issues.length, FINDINGS.length);
      assert.deepEqual(
        issues.map((i: { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }) => [i.check_name, i.severity, i.location.path, i.location.lines.begin]),
        FINDINGS.map((f, i) => [f.ruleId, { error: 'critical', warning: 'major', hint: 'info', info: 'minor' }[f.severity], 'db/migrations/V2__orders, part 1.sql', positions[i].line]),
      );
    });

    it('gives stable, distinct fingerprints that ignore where the line moved to', () => {
      const fingerprints = issues.map((i: { fingerprint: string }) => i.fingerprint);
      assert.equal(new Set(fingerprints).size, fingerprints.length);
      const prefix = '-- a new first line\n';
      const shifted = prefix + SOURCE;
      const moved = FINDINGS.map((f) => ({ ...f, span: { start: f.span.start + prefix.length, end: f.span.end + prefix.length } }));
      const again = JSON.parse(
        gitlabReporter({ toolVersion: 'x', errors: [], files: [buildFileReport({ path: 'db/migrations/V2__orders, part 1.sql', text: shifted, findings: moved, statements: 4, packageRoot: PACKAGE_ROOT })] }, { color: false }),
      );
      assert.deepEqual(again.map((i: { fingerprint: string }) => i.fingerprint), fingerprints);
    });
  });

  describe('junit', () => {
    const xml = junitReporter({ ...sampleReport(), errors: [{ path: 'broken.sql', message: 'permission denied <root>' }] }, { color: false });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);

    it('is well-formed XML with one test case per file and per unreadable file', () => {
      assert.equal(XMLValidator.validate(xml), true);
      const suite = doc.testsuites.testsuite;
      assert.equal(suite.tests, '3');
      assert.equal(suite.failures, '1');
      assert.equal(suite.errors, '1');
      assert.deepEqual(suite.testcase.map((c: { name: string }) => c.name), ['db/migrations/V2__orders, part 1.sql', 'db/migrations/V1__init.sql', 'broken.sql']);
    });

    it('fails a file with one <failure> per warning or error, and lists hints as output', () => {
      const failing = doc.testsuites.testsuite.testcase[0];
      const failures = Array.isArray(failing.failure) ? failing.failure : [failing.failure];
      assert.deepEqual(failures.map((f: { type: string }) => f.type).sort(), ['constraint-missing-not-valid', 'require-concurrent-index']);
      assert.match(failing['system-out'], /unbounded-update/);
      assert.equal(doc.testsuites.testsuite.testcase[2].error.message, 'permission denied <root>');
    });

    it('replaces characters XML cannot carry', () => {
      const bad = junitReporter(sampleReport([{ ...FINDINGS[0], message: 'nul \u0000 and bell \u0007' }]), { color: false });
      assert.equal(XMLValidator.validate(bad), true);
    });
  });
});
