/**
 * The code-reference hover finds the statement under the cursor by binary search (engine.ts
 * statementAt), not by walking every statement: counted as reads of the statement list (issue 18:
 * the walk was a fifth of the language server's busy time while hovering a 20,000-line file).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine, lintText } from '../../server/src/engine';
import { codeReferencesFeature, INDEX_START_QUIET_MS } from '../../server/src/lsp/codeRefs';
import type { LintedDocument } from '../../server/src/lsp/documentLinter';
import type { FeatureContext } from '../../server/src/lsp/features';

describe('code-reference hover lookup', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => initEngine());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-coderefs-hover-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a logarithmic number of statements per hover', async () => {
    // A worker that never reports: the hover then answers "still indexing" once it found the statement.
    const workerPath = join(dir, 'silentWorker.js');
    writeFileSync(workerPath, '// reports nothing\n');
    const feature = codeReferencesFeature(workerPath);
    let opened: ((event: { document: { uri: string } }) => void) | undefined;
    const documents = { onDidOpen: (listener: typeof opened) => ((opened = listener), { dispose: () => undefined }), onDidChangeContent: () => ({ dispose: () => undefined }) };
    feature.register({ workspaceRoots: () => [dir], log: () => undefined, setCodeReferences: () => undefined, documents, linted: async () => undefined } as unknown as FeatureContext);
    feature.initialized?.();
    // The worker starts once the first opened document is linted and edits pause (codeRefs.ts): a
    // timer armed a few turns later, which fires before one armed after it for longer.
    opened!({ document: { uri: 'file:///x.sql' } });
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, INDEX_START_QUIET_MS + 1));
    try {
      const text = Array.from({ length: 2_000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c int;`).join('\n');
      const result = lintText(text, { config: DEFAULT_CONFIG });
      let reads = 0;
      const statements = new Proxy(result.document.statements, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver);
        },
      });
      const linted = { result: { ...result, document: { ...result.document, statements } } } as unknown as LintedDocument;
      const answer = await feature.hover!('file:///x.sql', text.indexOf('t1999'), linted);
      assert.match(String(answer), /still indexing/);
      assert.ok(reads <= 2 * Math.ceil(Math.log2(2_000)) + 2, `${reads} statement reads for one hover`);
    } finally {
      feature.dispose?.();
    }
  });
});
