/** Docs links in reports work on any machine: the repository by default, `docsBaseUrl` or `--docs-base-url` when set, never a local path. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repository } from '../../../package.json';
import { ensureBuilt, runCli } from './distCli';

describe('docs links in CLI reports', () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-docs-'));
    writeFileSync(join(dir, 'V2__index.sql'), 'CREATE INDEX t_id ON t (id);\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const docsUrls = (args: string[], env: Record<string, string> = {}) => {
    const run = runCli(['lint', '--format', 'json', ...args, 'V2__index.sql'], { cwd: dir, env });
    return JSON.parse(run.stdout).files[0].findings.map((f: { docsUrl: string }) => f.docsUrl) as string[];
  };

  it('defaults to the rule page in the project repository', () => {
    const urls = docsUrls([]);
    assert.ok(urls.length > 0);
    assert.ok(urls.includes(`${repository.url}/blob/main/docs/rules/require-concurrent-index.md`), urls.join('\n'));
    assert.ok(urls.every((u) => u.startsWith('https://')));
  });

  it('follows docsBaseUrl in the config, and --docs-base-url over it', () => {
    writeFileSync(join(dir, 'lockstep.config.json'), '{ "docsBaseUrl": "https://wiki.example.org/lockstep" }');
    assert.ok(docsUrls([]).includes('https://wiki.example.org/lockstep/docs/rules/require-concurrent-index.md'));
    assert.ok(docsUrls(['--docs-base-url', 'https://mirror.example.org/x/']).includes('https://mirror.example.org/x/docs/rules/require-concurrent-index.md'));
    rmSync(join(dir, 'lockstep.config.json'));
  });

  it('rejects a docsBaseUrl that is not http(s)', () => {
    writeFileSync(join(dir, 'lockstep.config.json'), '{ "docsBaseUrl": "file:///etc/" }');
    const run = runCli(['lint', 'V2__index.sql'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /"docsBaseUrl" must be an http\(s\) URL/);
    rmSync(join(dir, 'lockstep.config.json'));
  });
});
