/** How long an edit waits before its relint (server.ts relintDelay): the first, cold lint of a document does not count. */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
import { relintDelay } from '../../server/src/lsp/server';

describe('relint delay after an edit', () => {
  before(() => initEngine());

  it('is the typing pause after a fast lint, and after a slow first (cold) lint', () => {
    assert.equal(relintDelay(undefined, 150), 150);
    assert.equal(relintDelay({ durationMs: 80 }, 150), 150);
    assert.equal(relintDelay({ durationMs: 6_000, cold: true }, 0), 0);
    assert.equal(relintDelay({ durationMs: 6_000, cold: true }, 150), 150);
  });

  it('is as long as a slow relint took, up to 5 s', () => {
    assert.equal(relintDelay({ durationMs: 800 }, 0), 800);
    assert.equal(relintDelay({ durationMs: 800 }, 1_000), 1_000);
    assert.equal(relintDelay({ durationMs: 9_000 }, 0), 5_000);
  });

  it('the linter marks a document\'s first lint cold and its relints not', () => {
    const linter = new DocumentLinter((message) => assert.fail(message));
    const doc = TextDocument.create('file:///virtual/V1__a.sql', 'sql', 1, 'CREATE INDEX i ON t (c);\n');
    assert.equal(linter.lint(doc, undefined, DEFAULT_CONFIG).cold, true);
    TextDocument.update(doc, [{ text: 'CREATE INDEX j ON t (c);\n' }], 2);
    assert.equal(linter.lint(doc, undefined, DEFAULT_CONFIG).cold, undefined);
    linter.forget(doc.uri);
    assert.equal(linter.lint(doc, undefined, DEFAULT_CONFIG).cold, true, 'closed and reopened: cold again');
  });
});
