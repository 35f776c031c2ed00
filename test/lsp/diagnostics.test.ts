import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver/node';
import { LspHarness, SERVER_BUNDLE, codesOf, messageOf, fileUri, positionAt, readFixture, FIXTURES } from './harness';

const INDEX_RULE = 'require-concurrent-index';
const SEVERITY_WARNING = 2;
const SEVERITY_ERROR = 1;

describe('LSP diagnostics (dist/server.js over stdio)', function () {
  this.timeout(30_000);
  let lsp: LspHarness;

  beforeEach(async () => {
    lsp = await LspHarness.start({ debounceMs: 50 });
  });
  afterEach(() => lsp.dispose());

  it('reports a non-concurrent index build with code, exact range, severity, source and docs link', async () => {
    const text = readFixture('unsafe-index.sql');
    const uri = fileUri(resolve(FIXTURES, 'unsafe-index.sql'));
    lsp.open(uri, text);
    const published = await lsp.diagnosticsFor(uri, 1);

    const index = published.diagnostics.find((d) => d.code === INDEX_RULE);
    assert.ok(index, `expected ${INDEX_RULE} among ${JSON.stringify(codesOf(published))}`);
    const start = text.indexOf('CREATE INDEX');
    // The whole statement, its `;` included, without the comment above it.
    assert.deepEqual(index.range, { start: positionAt(text, start), end: positionAt(text, text.indexOf(';', start) + 1) });
    assert.equal(index.source, 'lockstep');
    assert.equal(index.severity, SEVERITY_WARNING);
    assert.match(messageOf(index), /CONCURRENTLY/);
    // Docs ship next to dist/ in the installed extension.
    const docs = resolve(dirname(SERVER_BUNDLE), '..', 'docs', 'rules', `${INDEX_RULE}.md`);
    assert.equal(index.codeDescription?.href, pathToFileURL(docs).href);
    assert.ok(existsSync(docs), `${docs} exists, so the link opens`);
  });

  it('maps UTF-16 offsets to positions after é, CJK and emoji on the same and earlier lines', async () => {
    const text = readFixture('unicode-prefix.sql');
    const uri = fileUri(resolve(FIXTURES, 'unicode-prefix.sql'));
    lsp.open(uri, text);
    const published = await lsp.diagnosticsFor(uri, 1);

    const index = published.diagnostics.find((d) => d.code === INDEX_RULE);
    assert.ok(index, `expected ${INDEX_RULE} among ${JSON.stringify(codesOf(published))}`);
    const line = text.split('\n')[1];
    const character = line.indexOf('CREATE INDEX');
    assert.deepEqual(index.range, { start: { line: 1, character }, end: { line: 1, character: line.indexOf(';', character) + 1 } });
    // Guard against code-point or byte columns: the emoji before the statement is two UTF-16 units.
    assert.notEqual(character, [...line.slice(0, character)].length);
  });

  it('gives a broken statement one syntax error and still lints the statements around it', async () => {
    const text = readFixture('broken-middle.sql');
    const uri = fileUri(resolve(FIXTURES, 'broken-middle.sql'));
    lsp.open(uri, text);
    const published = await lsp.diagnosticsFor(uri, 1);

    const syntax = published.diagnostics.filter((d) => d.code === 'syntax-error');
    assert.equal(syntax.length, 1, JSON.stringify(published.diagnostics));
    assert.equal(syntax[0].severity, SEVERITY_ERROR);
    assert.deepEqual(syntax[0].range.start, { line: 1, character: 0 });
    const indexLines = published.diagnostics.filter((d) => d.code === INDEX_RULE).map((d) => d.range.start.line);
    assert.deepEqual(indexLines.sort(), [0, 2]);
  });

  it('re-lints an incremental one-line edit and publishes for the new version', async () => {
    const text = readFixture('unsafe-index.sql');
    const uri = 'file:///virtual/edit-me.sql';
    lsp.open(uri, text);
    const before = await lsp.diagnosticsFor(uri, 1);
    assert.ok(codesOf(before).includes(INDEX_RULE));

    const at = positionAt(text, text.indexOf('CREATE INDEX') + 'CREATE INDEX'.length);
    const version = lsp.change(uri, [{ range: { start: at, end: at }, text: ' CONCURRENTLY' }]);
    const after = await lsp.diagnosticsFor(uri, version);
    assert.equal(version, 2);
    assert.ok(!codesOf(after).includes(INDEX_RULE), JSON.stringify(after.diagnostics));
  });

  it('after edits that move, change, remove and keep findings, publishes what a fresh open of the text does', async () => {
    // The server hands out the last publish's Diagnostic objects again for unchanged findings
    // (DiagnosticReuse): what it sends must still be exactly the full set for the new text.
    const uri = 'file:///virtual/reuse.sql';
    const doc = TextDocument.create(uri, 'sql', 1, 'CREATE INDEX a_idx ON t (c);\nDROP INDEX old_idx;\nALTER TABLE t ADD COLUMN note text;\nCREATE INDEX b_idx ON t (d);\n-- a comment\n');
    lsp.open(uri, doc.getText());
    const opened = await lsp.diagnosticsFor(uri, 1);
    assert.ok(opened.diagnostics.length >= 3, JSON.stringify(opened.diagnostics));
    const edits: { range: Range; text: string }[] = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '-- header\n' }, // every finding moves a line down
      { range: { start: { line: 4, character: 13 }, end: { line: 4, character: 18 } }, text: 'b_index' }, // one statement's text changes
      { range: { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, text: ' CONCURRENTLY' }, // one finding goes away
      { range: { start: { line: 5, character: 3 }, end: { line: 5, character: 12 } }, text: 'another comment' }, // nothing changes
    ];
    let published = opened;
    for (const edit of edits) {
      TextDocument.update(doc, [edit], doc.version + 1);
      published = await lsp.diagnosticsFor(uri, lsp.change(uri, [edit]));
    }
    lsp.close(uri);
    await lsp.nextDiagnostics(uri, (p) => p.version === undefined && p.diagnostics.length === 0);
    lsp.open(uri, doc.getText());
    const fresh = await lsp.nextDiagnostics(uri, (p) => p.version === 1);
    assert.notDeepEqual(published.diagnostics, opened.diagnostics);
    assert.deepEqual(published.diagnostics, fresh.diagnostics);
  });

  it('debounces bursts of edits into one lint of the latest version', async () => {
    // The four changes below are written at once; a window of 50 ms could pass between two of them on a
    // starved machine (load 30 on 2 cores), so this server waits 2 s: the assertion is about what the
    // debounce drops, not about how fast a burst arrives.
    lsp.dispose();
    lsp = await LspHarness.start({ debounceMs: 2000 });
    const text = readFixture('unsafe-index.sql');
    const uri = 'file:///virtual/burst.sql';
    lsp.open(uri, text);
    await lsp.diagnosticsFor(uri, 1);

    let version = 1;
    for (const suffix of ['\n-- a', '\n-- b', '\n-- c', '\n-- d']) {
      const end = positionAt(text, text.length);
      version = lsp.change(uri, [{ range: { start: end, end }, text: suffix }]);
    }
    const last = await lsp.diagnosticsFor(uri, version);
    assert.ok(codesOf(last).includes(INDEX_RULE));
    const intermediate = lsp.diagnostics.all(uri).filter((p) => p.version !== undefined && p.version > 1 && p.version < version);
    assert.deepEqual(intermediate, [], 'no diagnostics for versions superseded within the debounce window');
  });

  it('reports the detected runner and target version in lockstep/documentInfo', async () => {
    const uri = 'file:///virtual/20240101_add_index.sql';
    lsp.open(uri, readFixture('goose-migration.sql'));
    const info = await lsp.documentInfo.next(uri, () => true, 'documentInfo', 15_000);
    assert.equal(info.runner, 'goose');
    assert.equal(info.pgVersion, 16);
    assert.equal(info.transaction, 'auto');
  });

  it('sends documentInfo again only when it changed, or after the document was closed and reopened', async () => {
    const uri = 'file:///virtual/20240101_info_once.sql';
    const text = readFixture('goose-migration.sql');
    lsp.open(uri, text);
    await lsp.diagnosticsFor(uri, 1);
    let version = 1;
    for (const suffix of ['\n-- a', '\n-- b', '\n-- c']) {
      const end = positionAt(text, text.length);
      version = lsp.change(uri, [{ range: { start: end, end }, text: suffix }]);
      await lsp.diagnosticsFor(uri, version);
    }
    // A request's answer comes after every notification the server sent before it.
    await lsp.hover(uri, { line: 0, character: 0 });
    assert.equal(lsp.documentInfo.all(uri).length, 1, 'edits that leave runner and version as they were send no documentInfo');
    lsp.close(uri);
    lsp.open(uri, text);
    await lsp.documentInfo.next(uri, () => true, 'documentInfo after reopening', 15_000, 1);
    assert.equal(lsp.documentInfo.all(uri).length, 2);
  });

  it('clears diagnostics when the document closes and ignores non-SQL documents', async () => {
    const uri = 'file:///virtual/closing.sql';
    lsp.open(uri, readFixture('unsafe-index.sql'));
    await lsp.diagnosticsFor(uri, 1);
    lsp.close(uri);
    const cleared = await lsp.nextDiagnostics(uri, () => true);
    assert.deepEqual(cleared.diagnostics, []);

    const markdown = 'file:///virtual/notes.md';
    lsp.open(markdown, 'CREATE INDEX idx ON t (c);', 'markdown');
    // A later SQL document's diagnostics prove the server processed the markdown open first.
    const marker = 'file:///virtual/after-markdown.sql';
    lsp.open(marker, readFixture('unsafe-index.sql'));
    await lsp.diagnosticsFor(marker, 1);
    assert.deepEqual(lsp.diagnostics.all(markdown), []);
  });

  it('shuts down and exits cleanly', async () => {
    const code = await lsp.shutdown();
    assert.equal(code, 0);
    assert.equal(lsp.alive, false);
  });
});
