/**
 * The CLI on the SQL-runner fixture projects (copied to a temp folder): runners detected from the files
 * around each migration, and a Go-templated set linted with the placeholders of its lockstep.config.json.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, REPO_ROOT, runCli } from './distCli';

interface JsonReport {
  files: { path: string; findings: { ruleId: string; start: { line: number; column: number } }[] }[];
}

describe('lockstep CLI on the SQL-runner fixtures', function () {
  this.timeout(120_000);
  let work: string;
  const lintJson = (...paths: string[]) => {
    const run = runCli(['lint', '--format', 'json', ...paths], { cwd: work });
    return JSON.parse(run.stdout) as JsonReport;
  };
  const at = (report: JsonReport, path: string) =>
    report.files.find((f) => f.path === path)!.findings.map((f) => `${f.ruleId}@${f.start.line}:${f.start.column}`);

  before(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'lockstep-frameworks-'));
    cpSync(join(REPO_ROOT, 'test/fixtures/frameworks'), work, { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('a Go-templated set: no syntax error, the index finding where it is written, the branch not analysed', () => {
    const report = lintJson('go-template/migrations');
    const second = at(report, 'go-template/migrations/000002_orders_user_index.up.sql');
    assert.ok(second.includes('require-concurrent-index@1:1'), second.join(' '));
    assert.ok(second.includes('not-analysed@4:1'), second.join(' '));
    assert.deepEqual(report.files.flatMap((f) => f.findings).filter((f) => f.ruleId === 'syntax-error'), []);
  });

  it('postgres-migrations and sqlx found from package.json and Cargo.toml: only the file without the opt-out is flagged', () => {
    const report = lintJson('postgres-migrations/migrations', 'sqlx/migrations');
    const cic = (path: string) => at(report, path).filter((f) => f.startsWith('concurrent-in-transaction'));
    assert.deepEqual(cic('postgres-migrations/migrations/2_orders_user_index.sql'), ['concurrent-in-transaction@1:1']);
    assert.deepEqual(cic('postgres-migrations/migrations/3_orders_note_index.sql'), []);
    assert.deepEqual(cic('sqlx/migrations/20240201000000_orders_user_index.sql'), ['concurrent-in-transaction@1:1']);
    assert.deepEqual(cic('sqlx/migrations/20240301000000_orders_note_index.sql'), []);
  });
});
