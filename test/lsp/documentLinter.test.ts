/** Closing a document gives back everything kept for it (a long session grew from 77 MB to 1.7 GB). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
import { LARGE_PREFIX_BYTES } from '../../server/src/lsp/largeDocument';

describe('DocumentLinter memory', function () {
  this.timeout(60_000);
  let root: string;
  before(() => initEngine());
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-linter-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('drops the parse cache, the last result and the history answers of a closed document', () => {
    const linter = new DocumentLinter(() => undefined);
    writeFileSync(join(root, '001_create.sql'), 'CREATE TABLE t (id int, c text);\n');
    const opened: Array<{ uri: string; path: string }> = [];
    for (let i = 2; i <= 6; i++) {
      const path = join(root, `00${i}_index.sql`);
      const text = `CREATE INDEX i${i} ON t (c);\n`.repeat(200);
      writeFileSync(path, text);
      const uri = pathToFileURL(path).href;
      linter.lint(TextDocument.create(uri, 'sql', 1, text), path, DEFAULT_CONFIG);
      opened.push({ uri, path });
    }
    const held = linter.sizes();
    assert.equal(held.caches, 5);
    assert.equal(held.latest, 5);
    assert.ok(held.history >= 5, JSON.stringify(held));
    for (const { uri, path } of opened) linter.forget(uri, path);
    assert.deepEqual(linter.sizes(), { caches: 0, latest: 0, stale: 0, history: 0 });
  });

  it('keeps no parse cache for a document over the size limit, and lints only its prefix', () => {
    const linter = new DocumentLinter(() => undefined);
    const text = 'CREATE INDEX a ON t (c);\n'.repeat(40_000); // ~1 MB
    const linted = linter.lint(TextDocument.create('file:///virtual/big.sql', 'sql', 1, text), undefined, DEFAULT_CONFIG, 512 * 1024);
    assert.equal(linted.large?.size, text.length);
    assert.ok(linted.large!.linted <= LARGE_PREFIX_BYTES && text.slice(0, linted.large!.linted).endsWith(';\n'));
    assert.equal(linted.result?.document.statements.length, linted.large!.linted / 'CREATE INDEX a ON t (c);\n'.length);
    assert.equal(linter.sizes().caches, 0);
  });
});
