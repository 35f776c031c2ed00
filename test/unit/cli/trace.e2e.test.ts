/** `lockstep trace` from the bundle: embedded PostgreSQL in a worker thread, nothing from node_modules. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from './distCli';

describe('lockstep trace', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-trace-'));
    writeFileSync(join(dir, '000001_create.up.sql'), 'CREATE TABLE t (id int PRIMARY KEY, note varchar(50));');
    writeFileSync(join(dir, '000001_create.down.sql'), 'DROP TABLE t;');
    writeFileSync(join(dir, '000002_change.up.sql'), 'ALTER TABLE t ALTER COLUMN id TYPE bigint;\nALTER TABLE t ADD COLUMN n int DEFAULT 0;');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the set in order and reports every observation agreeing with the model (exit 0)', () => {
    const run = runCli(['trace', '--format', 'json', dir]);
    assert.equal(run.status, 0, run.stderr);
    const files = JSON.parse(run.stdout) as Array<{ path: string; statements: Array<{ outcome: string; agrees: boolean; observed: { rewritten: string[] } }> }>;
    assert.deepEqual(files.map((f) => f.path.split(/[/\\]/).pop()), ['000001_create.up.sql', '000002_change.up.sql']);
    const change = files[1].statements;
    assert.deepEqual(change.map((s) => [s.outcome, s.agrees]), [['observed', true], ['observed', true]]);
    assert.deepEqual(change[0].observed.rewritten, ['t']);
    assert.deepEqual(change[1].observed.rewritten, []);
  });

  it('traces one file on top of the earlier migrations of its set', () => {
    const run = runCli(['trace', join(dir, '000002_change.up.sql')]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /ALTER COLUMN id TYPE: observed = model — t ACCESS EXCLUSIVE, t_pkey ACCESS EXCLUSIVE; rewrote t; scanned t/);
    assert.match(run.stdout, /2 statement\(s\) behaved exactly as the lock model predicts\./);
  });

  it('explains usage errors with exit code 2', () => {
    const run = runCli(['trace']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /usage: lockstep trace/);
  });
});
