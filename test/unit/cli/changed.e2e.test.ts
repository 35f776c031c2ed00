/**
 * `lockstep lint --changed-since <ref>` / `--staged` in real git repositories: only changed
 * migrations are linted, earlier ones still feed the schema history, and the two checks only
 * history can answer (an edited applied migration, an out-of-order new one) are errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from './distCli';
import { gitRepo, type GitRepo } from '../../support/gitRepo';

interface JsonFinding {
  ruleId: string;
  severity: string;
  start: { line: number; column: number };
}
interface JsonReport {
  files: { path: string; findings: JsonFinding[] }[];
}

function lintJson(dir: string, args: string[]): { status: number | null; report: JsonReport; stderr: string } {
  const run = runCli(['lint', '--format', 'json', ...args], { cwd: dir });
  return { status: run.status, report: JSON.parse(run.stdout || '{"files":[]}'), stderr: run.stderr };
}

describe('lockstep lint --changed-since / --staged', function () {
  this.timeout(60_000);
  let dir: string;
  let repo: GitRepo;
  before(() => ensureBuilt());
  beforeEach(() => {
    repo = gitRepo(mkdtempSync(join(tmpdir(), 'lockstep-changed-')));
    dir = repo.dir;
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'db/migrations/000001_create.up.sql'), 'CREATE TABLE t (id int PRIMARY KEY, note varchar(50));\n');
    writeFileSync(join(dir, 'db/migrations/000003_index.up.sql'), 'CREATE INDEX CONCURRENTLY t_note_idx ON t (note);\n');
    repo.commitAll('base');
    execFileSync('git', ['tag', 'base'], { cwd: dir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lints only what changed, with the earlier migrations as history', () => {
    writeFileSync(join(dir, 'db/migrations/000004_widen.up.sql'), "SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN note TYPE varchar(80);\n");
    const { status, report } = lintJson(dir, ['--changed-since', 'base']);
    assert.deepEqual(report.files.map((f) => f.path), ['db/migrations/000004_widen.up.sql']);
    // History says note is varchar(50): widening is no rewrite, so no type-change finding.
    assert.deepEqual(report.files[0].findings.map((f) => f.ruleId), []);
    assert.equal(status, 0);
  });

  it('flags an edited migration that was already on the base revision', () => {
    writeFileSync(join(dir, 'db/migrations/000003_index.up.sql'), 'CREATE INDEX CONCURRENTLY t_note_idx ON t (note, id);\n');
    const { status, report } = lintJson(dir, ['--changed-since', 'base', 'db/migrations']);
    const findings = report.files[0].findings.filter((f) => f.ruleId === 'edited-migration');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'error');
    assert.deepEqual(findings[0].start, { line: 1, column: 1, offset: 0 });
    assert.equal(status, 1);
  });

  it('flags a new migration that sorts before the newest one on the base revision, naming it', () => {
    writeFileSync(join(dir, 'db/migrations/000002_late.up.sql'), 'ALTER TABLE t ADD COLUMN late text;\n');
    const run = runCli(['lint', '--changed-since', 'base'], { cwd: dir });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /000002_late\.up\.sql:1:1: error: This new migration sorts before 000003_index\.up\.sql.*golang-migrate never applies it/s);
  });

  it('does not flag a new migration that sorts last, nor a non-migration file of the set (a .down.sql)', () => {
    writeFileSync(join(dir, 'db/migrations/000005_next.up.sql'), 'ALTER TABLE t ADD COLUMN next text;\n');
    writeFileSync(join(dir, 'db/migrations/000002_late.down.sql'), 'DROP TABLE IF EXISTS nothing;\n');
    const { report } = lintJson(dir, ['--changed-since', 'base']);
    const ids = report.files.flatMap((f) => f.findings.map((x) => x.ruleId));
    assert.ok(!ids.includes('out-of-order-migration'), ids.join(','));
    assert.equal(report.files.length, 2);
  });

  it('--staged lints only the index, against HEAD', () => {
    writeFileSync(join(dir, 'db/migrations/000005_staged.up.sql'), 'CREATE INDEX t_id_note ON t (id, note);\n');
    writeFileSync(join(dir, 'db/migrations/000006_unstaged.up.sql'), 'CREATE INDEX t_x ON t (id);\n');
    execFileSync('git', ['add', 'db/migrations/000005_staged.up.sql'], { cwd: dir });
    const { report } = lintJson(dir, ['--staged']);
    assert.deepEqual(report.files.map((f) => f.path), ['db/migrations/000005_staged.up.sql']);
    assert.ok(report.files[0].findings.some((f) => f.ruleId === 'require-concurrent-index'));
  });

  it('names each runner’s own out-of-order rule: Flyway’s outOfOrder, goose’s -allow-missing', () => {
    mkdirSync(join(dir, 'db/flyway'), { recursive: true });
    mkdirSync(join(dir, 'db/goose'), { recursive: true });
    writeFileSync(join(dir, 'db/flyway/V1__create.sql'), 'CREATE TABLE f (id int PRIMARY KEY);\n');
    writeFileSync(join(dir, 'db/flyway/V3__note.sql'), 'ALTER TABLE f ADD COLUMN note text;\n');
    writeFileSync(join(dir, 'db/goose/00001_create.sql'), '-- +goose Up\nCREATE TABLE g (id int PRIMARY KEY);\n');
    writeFileSync(join(dir, 'db/goose/00003_note.sql'), '-- +goose Up\nALTER TABLE g ADD COLUMN note text;\n');
    repo.commitAll('flyway and goose');
    writeFileSync(join(dir, 'db/flyway/V2__late.sql'), 'ALTER TABLE f ADD COLUMN late text;\n');
    writeFileSync(join(dir, 'db/goose/00002_late.sql'), '-- +goose Up\nALTER TABLE g ADD COLUMN late text;\n');
    const run = runCli(['lint', '--changed-since', 'HEAD', 'db/flyway', 'db/goose'], { cwd: dir });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /V2__late\.sql:1:1: error: This new migration sorts before V3__note\.sql.*unless outOfOrder=true/s);
    assert.match(run.stdout, /00002_late\.sql:1:1: error: This new migration sorts before 00003_note\.sql.*unless run with -allow-missing/s);
  });

  it('reads Diesel one-folder-per-migration sets from git too', () => {
    const set = join(dir, 'migrations');
    mkdirSync(join(set, '2024-01-02-000000_b'), { recursive: true });
    writeFileSync(join(set, '2024-01-02-000000_b/up.sql'), 'CREATE TABLE b (id int);\n');
    writeFileSync(join(set, '2024-01-02-000000_b/down.sql'), 'DROP TABLE b;\n');
    repo.commitAll('diesel');
    mkdirSync(join(set, '2024-01-01-000000_a'));
    writeFileSync(join(set, '2024-01-01-000000_a/up.sql'), 'CREATE TABLE a (id int);\n');
    writeFileSync(join(set, '2024-01-01-000000_a/down.sql'), 'DROP TABLE a;\n');
    const run = runCli(['lint', '--changed-since', 'HEAD', 'migrations'], { cwd: dir });
    assert.match(run.stdout, /sorts before 2024-01-02-000000_b/);
  });

  it('a bad revision is a usage error (exit 2) with git’s reason, and no report', () => {
    const run = runCli(['lint', '--changed-since', 'no-such-ref'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /--changed-since no-such-ref: git rev-parse failed/);
  });
});
