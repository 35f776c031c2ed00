/**
 * `lockstep lint` without --code checks contract statements against the git repository of the
 * migrations (in process): a finding without any flag, none with --no-code or LOCKSTEP_NO_CODE=1,
 * the usual exclusions (.gitignore, codeScan.exclude, migration folders), and no code index built at
 * all when no statement drops, renames or constrains anything (counted, not timed).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { codeIndexBuilds, mayHoldContract, noGitAbove, repositoryCodeIndex } from '../../../server/src/cli/codeIndex';
import { runCli } from '../../../server/src/cli/run';
import { gitRepo } from '../../support/gitRepo';

describe('lockstep lint: the still-referenced check by default', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const USES = (column: string) => `def find(cur, v):\n    cur.execute("SELECT id FROM users WHERE ${column} = %s", [v])\n`;

  before(() => {
    const repo = gitRepo();
    dir = repo.dir;
    write('migrations/001_init.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, username text, email text);\n');
    write('migrations/002_drop.sql', 'ALTER TABLE users DROP COLUMN username;\n');
    // A comment names a contract ("alter", "drop") but no statement is one.
    write('migrations/003_index.sql', '-- alter or drop the old index later\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
    write('src/users.py', USES('username'));
    // Not application code: ignored by git, excluded by codeScan, or another migrations folder.
    write('.gitignore', 'build/\n');
    write('build/generated.py', USES('username'));
    write('scripts/one_off.py', USES('username'));
    write('db/migrations/0001_backfill.py', USES('username'));
    write('lockstep.config.json', JSON.stringify({ codeScan: { exclude: ['scripts/**'] } }));
    repo.commitAll('app and migrations');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The still-referenced findings' related locations, per linted file. */
  const lint = async (args: string[], env: Record<string, string> = {}) => {
    let out = '';
    let err = '';
    const io = { cwd: dir, env, stdoutIsTTY: false, writeOut: (t: string) => void (out += t), writeErr: (t: string) => void (err += t), readStdin: async () => Buffer.alloc(0) };
    const status = await runCli(['lint', '--format', 'json', ...args], io);
    assert.ok(status === 0 || status === 1, err);
    const files = JSON.parse(out).files as { path: string; findings: { ruleId: string; related?: { path: string; line: number; column: number }[] }[] }[];
    return Object.fromEntries(
      files.map((f) => [f.path, f.findings.filter((x) => x.ruleId === 'still-referenced').map((x) => (x.related ?? []).map((r) => `${r.path}:${r.line}:${r.column}`))]),
    );
  };

  it('reports the code that uses a dropped column without --code, and leaves out what is not application code', async () => {
    const before = codeIndexBuilds();
    assert.deepEqual(await lint(['migrations/002_drop.sql']), { 'migrations/002_drop.sql': [['src/users.py:2:45']] });
    assert.equal(codeIndexBuilds(), before + 1);
  });

  it('checks nothing with --no-code or LOCKSTEP_NO_CODE=1, and builds no index', async () => {
    const before = codeIndexBuilds();
    assert.deepEqual(await lint(['--no-code', 'migrations/002_drop.sql']), { 'migrations/002_drop.sql': [] });
    assert.deepEqual(await lint(['migrations/002_drop.sql'], { LOCKSTEP_NO_CODE: '1' }), { 'migrations/002_drop.sql': [] });
    assert.equal(codeIndexBuilds(), before);
  });

  it('builds no index when no statement is a contract, even when the words appear', async () => {
    const before = codeIndexBuilds();
    assert.deepEqual(await lint(['migrations/003_index.sql']), { 'migrations/003_index.sql': [] });
    assert.equal(codeIndexBuilds(), before);
  });

  it('does not even load the host grammars for a migration that only creates things', () => {
    assert.equal(mayHoldContract('CREATE TABLE t (a int NOT NULL CHECK (a > 0) REFERENCES u, kind type_t);'), false);
    for (const sql of ['ALTER TABLE t DROP COLUMN a;', 'alter table t rename to u;', 'DROP TABLE t;', 'ALTER TABLE t ALTER a TYPE bigint;']) assert.equal(mayHoldContract(sql), true, sql);
  });

  it('knows a folder outside any git repository without starting git, and then scans no code', function () {
    // Only meaningful where the temporary folder is not itself inside a repository.
    if (!noGitAbove(tmpdir(), {})) this.skip();
    const outside = mkdtempSync(join(tmpdir(), 'lockstep-no-git-'));
    try {
      assert.equal(noGitAbove(outside, {}), true);
      assert.equal(repositoryCodeIndex(outside, undefined, {}), undefined);
      assert.equal(noGitAbove(join(dir, 'migrations'), {}), false, 'the repository below .git');
      assert.equal(noGitAbove(outside, { GIT_DIR: join(dir, '.git') }), false, 'GIT_DIR names a repository from anywhere');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads no migration ahead of the lint outside a git repository, and does inside one', async function () {
    if (!noGitAbove(tmpdir(), {})) this.skip();
    const outside = mkdtempSync(join(tmpdir(), 'lockstep-no-git-'));
    const preReads = async (cwd: string, file: string) => {
      let err = '';
      const io = { cwd, env: { LOCKSTEP_DEBUG: '1' }, stdoutIsTTY: false, writeOut: () => {}, writeErr: (t: string) => void (err += t), readStdin: async () => Buffer.alloc(0) };
      await runCli(['lint', '--format', 'json', file], io);
      return Number(/read (\d+) files before the lint/.exec(err)?.[1]);
    };
    try {
      writeFileSync(join(outside, '001_index.sql'), 'CREATE INDEX t_a_idx ON t (a);\n');
      assert.equal(await preReads(outside, '001_index.sql'), 0);
      assert.equal(await preReads(dir, 'migrations/003_index.sql'), 1);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('rejects --no-code with --code', async () => {
    let err = '';
    const io = { cwd: dir, env: {}, stdoutIsTTY: false, writeOut: () => {}, writeErr: (t: string) => void (err += t), readStdin: async () => Buffer.alloc(0) };
    assert.equal(await runCli(['lint', '--no-code', '--code', '.', 'migrations/002_drop.sql'], io), 2);
    assert.match(err, /--no-code cannot be combined with --code/);
  });
});
