/**
 * The server's documents keep their text in pieces (lsp/pieceDocument.ts): they must answer every
 * TextDocument question as the library's TextDocument does, and an edit's relint must build no
 * whole-text string (the ~790 KB copy per keystroke in a 20,000-line file).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine, lintText, type LintResult } from '../../server/src/engine';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
import { PIECE_DOCUMENTS, PieceDocument } from '../../server/src/lsp/pieceDocument';
import { DiagnosticReuse } from '../../server/src/lsp/diagnostics';
import { LastLintLookup } from '../../server/src/lsp/lastLint';
import { materialisations } from '../../server/src/parse/pieceText';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { EDITS, generateMigration } from '../../bench/migration.mjs';
import { random } from '../support/random';

const INSERTS = ['x', ' ', '\n', '\r\n', '\r', ';', "'", '-- c\n', 'é', '😀', ''];

describe('PieceDocument', function () {
  this.timeout(120_000);

  it('answers as TextDocument does after random range edits (CR, LF, CRLF, surrogate pairs, reversed ranges)', () => {
    const next = random(41);
    const text = 'SELECT 1;\r\nSELECT 2;\nSELECT 3;\r' + generateMigration(60).text;
    const library = TextDocument.create('file:///a.sql', 'sql', 1, text);
    const pieces = PIECE_DOCUMENTS.create('file:///a.sql', 'sql', 1, text);
    const position = () => ({ line: Math.floor(next() * (library.lineCount + 2)) - 1, character: Math.floor(next() * 90) - 2 });
    for (let n = 0; n < 600; n++) {
      const a = position();
      const b = next() < 0.5 ? a : position();
      const change = next() < 0.02 ? { text: text.slice(0, Math.floor(next() * text.length)) } : { range: { start: a, end: b }, text: INSERTS[Math.floor(next() * INSERTS.length)] };
      TextDocument.update(library, [change], n + 2);
      PIECE_DOCUMENTS.update(pieces, [change], n + 2);
      assert.equal(pieces.version, library.version);
      assert.equal(pieces.lineCount, library.lineCount, `line count after edit ${n}`);
      for (let k = 0; k < 10; k++) {
        const p = position();
        assert.equal(pieces.offsetAt(p), library.offsetAt(p), `offsetAt ${JSON.stringify(p)} after edit ${n}`);
        const offset = Math.floor(next() * (library.getText().length + 4)) - 2;
        assert.deepEqual(pieces.positionAt(offset), library.positionAt(offset), `positionAt ${offset} after edit ${n}`);
        const line = Math.floor(next() * (library.lineCount + 2)) - 1;
        assert.deepEqual(pieces.getLineRange(line), library.getLineRange(line));
        assert.equal(pieces.getEOLCharacters(line), library.getEOLCharacters(line));
        const range = { start: p, end: position() };
        assert.equal(pieces.getText(range), library.getText(range), `getText ${JSON.stringify(range)} after edit ${n}`);
      }
      if (n % 50 === 0) {
        assert.equal(pieces.getText(), library.getText(), `text after edit ${n}`);
        for (let offset = 0; offset <= Math.min(3000, library.getText().length); offset++) assert.deepEqual(pieces.positionAt(offset), library.positionAt(offset), `positionAt ${offset} after edit ${n}`);
      }
    }
    assert.equal(pieces.getText(), library.getText());
  });

  describe('an edit of a long migration in the language server', () => {
    let root: string;
    before(() => initEngine());
    beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'lockstep-pieces-'))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    for (const kind of ['comment-text', 'rename-column'] as const) {
      it(`${kind}: relints and converts the diagnostics without building the whole text, and equals a lint from scratch`, () => {
        const path = join(root, 'V1__long.sql');
        const { text, lines, editable } = generateMigration(2_000) as { text: string; lines: string[]; editable: Record<string, number[]> };
        const doc = PIECE_DOCUMENTS.create(pathToFileURL(path).href, 'sql', 1, text) as PieceDocument;
        const linter = new DocumentLinter((message) => assert.fail(message));
        const reuse = new DiagnosticReuse();
        reuse.convert(linter.lint(doc, path, DEFAULT_CONFIG).findings, doc);
        const current = lines.slice();
        const before = materialisations.count;
        let patched = 0;
        for (let n = 1; n <= 12; n++) {
          const line = editable[kind][(n * 7) % editable[kind].length];
          const edited = EDITS[kind].edit(current[line], n);
          PIECE_DOCUMENTS.update(doc, [{ range: { start: { line, character: 0 }, end: { line, character: current[line].length } }, text: edited }], n + 1);
          current[line] = edited;
          const linted = linter.lint(doc, path, DEFAULT_CONFIG);
          if (linter.cacheFor(doc.uri).stats.patched) patched++;
          reuse.convert(linted.findings, doc);
        }
        assert.equal(patched, 12, 'every relint took the patch path');
        assert.equal(materialisations.count, before, 'no relint built the whole text');
        const last = linter.last(doc.uri)!.result!;
        const expected = current.join('\n') + (text.endsWith('\n') ? '\n' : '');
        assert.equal(doc.getText(), expected);
        assert.equal(fingerprint(last), fingerprint(lintText(expected, { path, config: DEFAULT_CONFIG })));
        assert.equal(last.document.text, expected, "the patched document's text, built when read");
      });
    }
  });
});

describe('answering a hover from the last lint of a document in pieces', () => {
  before(() => initEngine());

  it('finds the statements before and after an edit as with a whole-text document, without building either text', () => {
    const { text, lines, editable } = generateMigration(2_000) as { text: string; lines: string[]; editable: Record<string, number[]> };
    const path = join(tmpdir(), 'V1__hover.sql');
    const uri = pathToFileURL(path).href;
    const pieces = PIECE_DOCUMENTS.create(uri, 'sql', 1, text) as PieceDocument;
    const library = TextDocument.create(uri, 'sql', 1, text);
    const lastOfPieces = new DocumentLinter((message) => assert.fail(message)).lint(pieces, path, DEFAULT_CONFIG);
    const lastOfLibrary = new DocumentLinter((message) => assert.fail(message)).lint(library, path, DEFAULT_CONFIG);
    const line = editable['comment-text'][10];
    const change = { range: { start: { line, character: 0 }, end: { line, character: lines[line].length } }, text: EDITS['comment-text'].edit(lines[line], 1) };
    PIECE_DOCUMENTS.update(pieces, [change], 2);
    TextDocument.update(library, [change], 2);
    const before = materialisations.count;
    const found = (lookup: LastLintLookup, doc: TextDocument, last: typeof lastOfPieces, offset: number) => {
      const hit = lookup.find(doc, offset, last);
      return hit && { offset: hit.offset, delta: hit.delta };
    };
    const inPieces = new LastLintLookup();
    const inLibrary = new LastLintLookup();
    let answered = 0;
    for (const offset of [0, 100, library.offsetAt({ line: line - 3, character: 2 }), library.offsetAt({ line, character: 3 }), library.offsetAt({ line: line + 2, character: 0 }), text.length - 5]) {
      const expected = found(inLibrary, library, lastOfLibrary, offset);
      assert.deepEqual(found(inPieces, pieces, lastOfPieces, offset), expected, `offset ${offset}`);
      if (expected) answered++;
    }
    assert.ok(answered >= 4, 'the statements away from the edit are found');
    assert.equal(materialisations.count - before, 0, 'no whole text was built');
  });
});

function fingerprint(result: LintResult): string {
  return JSON.stringify(result.findings);
}
