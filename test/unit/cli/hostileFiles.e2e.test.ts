import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, ensureBuilt, runCli } from './distCli';

describe('cli: hostile folders and configs (dist/cli.js)', function () {
  this.timeout(120_000);
  let root: string;
  before(ensureBuilt);
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-hostile-cli-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('skips a FIFO named *.sql in a linted folder with a clear message, never opening it', () => {
    writeFileSync(join(root, '001_create.sql'), 'CREATE TABLE t (id int);\n');
    execFileSync('mkfifo', [join(root, '002_pipe.sql')]);
    writeFileSync(join(root, '003_index.sql'), 'CREATE INDEX i ON t (id);\n');
    // Before the fix, replaying 002 as history of 003 blocked in open(2) until this timeout killed it.
    const run = runCli(['lint', root, '--format', 'json'], { cwd: root, timeout: 60_000 });
    assert.notEqual(run.status, null, 'the CLI was killed: it hung on the FIFO');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /lockstep: 002_pipe\.sql: skipped: it is a named pipe \(FIFO\), not a regular file/);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.files.map((f: { path: string }) => f.path),
      ['001_create.sql', '003_index.sql'],
    );
    assertNoStackTrace(run.stderr);
  });

  it('exits 2 on a config error and prints no findings to stdout', () => {
    writeFileSync(join(root, 'lockstep.config.json'), '{ "pgVersion": 99 }');
    writeFileSync(join(root, '001_index.sql'), 'CREATE INDEX i ON t (id);\n');
    for (const format of ['json', 'sarif', 'text']) {
      const run = runCli(['lint', root, '--format', format], { cwd: root });
      assert.equal(run.status, 2, format);
      assert.equal(run.stdout, '', `${format}: stdout must stay empty`);
      assert.match(run.stderr, /lockstep\.config\.json:1:\d+: "pgVersion" must be a whole number from 10 to 18, got 99/);
    }
  });
});
