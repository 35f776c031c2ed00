import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InPathOrder } from '../../../server/src/cli/pathOrder';
import { runCli, type CliIO } from '../../../server/src/cli/run';

async function lint(cwd: string, argv: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, env: { LOCKSTEP_DEBUG: '1' }, stdoutIsTTY: false, writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t), readStdin: async () => Buffer.from('') };
  await runCli(argv, io);
  return { stdout, stderr };
}

describe('outcomes handed on in path order', () => {
  it('passes each value on once every one before it is out, holding only the early ones', async () => {
    const out: string[] = [];
    const queue = new InPathOrder<string>((v) => void out.push(v));
    await queue.put(2, 'c');
    await queue.put(3, 'd');
    assert.equal(queue.waiting, 2);
    await queue.put(0, 'a');
    assert.deepEqual(out, ['a']);
    await queue.put(1, 'b');
    assert.deepEqual(out, ['a', 'b', 'c', 'd']);
    assert.equal(queue.waiting, 0);
  });
});

describe('lockstep lint: a Diesel set whose path order is not its runner order', function () {
  this.timeout(60_000);
  let dir: string;
  // By path `2017-10-06-…` (newest) sorts first; Diesel runs `2014…`, then `20170305…`, then it.
  const migrations: Record<string, string> = {
    '20141001000000_a': 'CREATE TABLE t (id int, name varchar(20), note varchar(20));',
    '20170305000000_b': 'ALTER TABLE t ALTER COLUMN name TYPE varchar(40);',
    '2017-10-06-000000_c': 'ALTER TABLE t ALTER COLUMN name TYPE varchar(10);\nALTER TABLE t ALTER COLUMN note TYPE varchar(40);',
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-diesel-order-'));
    for (const [folder, up] of Object.entries(migrations)) {
      mkdirSync(join(dir, 'migrations', folder), { recursive: true });
      writeFileSync(join(dir, 'migrations', folder, 'up.sql'), up);
      writeFileSync(join(dir, 'migrations', folder, 'down.sql'), 'SELECT 1;');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the history once (no file replayed) and reports in path order, as linted one by one', async () => {
    const { stdout, stderr } = await lint(dir, ['lint', '--format', 'json', '--no-code', 'migrations']);
    assert.match(stderr, /history replayed 0 files/);
    const files = (JSON.parse(stdout) as { files: { path: string; findings: { ruleId: string }[] }[] }).files;
    assert.deepEqual(
      files.map((f) => f.path),
      ['2017-10-06-000000_c', '20141001000000_a', '20170305000000_b'].flatMap((f) => [`migrations/${f}/down.sql`, `migrations/${f}/up.sql`]),
    );
    // Each file as a lint of it alone sees it: the same report, file by file.
    for (const file of files) {
      const alone = JSON.parse((await lint(dir, ['lint', '--format', 'json', '--no-code', file.path])).stdout) as { files: unknown[] };
      assert.deepEqual(alone.files, [file], file.path);
    }
    // The history mattered: narrowing the known varchar(40) is a rewrite.
    assert.ok(files[1].findings.length > 0);
  });
});
