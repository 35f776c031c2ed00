import { strict as assert } from 'node:assert';
import { buildFileReport, type RunReport } from '../../../server/src/cli/report';
import { textReporter } from '../../../server/src/cli/reporters/text';
import { jsonReportChunks, jsonReporter, nestedTwice } from '../../../server/src/cli/reporters/json';
import { gccReporter } from '../../../server/src/cli/reporters/gcc';
import { escapeData, escapeProperty, githubReporter } from '../../../server/src/cli/reporters/github';
import { expectedPosition, FINDINGS, PACKAGE_ROOT, SOURCE, sampleReport } from './sampleReport';

const ESC = '\x1b[';

describe('reporters', () => {
  const positions = FINDINGS.map((f) => ({ start: expectedPosition(SOURCE, f.span.start), end: expectedPosition(SOURCE, f.span.end) }));

  describe('text', () => {
    const output = textReporter(sampleReport(), { color: false });
    const lines = output.split('\n');

    it('heads each finding with file:line:col, severity, message and rule id', () => {
      FINDINGS.forEach((f, i) => {
        const firstLine = f.message.split('\n')[0];
        const header = `db/migrations/V2__orders, part 1.sql:${positions[i].start.line}:${positions[i].start.column}: ${f.severity}: ${firstLine} [${f.ruleId}]`;
        assert.ok(lines.includes(header), `missing header: ${header}\n${output}`);
      });
      assert.ok(lines.includes('  add it NOT VALID, then VALIDATE.'), 'continuation lines of a message are indented');
    });

    it('underlines the span under the source line', () => {
      FINDINGS.forEach((f, i) => {
        const sourceLine = SOURCE.split('\n')[positions[i].start.line - 1];
        const at = lines.findIndex((l) => l.endsWith(`| ${sourceLine}`));
        assert.ok(at > 0, `no excerpt for ${f.ruleId}`);
        const underline = lines[at + 1].slice(lines[at].indexOf('| ') + 2);
        const caretStart = underline.indexOf('^');
        const sameLine = positions[i].end.line === positions[i].start.line;
        const expectedWidth = sameLine ? f.span.end - f.span.start : sourceLine.length - (positions[i].start.column - 1);
        assert.equal(caretStart, positions[i].start.column - 1, `caret column for ${f.ruleId}`);
        assert.equal(underline.slice(caretStart), '^'.repeat(expectedWidth), `underline width for ${f.ruleId}`);
        // Tabs are kept in the padding so the caret lines up in a terminal.
        assert.equal(underline.slice(0, caretStart), sourceLine.slice(0, caretStart).replace(/[^\t]/g, ' '));
      });
    });

    it('links the docs and sums up', () => {
      assert.ok(output.includes(`docs: file://${PACKAGE_ROOT}/docs/rules/require-concurrent-index.md`));
      assert.ok(lines.includes('✖ 3 problems (1 error, 1 warning, 1 hint) in 1 of 2 files.'), output);
      assert.ok(!output.includes(ESC), 'no colour codes when colour is off');
    });

    it('colours only when asked, and --quiet drops the summary', () => {
      const coloured = textReporter(sampleReport(), { color: true });
      assert.ok(coloured.includes(`${ESC}31merror${ESC}0m`));
      assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), output);
      assert.ok(!textReporter(sampleReport(), { color: false, quiet: true }).includes('problems'));
    });

    it('says so when nothing was found', () => {
      assert.equal(textReporter(sampleReport([]), { color: false }), '✔ No problems found in 2 files.\n');
    });

    it('cuts very long lines to a window around the finding', () => {
      const long = `SELECT ${'x, '.repeat(5000)}1; CREATE INDEX i ON t (c);`;
      const start = long.indexOf('CREATE INDEX');
      const report = sampleReport([]);
      report.files = [buildFileReport({ path: 'long.sql', text: long, statements: 2, packageRoot: PACKAGE_ROOT, findings: [{ ruleId: 'r', severity: 'warning', message: 'm', span: { start, end: start + 12 }, docs: '' }] })];
      const out = textReporter(report, { color: false }).split('\n');
      const excerpt = out.find((l) => l.includes('CREATE INDEX i ON t'))!;
      assert.ok(excerpt.length < 200, `excerpt is ${excerpt.length} characters`);
      const underline = out[out.indexOf(excerpt) + 1];
      assert.equal(underline.indexOf('^'), excerpt.indexOf('CREATE INDEX'));
      assert.equal(underline.trim().replace(/^\|\s*/, ''), '^'.repeat(12));
    });
  });

  describe('json', () => {
    const parsed = JSON.parse(jsonReporter(sampleReport(), { color: false }));

    it('has the documented shape', () => {
      assert.equal(parsed.version, 1);
      assert.deepEqual(parsed.tool, { name: 'lockstep', version: '9.9.9' });
      assert.deepEqual(parsed.summary, { files: 2, findings: 3, error: 1, warning: 1, info: 0, hint: 1 });
      assert.deepEqual(parsed.errors, []);
      assert.deepEqual(parsed.files.map((f: { path: string; statements: number }) => [f.path, f.statements]), [
        ['db/migrations/V2__orders, part 1.sql', 4],
        ['db/migrations/V1__init.sql', 1],
      ]);
    });

    it('gives 1-based positions and UTF-16 offsets for every finding', () => {
      parsed.files[0].findings.forEach((f: Record<string, any>, i: number) => {
        assert.equal(f.ruleId, FINDINGS[i].ruleId);
        assert.equal(f.severity, FINDINGS[i].severity);
        assert.equal(f.message, FINDINGS[i].message);
        assert.equal(f.docs, FINDINGS[i].docs);
        assert.deepEqual(f.start, { ...positions[i].start, offset: FINDINGS[i].span.start });
        assert.deepEqual(f.end, { ...positions[i].end, offset: FINDINGS[i].span.end });
      });
    });
  });

  describe('json, written in pieces', () => {
    // The report is written a file at a time (jsonReportChunks); its text must be exactly the
    // two-space JSON of its content, whatever the files, findings and fields hold.
    const canonical = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    const withEverything: RunReport = {
      ...sampleReport(),
      errors: [{ path: 'x.sql', message: 'permission denied\n"quoted"' }],
    };
    withEverything.files[0] = {
      ...withEverything.files[0],
      impacts: [{ statementIndex: 0, span: { start: 0, end: 5 }, summary: 'ALTER TABLE t: a\nb', relations: [], inTransaction: false, notes: ['n\u2028x'], start: { line: 1, column: 1 } }],
      framework: { id: 'knex', understood: 2, notAnalysed: 1, reasons: { 'SQL inside a loop': 1 } },
      findings: [{ ...withEverything.files[0].findings[0], related: [{ file: '/w/src/a.ts', path: 'src/a.ts', line: 1, column: 2, endLine: 1, endColumn: 4, message: 'reads t.c' }] }, ...withEverything.files[0].findings.slice(1)],
    };
    const cases: Array<[string, RunReport]> = [
      ['the sample report', sampleReport()],
      ['impacts, framework, related findings and errors', withEverything],
      ['no files', { toolVersion: '1', files: [], errors: [{ path: 'a.sql', message: 'not found' }] }],
      ['nothing at all', { toolVersion: '1', files: [], errors: [] }],
      ['a file without findings', { ...sampleReport(), files: [{ ...sampleReport().files[1], findings: [] }] }],
    ];
    for (const [name, report] of cases) {
      it(`is the two-space JSON of its content: ${name}`, () => {
        const text = jsonReporter(report, { color: false });
        assert.equal(text, canonical(text));
        assert.deepEqual(JSON.parse(text).files.length, report.files.length);
      });
    }

    it('indents a file two levels deep exactly as re-indenting its own two-space JSON would', () => {
      const values: unknown[] = [
        { path: 'a.sql', statements: 0, findings: [] },
        { a: {}, b: [], c: [[], [{}]], d: 'line\nbreak "q" \u2028 \\ \n  ]\n}', e: undefined, f: null, g: -0.5, h: [undefined, 1] },
        { nested: { deeper: { deepest: ['x', { y: 1 }] } }, toJSON: undefined },
        { when: new Date(0) },
        'a string',
        [],
      ];
      for (const value of values) assert.equal(nestedTwice(value), JSON.stringify(value, null, 2).replace(/\n/g, '\n    '), JSON.stringify(value));
    });

    it('comes one file per piece, between a head and a tail', () => {
      const pieces = [...jsonReportChunks(sampleReport())];
      assert.equal(pieces.length, sampleReport().files.length + 2);
      assert.ok(pieces[1].includes('V2__orders, part 1.sql') && !pieces[1].includes('V1__init.sql'));
    });
  });

  describe('gcc', () => {
    it('prints one compiler-style line per finding', () => {
      const lines = gccReporter(sampleReport(), { color: false }).trimEnd().split('\n');
      assert.deepEqual(lines, [
        `db/migrations/V2__orders, part 1.sql:${positions[0].start.line}:${positions[0].start.column}: warning: ${FINDINGS[0].message} [require-concurrent-index]`,
        `db/migrations/V2__orders, part 1.sql:${positions[1].start.line}:${positions[1].start.column}: error: ${FINDINGS[1].message.replace('\n', ' ')} [constraint-missing-not-valid]`,
        `db/migrations/V2__orders, part 1.sql:${positions[2].start.line}:${positions[2].start.column}: note: ${FINDINGS[2].message} [unbounded-update]`,
      ]);
      assert.equal(gccReporter(sampleReport([]), { color: false }), '');
    });
  });

  describe('github', () => {
    it('escapes data and properties as the workflow-command toolkit does', () => {
      assert.equal(escapeData('100%\r\nnext'), '100%25%0D%0Anext');
      assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
    });

    it('prints one annotation per finding with start and end', () => {
      const lines = githubReporter(sampleReport(), { color: false }).trimEnd().split('\n');
      const file = 'db/migrations/V2__orders%2C part 1.sql';
      assert.deepEqual(lines, [
        `::warning file=${file},line=${positions[0].start.line},col=${positions[0].start.column},endLine=${positions[0].end.line},endColumn=${positions[0].end.column},title=require-concurrent-index::${FINDINGS[0].message}`,
        `::error file=${file},line=${positions[1].start.line},col=${positions[1].start.column},endLine=${positions[1].end.line},endColumn=${positions[1].end.column},title=constraint-missing-not-valid::Validating fk_customer scans "customers", 100%25 of rows:%0Aadd it NOT VALID, then VALIDATE.`,
        `::notice file=${file},line=${positions[2].start.line},col=${positions[2].start.column},endLine=${positions[2].end.line},endColumn=${positions[2].end.column},title=unbounded-update::${FINDINGS[2].message}`,
      ]);
    });
  });
});
