/**
 * The installable CLI and the CI integrations that install it, run the way their tools would:
 * - `npm pack`, then `npm install ./lockstep-*.tgz` in an empty project with no network (--offline),
 *   and `npx lockstep lint | trace | estimate --help | scaffold --list` from there, and
 *   `npx lockstep lint --changed-since HEAD~1` in a git checkout;
 * - the GitLab CI template's script lines, with the merge-request variables GitLab sets;
 * - the pre-commit hook's entry on the staged files its `files` pattern selects.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { ensureBuilt, REPO_ROOT } from '../unit/cli/distCli';
import { pullRequestRepo } from '../support/gitRepo';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 300_000 });
}

describe('installable CLI (npm pack) and CI templates', function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  let project: string;

  before(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'lockstep-pack-'));
    // The build already ran; skip prepack's second build by calling pack with --ignore-scripts.
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: REPO_ROOT, stdio: 'pipe' });
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    project = join(work, 'app');
    mkdirSync(join(project, 'db/migrations'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    writeFileSync(join(project, 'db/migrations/V1__create.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n');
    writeFileSync(join(project, 'db/migrations/V2__index.sql'), 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('packs only dist/, docs, schemas, README, LICENSE and CHANGELOG, with no dependencies to fetch', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const top = new Set(listing.map((p) => p.replace(/^package\//, '').split('/')[0]));
    assert.deepEqual([...top].sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs', 'package.json', 'schemas']);
    // dist/cli.js is the launcher (server/src/startup/launch.ts); it runs dist/cli.bundle.js.
    assert.ok(listing.includes('package/dist/cli.js') && listing.includes('package/dist/cli.bundle.js') && listing.includes('package/dist/libpg-query.wasm'));
    // Rails and Ecto migrations are read with tree-sitter: its WASM and the grammars ship in dist/.
    for (const wasm of ['tree-sitter.wasm', 'tree-sitter-ruby.wasm', 'tree-sitter-elixir.wasm']) assert.ok(listing.includes(`package/dist/${wasm}`), wasm);
    assert.ok(!listing.some((p) => p.endsWith('.map') || p.includes('docs/images/')), 'no source maps or screenshots');
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
  });

  it('installs offline into an empty project and runs lint, trace, estimate --help and scaffold --list', () => {
    const install = sh(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], project);
    assert.equal(install.status, 0, install.stderr);
    const npx = (...args: string[]) => sh(npm, ['exec', '--offline', '--no', '--', 'lockstep', ...args], project);
    const lint = npx('lint', 'db/migrations');
    assert.equal(lint.status, 1, lint.stderr);
    assert.match(lint.stdout, /db\/migrations\/V2__index\.sql:1:1: warning: .*\[require-concurrent-index\]/);
    const trace = npx('trace', 'db/migrations');
    assert.equal(trace.status, 0, trace.stderr);
    assert.match(trace.stdout, /behaved exactly as the lock model predicts/);
    const estimate = npx('estimate', '--help');
    assert.equal(estimate.status, 0);
    assert.match(estimate.stdout + estimate.stderr, /Usage: lockstep estimate/);
    const scaffold = npx('scaffold', '--list');
    assert.equal(scaffold.status, 0);
    assert.match(scaffold.stdout, /rename-column/);
  });

  it('from a fresh git checkout with the package installed, `npx lockstep lint --changed-since HEAD~1` lints only the last commit', () => {
    const { dir: repo } = pullRequestRepo(join(work, 'changed'));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'changed', version: '1.0.0', private: true }));
    const install = sh(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], repo);
    assert.equal(install.status, 0, install.stderr);
    const run = sh(npm, ['exec', '--offline', '--no', '--', 'lockstep', 'lint', '--changed-since', 'HEAD~1', '--format', 'json'], repo);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { files: { path: string; findings: { ruleId: string }[] }[] };
    // V1 (already on HEAD~1) is history only; V2 is judged against it, so its index is on an existing table.
    assert.deepEqual(report.files.map((f) => f.path), [join('migrations', 'V2__index.sql')]);
    assert.ok(report.files[0].findings.some((f) => f.ruleId === 'require-concurrent-index'));
  });

  it('runs the GitLab template’s script as a merge-request pipeline would, writing a Code Quality report', () => {
    const { dir: repo, base } = pullRequestRepo(join(work, 'gitlab'));

    const template = load(readFileSync(join(REPO_ROOT, 'ci/gitlab/lockstep.gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; script: string[]; artifacts: { reports: { codequality: string } } }>;
    const job = template.lockstep;
    const prefix = join(work, 'global');
    const env = {
      ...job.variables,
      LOCKSTEP_PACKAGE: tarball,
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      npm_config_prefix: prefix,
      npm_config_offline: 'true',
      PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    };
    // GitLab runs the script lines in one shell, stopping at the first failing line.
    const run = sh('bash', ['-e', '-c', job.script.join('\n')], repo, env);
    assert.equal(run.status, 1, 'the job fails on the warning');
    assert.match(run.stdout, /migrations\/V2__index\.sql:1:1: warning/);
    assert.doesNotMatch(run.stdout, /V1__create/);
    const report = JSON.parse(readFileSync(join(repo, job.artifacts.reports.codequality), 'utf8'));
    assert.ok(report.length >= 1);
    assert.ok(report.every((issue: { location: { path: string } }) => issue.location.path === 'migrations/V2__index.sql'));
    assert.ok(report.some((issue: { check_name: string; severity: string }) => issue.check_name === 'require-concurrent-index' && issue.severity === 'major'));
  });

  it('runs the pre-commit hook’s entry on the staged files its pattern selects', () => {
    const hooks = load(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; files: string; language: string }>;
    const hook = hooks.find((h) => h.id === 'lockstep')!;
    assert.equal(hook.language, 'node');
    const pattern = new RegExp(hook.files);
    const staged = ['db/migrations/V2__index.sql', 'db/migrations/V1__create.sql', 'src/app.ts', 'seeds/data.sql'].filter((f) => pattern.test(f));
    assert.deepEqual(staged, ['db/migrations/V2__index.sql', 'db/migrations/V1__create.sql']);
    const [command, ...args] = hook.entry.split(' ');
    const bin = join(project, 'node_modules/.bin', command);
    const run = sh(bin, [...args, ...staged], project);
    assert.equal(run.status, 1, 'the commit is refused');
    assert.match(run.stdout, /V2__index\.sql:1:1: warning/);
    const clean = sh(bin, [...args, 'db/migrations/V1__create.sql'], project);
    assert.equal(clean.status, 0, clean.stdout);
  });
});
