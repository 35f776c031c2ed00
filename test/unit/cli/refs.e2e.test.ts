/** `lockstep refs` and `lockstep lint --code / --code-ref`, through dist/cli.js as users run them. */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo } from '../../support/gitRepo';
import { ensureBuilt, REPO_ROOT, runCli } from './distCli';

const TS_APP = join(REPO_ROOT, 'test/fixtures/coderefs/ts-app');

describe('lockstep refs and lint --code', function () {
  // Each case starts the CLI (and the TypeScript compiler) as a child process; a busy CI box is slow at that.
  this.timeout(120_000);
  before(() => ensureBuilt());

  it('refs lists every use of a column, aliased and mapped ones included, and exits 1', () => {
    const run = runCli(['refs', '--code', '.', 'users.username'], { cwd: TS_APP });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stdout,
      [
        'prisma/schema.prisma:4:3: Prisma model maps users.username',
        '    username String',
        'src/queries.ts:5:29: reads users.username',
        '    return db.query(`SELECT u.username AS login, u.id FROM users AS u WHERE u.username = ${login}`);',
        'src/queries.ts:5:77: reads users.username',
        '    return db.query(`SELECT u.username AS login, u.id FROM users AS u WHERE u.username = ${login}`);',
        '3 references to users.username.',
        '',
      ].join('\n'),
    );
  });

  it('refs says so when nothing uses a name (comments, identifiers and non-SQL strings do not count), and exits 0', () => {
    const run = runCli(['refs', '--code', '.', 'users.nickname'], { cwd: TS_APP });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'No code uses users.nickname.\n');
  });

  it('refs --format json: one row per reference, quoted identifiers kept as written', () => {
    const run = runCli(['refs', '--code', '.', '--format', 'json', 'users."displayName"'], { cwd: TS_APP });
    assert.equal(run.status, 1, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.target, 'users.displayName');
    assert.deepEqual(
      out.references.map((r: { path: string; line: number; column: number; access: string; source: string }) => [r.path, r.line, r.column, r.access, r.source]),
      [['src/queries.ts', 9, 27, 'read', 'sql-string']],
    );
  });

  it('refs rejects a bad operand with a usage error', () => {
    const run = runCli(['refs', '--code', '.'], { cwd: TS_APP });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /give one <table> or <table>\.<column>/);
  });

  it('lint --code reports still-referenced with each use as related information (json)', () => {
    const run = runCli(['lint', '--format', 'json', '--code', '.', 'migrations/002_contract.sql'], { cwd: TS_APP });
    assert.equal(run.status, 1, run.stderr);
    const findings = JSON.parse(run.stdout).files[0].findings.filter((f: { ruleId: string }) => f.ruleId === 'still-referenced');
    assert.deepEqual(
      findings.map((f: { start: { line: number }; severity: string; related: { path: string; line: number }[] }) => [f.start.line, f.severity, f.related.map((r) => `${r.path}:${r.line}`)]),
      [
        [1, 'error', ['prisma/schema.prisma:4', 'src/queries.ts:5', 'src/queries.ts:5']],
        [3, 'error', ['src/queries.ts:9']],
        [4, 'warning', ['prisma/schema.prisma:5']],
        [5, 'warning', ['prisma/schema.prisma:17', 'src/queries.ts:17']],
        [6, 'error', ['src/queries.ts:21', 'src/queries.ts:21', 'src/queries.ts:21']],
      ],
    );
  });

  describe('--code-ref: the code of another revision, read from git', () => {
    let dir: string;
    let deployed: string;
    before(() => {
      const repo = gitRepo();
      dir = repo.dir;
      mkdirSync(join(dir, 'src'));
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'migrations/001_init.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, username text);\n');
      writeFileSync(join(dir, 'src/users.py'), 'def find(cur, name):\n    cur.execute("SELECT id FROM users WHERE username = %s", [name])\n');
      deployed = repo.commitAll('deployed version');
      writeFileSync(join(dir, 'src/users.py'), 'def find(cur, name):\n    cur.execute("SELECT id FROM users WHERE login = %s", [name])\n');
      writeFileSync(join(dir, 'migrations/002_drop.sql'), 'ALTER TABLE users DROP COLUMN username;\n');
      repo.commitAll('new code and the contract migration');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const stillReferenced = (args: string[]) => {
      const run = runCli(['lint', '--format', 'json', ...args, 'migrations/002_drop.sql'], { cwd: dir });
      assert.notEqual(run.status, 2, run.stderr);
      return JSON.parse(run.stdout).files[0].findings.filter((f: { ruleId: string }) => f.ruleId === 'still-referenced');
    };

    it('flags the drop against the deployed revision, not against the new code', () => {
      const old = stillReferenced(['--code-ref', deployed]);
      assert.deepEqual(old.map((f: { related: { path: string; line: number; column: number }[] }) => f.related.map((r) => `${r.path}:${r.line}:${r.column}`)), [['src/users.py:2:45']]);
      assert.deepEqual(stillReferenced(['--code', '.']), []);
      assert.deepEqual(stillReferenced(['--code-ref', 'HEAD']), []);
    });

    it('refs --code-ref reads the revision too; an unknown revision is a clear error', () => {
      const run = runCli(['refs', '--code-ref', deployed, 'users.username'], { cwd: dir });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stdout, /^src\/users\.py:2:45: reads users\.username$/m);
      const bad = runCli(['refs', '--code-ref', 'no-such-ref', 'users.username'], { cwd: dir });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^lockstep: /);
    });
  });
});
