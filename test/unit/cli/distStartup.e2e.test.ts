/**
 * dist/cli.js starts through a launcher (server/src/startup/launch.ts) that reads the bundle as
 * latin1 and loads code on first use (cliCommands.js, web-tree-sitter, pg, child_process,
 * readline). These runs of the built CLI would fail if that broke a path: every subcommand still
 * loads, text with non-ASCII characters still comes out intact, and a lint from dist reports what
 * the sources report.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBCOMMAND_NAMES } from '../../../server/src/cli/commandNames';
import { ensureBuilt, REPO_ROOT, runCli } from './distCli';
import { runInProcess } from './inProcessCli';

describe('dist/cli.js start-up paths', function () {
  this.timeout(120_000);
  before(() => ensureBuilt());

  it('ships ASCII-only bundles (the launcher reads them as latin1)', () => {
    for (const bundle of ['cli.bundle.js', 'server.bundle.js']) {
      const bytes = readFileSync(join(REPO_ROOT, 'dist', bundle));
      assert.equal(bytes.findIndex((b) => b > 0x7f), -1, bundle);
    }
  });

  it('prints the same --help as the sources, non-ASCII characters and every subcommand summary included', async () => {
    const dist = runCli(['--help']);
    const sources = await runInProcess(REPO_ROOT, ['--help']);
    assert.equal(dist.status, 0, dist.stderr);
    assert.equal(dist.stdout, sources.stdout);
    assert.match(dist.stdout, /…/);
    for (const name of SUBCOMMAND_NAMES) assert.match(dist.stdout, new RegExp(`lockstep ${name} `));
  });

  for (const name of SUBCOMMAND_NAMES) {
    it(`loads \`lockstep ${name}\` from dist/cliCommands.js (--help)`, () => {
      const run = runCli([name, '--help']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout + run.stderr, new RegExp(`usage: lockstep ${name}`, 'i'));
    });
  }

  it('lints examples/ to the same JSON report as the sources, with history', async () => {
    const args = ['lint', 'examples', '--format', 'json', '--no-code'];
    const dist = runCli(args, { cwd: REPO_ROOT });
    const sources = await runInProcess(REPO_ROOT, args);
    assert.equal(dist.status, sources.status, dist.stderr);
    assert.equal(dist.stdout, sources.stdout);
    assert.ok(JSON.parse(dist.stdout).files.length >= 10);
  });
});
