/** `lockstep split --code` and `lockstep scaffold --code` through the bundled dist/cli.js: the code sites reach the plan notes. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, ensureBuilt, runCli } from './distCli';

describe('lockstep split --code and scaffold --code (dist/cli.js)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-code-'));
    mkdirSync(join(dir, 'migrations'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'migrations/000001_create.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
    writeFileSync(join(dir, 'src/users.ts'), "// users\nexport const find = (db, id) => db.query('SELECT email FROM users WHERE id = $1', [id]);\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('split --code lists the code site under the deploy before the contract', () => {
    writeFileSync(join(dir, 'migrations/000002_login.up.sql'), 'ALTER TABLE users ADD COLUMN login text;\nUPDATE users SET login = email;\nALTER TABLE users DROP COLUMN email;\n');
    const run = runCli(['split', '--dry-run', '--code', 'src', 'migrations/000002_login.up.sql'], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /The code that deploy must change \(it still uses what the contract phase removes or constrains\):\n\n- `users\.ts:2`: reads users\.email\n/);
  });

  it('split --code with a folder that does not exist is a usage error', () => {
    writeFileSync(join(dir, 'migrations/000002_login.up.sql'), 'ALTER TABLE users DROP COLUMN email;\n');
    const run = runCli(['split', '--code', 'nowhere', 'migrations/000002_login.up.sql'], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /lockstep split: --code: .*nowhere: not a folder/);
  });

  it('scaffold --code puts the code site in PLAN.md', () => {
    const run = runCli(['scaffold', 'rename-column', '--table', 'users', '--column', 'email', '--to', 'email_address', '--dir', 'migrations', '--runner', 'golang-migrate', '--stdout', '--code', 'src'], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.match(run.stdout, / {3}Code to change in this deploy: it still uses what phase 3 removes or constrains:\n {3}- `users\.ts:2`: reads users\.email\n/);
  });
});
