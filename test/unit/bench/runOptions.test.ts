import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runMjs = join(__dirname, '../../../bench/run.mjs');
const bench = (...args: string[]) => spawnSync(process.execPath, [runMjs, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('npm run bench: its options', () => {
  it('--help prints the options and runs nothing', () => {
    const r = bench('--skip-lsp', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: node bench\/run\.mjs .*--skip-coderefs/s);
    assert.doesNotMatch(r.stdout, /## Run of/);
  });

  it('an unknown option or a value left out stops it before it measures anything', () => {
    for (const args of [['--skip-lsp', '--bogus'], ['--edits']]) {
      const r = bench(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, new RegExp(`unknown or incomplete option ${args[args.length - 1]}`));
      assert.doesNotMatch(r.stdout, /## Run of/);
    }
  });
});
