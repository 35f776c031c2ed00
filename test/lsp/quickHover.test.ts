import { strict as assert } from 'node:assert';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { QuickLints, quickHover, statementWindow } from '../../server/src/lsp/quickHover';
import { LspHarness, positionAt } from './harness';

describe('hover before the first lint: a quick parse of the statement at the cursor (issue 18)', function () {
  this.timeout(120_000);

  describe('statementWindow', () => {
    const text = 'CREATE TABLE a (id int);\nCREATE INDEX a_i\n  ON a (id);\nDROP TABLE b;\n';

    it('spans the lines of the statement at the cursor, from after the previous `;` line to the next', () => {
      const at = text.indexOf('ON a');
      const w = statementWindow(text, at);
      assert.equal(text.slice(w.start, w.end), 'CREATE INDEX a_i\n  ON a (id);');
      const first = statementWindow(text, 3);
      assert.equal(text.slice(first.start, first.end), 'CREATE TABLE a (id int);');
      const last = statementWindow(text, text.indexOf('DROP'));
      assert.equal(text.slice(last.start, last.end), 'DROP TABLE b;');
    });

    it('ends for a text that starts with an empty line (found by the fuzz suite: it looped forever on line 0)', () => {
      const text = '\nALTER TABLE t ADD COLUMN c int\n  DEFAULT 0;\n';
      assert.deepEqual(statementWindow(text, text.indexOf('DEFAULT')), { start: 0, end: text.length - 1 });
      assert.deepEqual(statementWindow('\n\n', 1), { start: 0, end: 2 });
    });

    it('stays within the limit each way in a document without `;` line ends', () => {
      const long = 'SELECT 1\n'.repeat(100_000);
      const w = statementWindow(long, 450_000, 1_000);
      assert.ok(w.start <= 450_000 && w.end >= 450_000);
      assert.ok(450_000 - w.start <= 1_000 + 9 && w.end - 450_000 <= 1_000 + 9, `${w.start}..${w.end}`);
    });
  });

  describe('quickHover', () => {
    before(() => initEngine());
    const hoverOf = (text: string, needle: string) => {
      const doc = TextDocument.create('file:///virtual/quick.sql', 'sql', 1, text);
      return quickHover(doc, text.indexOf(needle), DEFAULT_CONFIG, undefined);
    };

    it('describes the lock of the statement under the cursor, with its range in the document', () => {
      const text = 'CREATE TABLE a (id int);\n\nCREATE INDEX a_i\n  ON orders (id);\nDROP TABLE b;\n';
      const hover = hoverOf(text, 'orders');
      assert.match((hover?.contents as MarkupContent).value, /\bSHARE\b[\s\S]*orders|orders[\s\S]*\bSHARE\b/);
      const start = text.indexOf('CREATE INDEX');
      const doc = TextDocument.create('file:///x.sql', 'sql', 1, text);
      assert.deepEqual(hover?.range, { start: doc.positionAt(start), end: doc.positionAt(text.indexOf(';', start) + 1) });
    });

    it('lints a statement once for a burst of hovers on it (a deeply nested one costs tens of ms per lint)', () => {
      const text = `CREATE INDEX i ON t (c);\nSELECT * FROM ${'(SELECT * FROM '.repeat(200)}t${') s'.repeat(200)};\n`;
      const doc = TextDocument.create('file:///virtual/burst.sql', 'sql', 1, text);
      const lints = new QuickLints(2);
      const at = text.indexOf('(SELECT') + 40;
      const first = quickHover(doc, at, DEFAULT_CONFIG, undefined, lints);
      assert.match((first?.contents as MarkupContent).value, /ACCESS SHARE/);
      const again = [quickHover(doc, at, DEFAULT_CONFIG, undefined, lints), quickHover(doc, at + 7, DEFAULT_CONFIG, undefined, lints)];
      assert.equal(lints.lints, 1);
      for (const hover of again) assert.deepEqual(hover, first);
      // Another statement, then a third: the oldest falls out and is linted again when asked.
      quickHover(doc, 3, DEFAULT_CONFIG, undefined, lints);
      quickHover(doc, 3, { ...DEFAULT_CONFIG }, undefined, lints); // other settings: not the same answer to reuse
      assert.equal(lints.lints, 3);
      assert.deepEqual(quickHover(doc, at, DEFAULT_CONFIG, undefined, lints), first);
      assert.equal(lints.lints, 4);
    });

    it('answers null between statements, and inside a function body it cannot place (never a wrong statement)', () => {
      assert.equal(hoverOf('CREATE TABLE a (id int);\n\n\nDROP TABLE b;\n', '\n\nDROP'), null);
      const fn = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND\n$$;\n";
      assert.equal(hoverOf(fn, 'RETURN NEW'), null);
    });
  });

  describe('in the language server', () => {
    let lsp: LspHarness;
    before(async () => {
      lsp = await LspHarness.start();
    });
    after(() => lsp.dispose());

    it('answers a hover on a big document just opened before its first lint publishes anything', async () => {
      // 6,000 statements: the first lint takes many slices; the hover does not wait for them.
      const text = Array.from({ length: 3_000 }, (_, i) => `CREATE TABLE t${i} (id int);\nCREATE INDEX t${i}_i ON t${i} (id);\n`).join('');
      const uri = 'file:///virtual/first-lint.sql';
      lsp.open(uri, text);
      const at = text.indexOf('CREATE INDEX t1500_i');
      const hover = await lsp.hover(uri, positionAt(text, at + 3));
      assert.equal(lsp.diagnostics.all(uri).length, 0, 'the hover was answered after the first lint published: it waited for it');
      assert.match((hover?.contents as MarkupContent).value, /t1500/);
      assert.deepEqual(hover?.range?.start, positionAt(text, at));
      await lsp.diagnosticsFor(uri, 1, 110_000);
    });

    it("does not wait for the client's reply to workspace/configuration: a new document takes its folder's settings", async () => {
      const first = 'file:///virtual/settings/one.sql';
      lsp.open(first, 'CREATE TABLE a (id int);\n');
      await lsp.diagnosticsFor(first, 1, 60_000);
      const release = lsp.holdConfiguration();
      try {
        const text = 'CREATE TABLE b (id int);\nCREATE INDEX b_i ON orders (id);\n';
        const uri = 'file:///virtual/settings/two.sql';
        lsp.open(uri, text);
        // The server has asked for this document's settings, and the reply is held.
        const askedFor = () => lsp.configurationRequests.some((r) => r.items.some((i) => i.scopeUri === uri));
        await new Promise<void>((resolve) => {
          const poll = () => (askedFor() ? resolve() : setTimeout(poll, 1));
          poll();
        });
        const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 30_000).unref());
        const hover = await Promise.race([lsp.hover(uri, positionAt(text, text.indexOf('orders'))), waited]);
        assert.notEqual(hover, 'waited', 'the hover waited for the held configuration reply');
        assert.match(((hover as Hover | null)?.contents as MarkupContent).value, /orders/);
        assert.equal(lsp.diagnostics.all(uri).length, 0, 'the lint went ahead without its settings');
      } finally {
        release();
      }
      await lsp.diagnosticsFor('file:///virtual/settings/two.sql', 1, 60_000);
    });
  });
});
