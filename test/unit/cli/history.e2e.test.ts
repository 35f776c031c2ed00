/** The bundled CLI replays earlier migrations of each file's set (and stops with --no-history). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from './distCli';

describe('lockstep lint: schema from earlier migrations', () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-history-'));
    writeFileSync(join(dir, '000001_create.up.sql'), 'CREATE TABLE t (id int PRIMARY KEY, note varchar(50));');
    writeFileSync(join(dir, '000002_widen.up.sql'), "SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN note TYPE varchar(80);");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const typeFindings = (args: string[]) => {
    const run = runCli(['lint', '--format', 'json', ...args, join(dir, '000002_widen.up.sql')]);
    const report = JSON.parse(run.stdout);
    return report.files.flatMap((f: { findings: { ruleId: string; severity: string }[] }) => f.findings).filter((f: { ruleId: string }) => f.ruleId === 'type-change-rewrite');
  };

  it('knows the column is varchar(50), so widening it is not a rewrite', () => {
    assert.deepEqual(typeFindings([]), []);
  });

  it('with --no-history it cannot know, and says "maybe" (info)', () => {
    const findings = typeFindings(['--no-history']);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'info');
  });
});
