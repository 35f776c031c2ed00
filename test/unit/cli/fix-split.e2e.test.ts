/** `lockstep lint --fix` and `lockstep split`, through the bundled dist/cli.js. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, ensureBuilt, runCli } from './distCli';

describe('lockstep lint --fix and lockstep split (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-fix-'));
    writeFileSync(join(dir, '000001_create.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--fix rewrites the file in place, says what it fixed on stderr, and reports only what is left', () => {
    const file = join(dir, '000002_orders.up.sql');
    writeFileSync(file, 'CREATE INDEX orders_user_idx ON orders (user_id);\n');
    const run = runCli(['lint', '--fix', '--format', 'json', file], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n');
    assert.match(run.stderr, /lockstep: fixed 000002_orders\.up\.sql: require-concurrent-index \(1\)/);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.files[0].findings.filter((f: { severity: string }) => f.severity !== 'info'), []);
    assert.equal(run.status, 0);
  });

  it('--fix in a file golang-migrate runs as one transaction applies CONCURRENTLY and NOT VALID, writing the moved steps as new migrations', () => {
    const file = join(dir, '000002_orders.up.sql');
    writeFileSync(file, 'ALTER TABLE orders ADD COLUMN amount int;\nCREATE INDEX orders_id_user_idx ON orders (id, user_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n');
    const run = runCli(['lint', '--fix', file], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.match(run.stderr, /require-concurrent-index \(1\), require-not-valid \(1\)/);
    assert.match(run.stderr, /new migration files: .*000003_orders_id_user_idx_concurrently\.up\.sql/);
    const fixed = readFileSync(file, 'utf8');
    assert.doesNotMatch(fixed, /CREATE INDEX/);
    assert.match(fixed, /REFERENCES users \(id\) NOT VALID;/);
    assert.equal(readFileSync(join(dir, '000003_orders_id_user_idx_concurrently.up.sql'), 'utf8'), 'CREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);\n');
    assert.match(readFileSync(join(dir, '000004_validate_orders_user_fk.up.sql'), 'utf8'), /^ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;/);
    assert.ok(existsSync(join(dir, '000003_orders_id_user_idx_concurrently.down.sql')));
  });

  it('--fix leaves a clean file byte for byte, refuses standard input, and still exits 1 on what it cannot fix', () => {
    const clean = join(dir, '000002_clean.up.sql');
    writeFileSync(clean, 'SELECT 1;\r\n');
    runCli(['lint', '--fix', clean], { cwd: dir });
    assert.equal(readFileSync(clean, 'utf8'), 'SELECT 1;\r\n');
    const stdin = runCli(['lint', '--fix', '-'], { cwd: dir, input: 'SELECT 1;' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /cannot read standard input/);
    const unfixable = join(dir, '000003_token.up.sql');
    writeFileSync(unfixable, 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n');
    const run = runCli(['lint', '--fix', unfixable], { cwd: dir });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /volatile-default/);
  });

  it('split --dry-run prints every file and the plan, and writes nothing', () => {
    const file = join(dir, '000002_rename_email.up.sql');
    const text = 'ALTER TABLE users ADD COLUMN email_address text;\nUPDATE users SET email_address = email;\nALTER TABLE users DROP COLUMN email;\n';
    writeFileSync(file, text);
    const before = readdirSync(dir).sort();
    const run = runCli(['split', '--dry-run', file], { cwd: dir });
    assertNoStackTrace(run.stderr);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /==> 000002_rename_email\.up\.sql \(expand, in a transaction, replaces the original\)/);
    assert.match(run.stdout, /==> 000003_rename_email_backfill\.up\.sql \(backfill, outside a transaction\)/);
    assert.match(run.stdout, /==> 000004_rename_email_contract\.up\.sql \(contract, in a transaction\)/);
    assert.match(run.stdout, /==> 000002_rename_email\.plan\.md \(plan\)\n# Rollout plan/);
    assert.match(run.stdout, /Dry run: nothing written/);
    assert.deepEqual(readdirSync(dir).sort(), before);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('split writes the phases, which then lint clean with the bundled CLI', () => {
    const file = join(dir, '000002_rename_email.up.sql');
    writeFileSync(file, 'ALTER TABLE users ADD COLUMN email_address text;\nUPDATE users SET email_address = email;\nALTER TABLE users DROP COLUMN email;\n');
    const run = runCli(['split', file], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    for (const name of ['000003_rename_email_backfill.up.sql', '000003_rename_email_backfill.down.sql', '000004_rename_email_contract.up.sql', '000002_rename_email.plan.md']) {
      assert.ok(existsSync(join(dir, name)), `${name} written`);
    }
    const lint = runCli(['lint', '--fail-on', 'info', '--format', 'json', dir], { cwd: dir });
    const findings = JSON.parse(lint.stdout).files.flatMap((f: { path: string; findings: { ruleId: string }[] }) => f.findings.map((x) => `${f.path}: ${x.ruleId}`));
    assert.deepEqual(findings, []);
    assert.equal(lint.status, 0);
  });

  it('split explains what it cannot do, with exit code 2', () => {
    const unnamed = join(dir, 'rename.sql');
    writeFileSync(unnamed, 'ALTER TABLE users DROP COLUMN email;\n');
    const run = runCli(['split', unnamed], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot split: the file name does not follow plain SQL's numbered naming/);
    assert.equal(runCli(['split'], { cwd: dir }).status, 2);
    assert.equal(runCli(['split', join(dir, 'missing.sql')], { cwd: dir }).status, 2);
    assert.match(runCli(['--help']).stdout, /lockstep split\s+split a migration into expand/);
  });
});
