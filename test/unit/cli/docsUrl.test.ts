/** Rule docs links in reports: one URL per (package, base, working folder, rule), whatever the order asked. */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsUrlFor } from '../../../server/src/cli/report';

describe('docs URLs of findings', () => {
  it('answers each package root, base URL and working folder with its own URL, switching back and forth', () => {
    const docs = 'docs/rules/require-concurrent-index.md';
    for (let round = 0; round < 2; round++) {
      assert.equal(docsUrlFor(docs, '/pkg'), 'file:///pkg/docs/rules/require-concurrent-index.md');
      assert.equal(docsUrlFor(docs, '/pkg', 'https://example.com/repo/blob/main'), 'https://example.com/repo/blob/main/docs/rules/require-concurrent-index.md');
      assert.equal(docsUrlFor(docs, '/other'), 'file:///other/docs/rules/require-concurrent-index.md');
      assert.equal(docsUrlFor('docs/rules/prefer-jsonb.md', '/pkg'), 'file:///pkg/docs/rules/prefer-jsonb.md');
      assert.equal(docsUrlFor('https://x.test/rule', '/pkg'), 'https://x.test/rule');
      assert.equal(docsUrlFor('', '/pkg'), undefined);
    }
  });

  it('resolves a relative package root against the working folder of the moment', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lockstep-docs-')));
    const cwd = process.cwd();
    try {
      const here = docsUrlFor('docs/rules/x.md', 'pkg');
      process.chdir(dir);
      assert.equal(docsUrlFor('docs/rules/x.md', 'pkg'), pathToFileURL(join(dir, 'pkg/docs/rules/x.md')).href);
      process.chdir(cwd);
      assert.equal(docsUrlFor('docs/rules/x.md', 'pkg'), here);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
