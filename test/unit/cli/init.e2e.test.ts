/** `lockstep init`: detects migration folders and runners, writes a config the loader accepts, and workflows on request. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { loadConfigFile } from '../../../server/src/config/load';
import { RULE_IDS } from '../../../server/src/rules';
import { ensureBuilt, runCli } from './distCli';

describe('lockstep init', function () {
  // Each test starts dist/cli.js; on a busy 2-core machine one start can take seconds.
  this.timeout(120_000);
  let dir: string;
  before(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-init-'));
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'db/migrations/V1__create.sql'), 'CREATE TABLE t (id int);\n');
    writeFileSync(join(dir, 'db/migrations/V2__index.sql'), 'CREATE INDEX t_id ON t (id);\n');
    mkdirSync(join(dir, 'node_modules/x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/x/junk.sql'), '-- +goose Up\nSELECT 1;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the Flyway folder (not node_modules) and writes a config the loader accepts, with $schema', () => {
    mkdirSync(join(dir, 'node_modules/lockstep/schemas'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/lockstep/schemas/lockstep.config.schema.json'), '{}\n');
    const run = runCli(['init', '--pg-version', '15'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /db\/migrations: 2 migration\(s\), runner flyway/);
    assert.doesNotMatch(run.stderr, /node_modules/);
    const text = readFileSync(join(dir, 'lockstep.config.json'), 'utf8');
    const config = JSON.parse(text);
    assert.equal(config.extends, 'lockstep:flyway', 'one runner everywhere: its preset (docs/presets.md)');
    assert.equal(config.pgVersion, 15);
    assert.equal(config.$schema, './node_modules/lockstep/schemas/lockstep.config.schema.json');
    assert.ok(existsSync(join(dir, config.$schema)), `$schema ${config.$schema} resolves to the schema file`);
    const loaded = loadConfigFile(join(dir, 'lockstep.config.json'), undefined, { knownRuleIds: RULE_IDS });
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.config.runner, 'flyway');
    // And the CLI then lints with it.
    assert.match(runCli(['lint', 'db/migrations'], { cwd: dir }).stdout, /V2__index\.sql:1:1: warning/);
  });

  it('writes no $schema pointing out of the project when lockstep is not installed in it', () => {
    const run = runCli(['init'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const config = JSON.parse(readFileSync(join(dir, 'lockstep.config.json'), 'utf8'));
    assert.equal(config.$schema, undefined, `$schema ${config.$schema}`);
    assert.equal(config.pgVersion, 16);
  });

  it('never overwrites an existing config without --force', () => {
    writeFileSync(join(dir, 'lockstep.config.json'), '{"pgVersion": 12}\n');
    const run = runCli(['init'], { cwd: dir });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /exists; left as it is/);
    assert.equal(readFileSync(join(dir, 'lockstep.config.json'), 'utf8'), '{"pgVersion": 12}\n');
    assert.equal(runCli(['init', '--force'], { cwd: dir }).status, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, 'lockstep.config.json'), 'utf8')).extends, 'lockstep:flyway');
  });

  it('--github writes a workflow that uses the Action on the found folders; --gitlab prints when the file exists', () => {
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'stages: [test]\n');
    const run = runCli(['init', '--github', '--gitlab', '--action', 'acme/lockstep@v1'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const workflow = load(readFileSync(join(dir, '.github/workflows/lockstep.yml'), 'utf8')) as { jobs: { migrations: { steps: Array<{ uses?: string; with?: Record<string, unknown> }> } } };
    const step = workflow.jobs.migrations.steps.find((s) => s.uses === 'acme/lockstep@v1')!;
    assert.equal(step.with!.paths, 'db/migrations');
    assert.equal(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'), 'stages: [test]\n', 'the user’s pipeline is not touched');
    assert.match(run.stdout, /Add to \.gitlab-ci\.yml:\ninclude:/);
  });

  it('--dry-run writes nothing, and a bad option is a usage error', () => {
    const run = runCli(['init', '--dry-run'], { cwd: dir });
    assert.match(run.stdout, /--- lockstep.config.json\n\{/);
    assert.ok(!existsSync(join(dir, 'lockstep.config.json')));
    assert.equal(runCli(['init', '--pg-version', '99'], { cwd: dir }).status, 2);
  });
});
