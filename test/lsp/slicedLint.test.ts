/**
 * A long lint never holds the language server (dist/server.js over stdio): it runs in slices, so
 * a hover sent while it runs is answered before its diagnostics are published, and a lint whose
 * text changed meanwhile stops and never publishes. Ordering only, no clock: with a lint that
 * held the thread, every request sent after it started would wait for its diagnostics.
 */
import { strict as assert } from 'node:assert';
import type { ConfigurationParams, Hover } from 'vscode-languageserver/node';
import { WAIT_FOR_LINT_BELOW_STATEMENTS } from '../../server/src/lsp/server';
import { LspHarness } from './harness';

/** A migration that takes the engine many slices to lint (thousands of statements, each parsed and analysed). */
function bigMigration(statements: number): string {
  const lines: string[] = [];
  for (let i = 0; i < statements; i++) lines.push(`ALTER TABLE t${i % 97} ADD COLUMN c${i} integer;`);
  return `${lines.join('\n')}\n`;
}

const SMALL = 'CREATE INDEX orders_user_idx ON orders (user_id);\n';

describe('LSP lints in slices (hover while a big file lints)', function () {
  this.timeout(120_000);
  let lsp: LspHarness | undefined;
  afterEach(() => lsp?.dispose());

  /** Resolves when the server asks for `uri`'s settings: its first lint starts right after the answer. */
  function configurationAsked(harness: LspHarness, uri: string): Promise<void> {
    const asked = (p: ConfigurationParams) => p.items.some((item) => item.scopeUri === uri);
    return new Promise((resolve) => {
      const poll = () => (harness.configurationRequests.some(asked) ? resolve() : setTimeout(poll, 1));
      poll();
    });
  }

  it('answers hovers while a big document lints, before that lint publishes', async () => {
    lsp = await LspHarness.start({ debounceMs: 0 });
    const small = 'file:///virtual/small.sql';
    lsp.open(small, SMALL);
    await lsp.diagnosticsFor(small, 1);
    const big = 'file:///virtual/big.sql';
    let published = false;
    const bigDiagnostics = lsp.diagnosticsFor(big, 1, 100_000).then((p) => ((published = true), p));
    lsp.open(big, bigMigration(3_000));
    await configurationAsked(lsp, big);
    // One hover after another until the big lint publishes: with a lint that held the thread, at
    // most the one already queued when it started could be answered before it publishes.
    let answeredBefore = 0;
    while (!published) {
      const hover = await lsp.hover(small, { line: 0, character: 3 });
      assert.ok(hover, 'the small document hovers');
      if (!published) answeredBefore++;
    }
    const p = await bigDiagnostics;
    assert.ok(p.diagnostics.length > 0, 'the big lint finished and published');
    assert.ok(answeredBefore >= 3, `hovers answered while the big document linted: ${answeredBefore}`);
  });

  it('hovers the edited document itself while it relints, from its last lint, with ranges in the new text', async () => {
    lsp = await LspHarness.start({ debounceMs: 0 });
    const big = 'file:///virtual/relint.sql';
    const statements = 3_000;
    lsp.open(big, bigMigration(statements));
    await lsp.diagnosticsFor(big, 1, 100_000);
    // A BEGIN; above everything: every statement now runs in a transaction, so all of them are analysed again.
    const version = lsp.change(big, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'BEGIN;\n' }]);
    let published = false;
    const relinted = lsp.diagnosticsFor(big, version, 100_000).then(() => (published = true));
    let answeredBefore = 0;
    for (let n = 0; !published; n++) {
      const line = 1 + ((n * 37) % statements); // the statement that was on line `line - 1`
      const hover: Hover | null = await lsp!.hover(big, { line, character: 3 });
      assert.ok(hover?.range, `hover on line ${line}`);
      assert.deepEqual([hover.range.start.line, hover.range.end.line], [line, line], 'the range is in the edited text');
      assert.match((hover.contents as { value: string }).value, new RegExp(`\\bt${(line - 1) % 97}\\b`));
      if (!published) answeredBefore++;
    }
    await relinted;
    assert.ok(answeredBefore >= 3, `hovers answered while the document relinted: ${answeredBefore}`);
  });

  it('hovers a statement edited since the last lint of a long document from the statement alone, without waiting for the relint', async () => {
    // A long typing pause: the relint of the edit has not even started when the hover comes.
    lsp = await LspHarness.start({ debounceMs: 10_000 });
    const big = 'file:///virtual/edited.sql';
    lsp.open(big, bigMigration(WAIT_FOR_LINT_BELOW_STATEMENTS + 50));
    await lsp.diagnosticsFor(big, 1, 100_000);
    const line = 10;
    const version = lsp.change(big, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: 'CREATE INDEX edited_idx ON t5 (c5);\n' }]);
    const hover: Hover | null = await lsp.hover(big, { line, character: 3 });
    // Before: the hover started that lint and waited for it, so the version's diagnostics came first.
    assert.deepEqual(lsp.diagnostics.all(big).map((p) => p.version), [1], 'answered before any lint of the edit');
    assert.deepEqual([hover?.range?.start.line, hover?.range?.end.line], [line, line]);
    assert.match((hover!.contents as { value: string }).value, /SHARE/, 'the lock of the edited statement');
    assert.ok(version > 1);
  });

  it('a lint superseded by an edit stops and never publishes; the edit is linted', async () => {
    lsp = await LspHarness.start({ debounceMs: 0 });
    const big = 'file:///virtual/superseded.sql';
    const text = bigMigration(3_000);
    lsp.open(big, text);
    await configurationAsked(lsp, big);
    const version = lsp.change(big, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'CREATE INDEX late_idx ON t1 (c1);\n' }]);
    const after = await lsp.diagnosticsFor(big, version, 100_000);
    assert.ok(after.diagnostics.some((d) => d.code === 'require-concurrent-index' && d.range.start.line === 0), 'the edit is linted');
    assert.deepEqual(lsp.diagnostics.all(big).map((p) => p.version), [version], 'version 1 was never published');
  });
});
