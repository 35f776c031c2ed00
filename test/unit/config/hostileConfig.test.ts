import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globProblem, globToRegExp } from '../../../server/src/config/glob';
import { CONFIG_FILE_NAME, isExcluded, loadConfigFile } from '../../../server/src/config/load';
import { validateConfig } from '../../../server/src/config/validate';

describe('hostile config values', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-hostile-config-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('matches a 66-byte `**/**/**/…` exclude against a deep path without backtracking (it used to hang)', () => {
    const glob = `${'**/'.repeat(20)}x.sql`;
    const file = join(root, CONFIG_FILE_NAME);
    writeFileSync(file, JSON.stringify({ exclude: [glob] }));
    const loaded = loadConfigFile(file);
    assert.deepEqual(loaded.problems, []);
    const deep = join(root, ...Array.from({ length: 40 }, (_, i) => `d${i}`), 'y.sql');
    assert.equal(isExcluded(loaded, deep), false);
    assert.equal(isExcluded(loaded, join(root, 'a', 'b', 'x.sql')), true);
  });

  it('refuses a glob whose wildcards would make any matcher backtrack, with a clear config error', () => {
    const result = validateConfig({ exclude: ['legacy/**', '*a*a*a*a*b'] });
    assert.deepEqual(result.config.exclude, ['legacy/**']);
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0].path, 'exclude[1]');
    assert.match(result.problems[0].message, /"\*a\*a\*a\*a\*b" is refused: at most 3 wildcards per path segment/);
    assert.match(String(globProblem(`${'*/'.repeat(12)}x`)), /at most 8 wildcards per glob/);
    assert.throws(() => globToRegExp('*a*a*a*a*b'), /at most 3 wildcards/);
  });

  it('rejects throughput figures outside 0.1…100000 MB/s and durations beyond PostgreSQL’s limit', () => {
    const tiny = validateConfig({ estimate: { scanMBps: 5e-324 } });
    assert.equal(tiny.config.estimate?.scanMBps, undefined);
    assert.deepEqual(tiny.problems, [{ path: 'estimate.scanMBps', message: '"estimate.scanMBps" must be a number of MB per second from 0.1 to 100000, got 5e-324' }]);
    const forever = validateConfig({ lockTimeout: '100000000000000000000000000d', statementTimeout: '2147483648' });
    assert.equal(forever.config.lockTimeout, undefined);
    assert.deepEqual(
      forever.problems.map((p) => p.path),
      ['lockTimeout', 'statementTimeout'],
    );
    assert.match(forever.problems[0].message, /must be at most 2147483647 ms \(about 24.8 days, PostgreSQL's limit\)/);
    assert.deepEqual(validateConfig({ lockTimeout: '24d', statementTimeout: '2147483647' }).problems, []);
  });
});
