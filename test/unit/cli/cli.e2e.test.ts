/**
 * End to end: the bundled dist/cli.js as a child process, on a copy of test/fixtures/cli
 * (copied to a temp folder so no lockstep.config.json above the repo can change the results).
 */
import { strict as assert } from 'node:assert';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, lintText } from '../../../server/src/engine';
import { resolveConfigFor } from '../../../server/src/config/load';
import { assertNoStackTrace, ensureBuilt, REPO_ROOT, runCli } from './distCli';
import { sarifValidator } from './sarifSchema';

interface JsonFinding {
  ruleId: string;
  severity: string;
  start: { line: number; column: number; offset: number };
  end: { offset: number };
}
interface JsonReport {
  files: { path: string; statements: number; findings: JsonFinding[]; impacts?: unknown[] }[];
  errors: { path: string; message: string }[];
  summary: Record<string, number>;
}

describe('lockstep CLI (dist/cli.js)', function () {
  this.timeout(120_000);
  let work: string;

  const lint = (args: string[], input?: string) => runCli(['lint', ...args], { cwd: work, input });
  const lintJson = (args: string[]) => {
    const run = lint(['--format', 'json', ...args]);
    return { ...run, report: JSON.parse(run.stdout) as JsonReport };
  };
  const rules = (report: JsonReport, path: string) => report.files.find((f) => f.path === path)!.findings.map((f) => f.ruleId).sort();

  before(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'lockstep-cli-'));
    cpSync(join(REPO_ROOT, 'test/fixtures/cli'), work, { recursive: true, filter: (src) => !src.endsWith('.json') || src.endsWith('lockstep.config.json') });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('basics', () => {
    it('prints help and the package version', () => {
      const help = runCli(['--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Usage: lockstep lint \[options\] <files\|dirs\|globs\|->/);
      for (const option of ['--format', '--config', '--pg-version', '--fail-on', '--explain', '--quiet', '--stdin-filename']) {
        assert.ok(help.stdout.includes(option), `help mentions ${option}`);
      }
      const version = runCli(['--version']);
      assert.equal(version.status, 0);
      assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    });

    it('rejects bad usage with exit code 2 and a hint', () => {
      for (const argv of [[], ['lint'], ['lint', '--format', 'xml', 'x.sql'], ['frobnicate', 'x.sql'], ['lint', '--pg-version', '99', 'x.sql']]) {
        const run = runCli(argv, { cwd: work });
        assert.equal(run.status, 2, argv.join(' '));
        assert.match(run.stderr, /^lockstep: .+\nRun "lockstep --help" for usage\.\n$/);
        assert.equal(run.stdout, '');
      }
    });
  });

  describe('finding files', () => {
    it('walks a folder for .sql files in natural order (V2 before V10)', () => {
      const { status, report } = lintJson(['migrations']);
      assert.deepEqual(report.files.map((f) => f.path), ['migrations/V1__create_orders.sql', 'migrations/V2__index_orders.sql', 'migrations/V10__add_status.sql']);
      assert.deepEqual(rules(report, 'migrations/V2__index_orders.sql'), ['require-concurrent-index']);
      assert.equal(status, 1);
    });

    it('expands a quoted glob itself', () => {
      const { report } = lintJson(['migrations/V?*__*.sql']);
      assert.deepEqual(report.files.map((f) => f.path), ['migrations/V1__create_orders.sql', 'migrations/V2__index_orders.sql', 'migrations/V10__add_status.sql']);
      assert.deepEqual(lintJson(['**/V1*.sql']).report.files.map((f) => f.path), ['migrations/V1__create_orders.sql', 'migrations/V10__add_status.sql']);
    });

    it('reads standard input, named by --stdin-filename', () => {
      const sql = 'CREATE INDEX i ON orders (note);\n';
      const run = lint(['--format', 'gcc', '--stdin-filename', 'V7__from_stdin.sql', '-'], sql);
      assert.equal(run.status, 1);
      assert.match(run.stdout, /^V7__from_stdin\.sql:1:1: warning: .+ \[require-concurrent-index\]$/m);
      assert.match(lint(['--format', 'gcc', '-'], sql).stdout, /^<stdin>:1:1: /m);
    });

    it('skips files the config excludes', () => {
      const { status, report } = lintJson(['excluded']);
      assert.deepEqual(report.files.map((f) => f.path), ['excluded/current.sql']);
      assert.equal(status, 0);
      const named = lint(['excluded/legacy/old.sql']);
      assert.equal(named.status, 0);
      assert.match(named.stderr, /excluded\/legacy\/old\.sql: skipped, it matches "exclude"/);
    });
  });

  describe('exit codes and --fail-on', () => {
    it('exits 0 on a clean file and says so', () => {
      const run = lint(['clean/clean.sql']);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, '✔ No problems found in 1 file.\n');
      assert.equal(run.stderr, '');
    });

    it('exits 1 only for findings at or above --fail-on', () => {
      assert.equal(lint(['migrations/V2__index_orders.sql']).status, 1);
      assert.equal(lint(['--fail-on', 'error', 'migrations/V2__index_orders.sql']).status, 0);
      assert.equal(lint(['--fail-on', 'hint', 'migrations/V2__index_orders.sql']).status, 1);
      assert.equal(lint(['--fail-on', 'warning', 'broken/missing_paren.sql']).status, 1);
    });

    it('--quiet keeps only failing findings and drops the summary', () => {
      const run = lint(['--quiet', '--fail-on', 'error', 'migrations', 'broken']);
      assert.equal(run.status, 1);
      assert.ok(!run.stdout.includes('require-concurrent-index'));
      assert.ok(run.stdout.includes('[syntax-error]'));
      assert.ok(!run.stdout.includes('problems'));
    });

    it('reports a syntax error at its position', () => {
      const { report } = lintJson(['broken/missing_paren.sql']);
      const [finding] = report.files[0].findings;
      const text = readFileSync(join(work, 'broken/missing_paren.sql'), 'utf8');
      assert.equal(finding.ruleId, 'syntax-error');
      assert.equal(finding.severity, 'error');
      assert.deepEqual([finding.start.line, finding.start.column], [1, text.indexOf(';') + 1]);
    });
  });

  describe('configuration', () => {
    const addStatus = 'migrations/V10__add_status.sql';

    it('--pg-version changes the verdict (ADD COLUMN … DEFAULT rewrote tables before PG 11)', () => {
      assert.deepEqual(rules(lintJson(['--pg-version', '10', addStatus]).report, addStatus), ['volatile-default']);
      assert.deepEqual(rules(lintJson(['--pg-version', '11', addStatus]).report, addStatus), []);
      assert.deepEqual(rules(lintJson([addStatus]).report, addStatus), [], 'the default target is newer than 11');
    });

    it('a config file sets pgVersion, and --pg-version overrides it', () => {
      assert.deepEqual(rules(lintJson(['pg10/add_status.sql']).report, 'pg10/add_status.sql'), ['volatile-default']);
      assert.deepEqual(rules(lintJson(['--pg-version', '16', 'pg10/add_status.sql']).report, 'pg10/add_status.sql'), []);
      assert.deepEqual(rules(lintJson(['--config', 'pg10/lockstep.config.json', addStatus]).report, addStatus), ['volatile-default']);
    });

    it('lockstep.config.json turns a rule off and changes a severity', () => {
      const { report, status } = lintJson(['rule-off/index.sql']);
      assert.deepEqual(report.files[0].findings.map((f) => [f.ruleId, f.severity]), [['require-concurrent-index', 'error']]);
      assert.equal(status, 1);
      writeFileSync(join(work, 'no-config.sql'), readFileSync(join(work, 'rule-off/index.sql')));
      const without = lintJson(['no-config.sql']).report;
      assert.deepEqual(without.files[0].findings.map((f) => [f.ruleId, f.severity]).sort(), [
        ['require-concurrent-index', 'warning'],
        ['require-lock-timeout', 'warning'],
      ]);
    });

    it('the CLI and an in-process engine given resolveConfigFor (the language server path) agree', async () => {
      await initEngine();
      for (const rel of ['rule-off/index.sql', 'pg10/add_status.sql', 'migrations/V2__index_orders.sql']) {
        const path = join(work, rel);
        const text = readFileSync(path, 'utf8');
        const inProcess = lintText(text, { path, config: resolveConfigFor(path).config }).findings;
        const cli = lintJson([rel]).report.files[0].findings;
        assert.deepEqual(
          cli.map((f) => [f.ruleId, f.severity, f.start.offset, f.end.offset]),
          inProcess.map((f) => [f.ruleId, f.severity, f.span.start, f.span.end]),
          rel,
        );
      }
    });

    it('a broken config file: exit 2, file:line:col on stderr, and no report on stdout', () => {
      const run = lint(['--format', 'gcc', 'bad-config/index.sql']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^lockstep: bad-config\/lockstep\.config\.json:4:3: invalid JSON: /m);
      assert.equal(run.stdout, '');
      const missing = lint(['--config', 'nope.json', 'clean/clean.sql']);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /nope\.json: config file not found/);
      const dir = lint(['--config', 'migrations', 'clean/clean.sql']);
      assert.equal(dir.status, 2);
      assert.match(dir.stderr, /migrations: config path is a directory/);
    });
  });

  describe('reporters', () => {
    it('text: file:line:col, excerpt, docs link, summary; no colour when not a terminal', () => {
      const run = lint(['migrations/V2__index_orders.sql']);
      const lines = run.stdout.split('\n');
      assert.match(lines[0], /^migrations\/V2__index_orders\.sql:3:1: warning: .+ \[require-concurrent-index\]$/);
      assert.equal(lines[1], '  3 | CREATE INDEX orders_customer_idx ON orders (customer_id);');
      assert.equal(lines[2], `    | ${'^'.repeat('CREATE INDEX orders_customer_idx ON orders (customer_id);'.length)}`);
      assert.match(lines[3], /^ {2}docs: https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/docs\/rules\/require-concurrent-index\.md$/);
      assert.ok(run.stdout.endsWith('✖ 1 problem (1 warning) in 1 of 1 file.\n'), run.stdout);
      assert.ok(!run.stdout.includes('\x1b['));
    });

    it('gcc and github: one line per finding', () => {
      assert.equal(
        lint(['--format', 'gcc', 'migrations/V2__index_orders.sql']).stdout.split('\n')[0].replace(/: warning: .*\[/, ': warning: … ['),
        'migrations/V2__index_orders.sql:3:1: warning: … [require-concurrent-index]',
      );
      const github = lint(['--format', 'github', 'migrations/V2__index_orders.sql']).stdout.trim();
      assert.match(github, /^::warning file=migrations\/V2__index_orders\.sql,line=3,col=1,endLine=3,endColumn=58,title=require-concurrent-index::.+$/);
    });

    it('sarif: valid SARIF 2.1.0, including files that failed', () => {
      const validate = sarifValidator();
      const run = lint(['--format', 'sarif', 'migrations', 'broken', 'missing.sql']);
      assert.equal(run.status, 2);
      const log = JSON.parse(run.stdout);
      assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
      const ruleIds = log.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort();
      assert.deepEqual(ruleIds, ['require-concurrent-index', 'syntax-error']);
      assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
    });

    it('--explain prints every statement\'s locks (what npm start shows)', () => {
      const run = lint(['--explain', 'migrations/V2__index_orders.sql']);
      assert.match(run.stdout, /^Lock impact: migrations\/V2__index_orders\.sql$/m);
      assert.match(run.stdout, /^ {2}3:1 .*CREATE INDEX/m);
      assert.match(run.stdout, /^ {6}orders: SHARE\b.*blocks .*writes/m);
      const json = lintJson(['--explain', 'migrations/V2__index_orders.sql']).report;
      assert.equal(json.files[0].impacts!.length, json.files[0].statements);
    });
  });

  describe('bad input never crashes it', () => {
    const expectFailure = (run: ReturnType<typeof lint>, message: RegExp) => {
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
      assertNoStackTrace(run.stderr + run.stdout);
    };

    it('missing files are reported while the other files are still linted', () => {
      const run = lint(['--format', 'gcc', 'nope.sql', 'migrations/V2__index_orders.sql']);
      expectFailure(run, /^lockstep: nope\.sql: no such file or directory$/m);
      assert.match(run.stdout, /V2__index_orders\.sql:3:1: warning/);
    });

    it('binary junk', () => {
      writeFileSync(join(work, 'junk.sql'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff, 0xfe, 0, 0x1b, 0x5b]));
      expectFailure(lint(['junk.sql']), /junk\.sql: looks like a binary file/);
    });

    it('invalid UTF-8 and control characters are linted, not rejected', () => {
      writeFileSync(join(work, 'latin1.sql'), Buffer.concat([Buffer.from("SELECT '"), Buffer.from([0xe9, 0x1b]), Buffer.from("';\n")]));
      const run = lint(['latin1.sql']);
      assert.equal(run.status, 0, run.stderr);
      assertNoStackTrace(run.stderr);
    });

    it('a 20 MB file is refused with the reason, before it is linted', () => {
      const line = 'ALTER TABLE orders ADD COLUMN c int;\n';
      writeFileSync(join(work, 'huge.sql'), line.repeat(Math.ceil((20 * 1024 * 1024) / line.length)));
      expectFailure(lint(['huge.sql', 'clean/clean.sql']), /huge\.sql: file is 20\.0 MB; files over 10 MB are not linted/);
    });

    it('a folder with no SQL, and a folder named like a SQL file', () => {
      mkdirSync(join(work, 'docs-only'));
      writeFileSync(join(work, 'docs-only/README.md'), '# nothing here');
      expectFailure(lint(['docs-only']), /docs-only: no \.sql files or framework migrations found in this directory/);
      mkdirSync(join(work, 'odd/V5__dir.sql'), { recursive: true });
      writeFileSync(join(work, 'odd/V5__dir.sql/inner.sql'), 'SELECT 1;\n');
      const run = lintJson(['odd']);
      assert.deepEqual(run.report.files.map((f) => f.path), ['odd/V5__dir.sql/inner.sql']);
    });

    it('permission denied', function () {
      if (process.getuid?.() !== 0) {
        // Not root: chmod alone makes the file unreadable for us.
        writeFileSync(join(work, 'secret.sql'), 'SELECT 1;');
        chmodSync(join(work, 'secret.sql'), 0o000);
        expectFailure(lint(['secret.sql']), /secret\.sql: permission denied/);
        return;
      }
      // Root reads everything, so run the CLI as `nobody` on a copy it may run but not read the target of.
      const sandbox = mkdtempSync(join(tmpdir(), 'lockstep-perm-'));
      try {
        cpSync(join(REPO_ROOT, 'dist'), join(sandbox, 'dist'), { recursive: true });
        writeFileSync(join(sandbox, 'secret.sql'), 'SELECT 1;');
        chmodSync(join(sandbox, 'secret.sql'), 0o600);
        mkdirSync(join(sandbox, 'locked'));
        writeFileSync(join(sandbox, 'locked/a.sql'), 'SELECT 1;');
        chmodSync(join(sandbox, 'locked'), 0o700);
        chmodSync(sandbox, 0o755);
        const run = runCli(['lint', 'secret.sql', 'locked'], {
          cli: join(sandbox, 'dist/cli.js'),
          cwd: sandbox,
          uid: 65534,
          gid: 65534,
        });
        expectFailure(run, /secret\.sql: permission denied/);
        assert.match(run.stderr, /locked: permission denied/);
      } finally {
        rmSync(sandbox, { recursive: true, force: true });
      }
    });
  });

  it('dist/cli.js runs from a copy of dist/ alone, with NODE_PATH empty', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'lockstep-dist-'));
    try {
      cpSync(join(REPO_ROOT, 'dist'), join(sandbox, 'dist'), { recursive: true });
      writeFileSync(join(sandbox, 'V1__index.sql'), 'CREATE INDEX i ON orders (note);\n');
      const run = runCli(['lint', '--format', 'json', 'V1__index.sql'], {
        cli: join(sandbox, 'dist/cli.js'),
        cwd: sandbox,
        env: { NODE_PATH: '' },
      });
      assert.equal(run.status, 1, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.ok(report.files[0].findings.some((f) => f.ruleId === 'require-concurrent-index'));
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
