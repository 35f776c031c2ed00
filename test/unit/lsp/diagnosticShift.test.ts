/**
 * DiagnosticReuse takes the ranges of findings before and after an edit's lines from the last publish
 * (moved by the edit's line count) instead of computing them again: what it publishes must still be
 * exactly a from-scratch conversion, through random edits (CRLF, lone CR, surrogate pairs, lines
 * inserted or deleted before, after and inside findings).
 */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../../server/src/findings';
import { DiagnosticReuse, toDiagnostic } from '../../../server/src/lsp/diagnostics';
import { PIECE_DOCUMENTS } from '../../../server/src/lsp/pieceDocument';
import { random } from '../../support/random';

const ROOT = '/ext';
const INSERTS = ['x', ' ', '\n', '\r\n', '\r', ';', '@a', '@b', '@é', '😀', 'é', '\n@a x\n', '\r\n@b;\r\n', ''];
const related = (line: number) => [{ file: '/app/m.py', path: 'm.py', line, column: 1, endLine: line, endColumn: 4, message: 'uses it' }];

/** What a relint finds: each `@word` (one finding, two for `@a`), its statement = the `;`s before it; and a few odd spans. */
function findingsOf(text: string, next: () => number): Finding[] {
  const findings: Finding[] = [];
  let statement = 0;
  let at = 0;
  for (const match of text.matchAll(/;|@[\p{L}]+(?: \w+)?/gu)) {
    if (match[0] === ';') {
      statement++;
      continue;
    }
    const start = match.index!;
    const base = { severity: 'warning' as const, message: `about ${match[0]}`, docs: 'docs/rules/r.md', statementIndex: statement };
    findings.push({ ...base, ruleId: 'r1', span: { start, end: start + match[0].length } });
    if (match[0].startsWith('@a')) findings.push({ ...base, ruleId: 'r2', span: { start, end: start + 2 }, related: related(statement + 1) });
    at = start;
  }
  // Spans across lines, empty, reversed, past the end, and of no statement.
  findings.push({ ruleId: 'wide', severity: 'info', message: 'w', docs: 'docs/rules/w.md', statementIndex: 0, span: { start: 0, end: at + 3 } });
  findings.push({ ruleId: 'end', severity: 'hint', message: 'e', docs: 'docs/rules/e.md', span: { start: text.length - 1, end: text.length + 5 } });
  findings.push({ ruleId: 'rev', severity: 'error', message: 'r', docs: 'docs/rules/r.md', statementIndex: statement, span: { start: at + 2, end: at } });
  if (next() < 0.5) findings.push({ ruleId: 'empty', severity: 'error', message: 'e', docs: 'docs/rules/e.md', statementIndex: statement, span: { start: at, end: at } });
  return findings;
}

function initialText(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`${i % 3 === 0 ? 'é😀 ' : ''}line ${i} @a x${i % 4 === 0 ? ';' : ''} @b${i % 5 === 0 ? '\r\n' : i % 7 === 0 ? '\r' : '\n'}`);
  return out.join('');
}

describe('DiagnosticReuse after edits: ranges moved by lines', function () {
  this.timeout(60_000);

  for (const kind of ['PieceDocument', 'TextDocument'] as const) {
    it(`publishes exactly a from-scratch conversion after random edits (${kind})`, () => {
      const next = random(kind === 'PieceDocument' ? 7 : 8);
      const text = initialText(40);
      const doc = kind === 'PieceDocument' ? PIECE_DOCUMENTS.create('file:///a.sql', 'sql', 1, text) : TextDocument.create('file:///a.sql', 'sql', 1, text);
      const reuse = new DiagnosticReuse(ROOT);
      const check = () => {
        const current = doc.getText();
        const findings = findingsOf(current, next);
        const published = reuse.convert(findings, doc);
        assert.deepStrictEqual(published, findings.map((f) => toDiagnostic(f, doc, ROOT)), JSON.stringify(current));
      };
      check();
      for (let n = 0; n < 1500; n++) {
        const lines = doc.lineCount;
        const position = () => ({ line: Math.floor(next() * (lines + 1)), character: Math.floor(next() * 30) });
        const a = position();
        const b = next() < 0.4 ? a : next() < 0.5 ? { line: a.line, character: a.character + Math.floor(next() * 6) } : position();
        const insert = Array.from({ length: Math.floor(next() * 3) }, () => INSERTS[Math.floor(next() * INSERTS.length)]).join('');
        const change = { range: b.line < a.line ? { start: b, end: a } : { start: a, end: b }, text: insert };
        if (kind === 'PieceDocument') PIECE_DOCUMENTS.update(doc as ReturnType<typeof PIECE_DOCUMENTS.create>, [change], n + 2);
        else TextDocument.update(doc as TextDocument, [change], n + 2);
        // Sometimes a relint of the same text (settings changed), or several edits between publishes.
        if (next() < 0.8) check();
      }
      check();
    });
  }

  it('computes ranges only for the edited lines; findings after inserted lines get new Diagnostics with moved ranges', () => {
    const text = initialText(200);
    const doc = PIECE_DOCUMENTS.create('file:///a.sql', 'sql', 1, text);
    const reuse = new DiagnosticReuse(ROOT);
    const next = () => 0; // the same odd findings each time
    const first = reuse.convert(findingsOf(doc.getText(), next), doc);
    assert.equal(reuse.rangesComputed, first.length);

    // A one-line edit (line 100 keeps its findings): only that line's findings and the odd spans (across it, past the end) are converted again.
    const line = doc.getText({ start: { line: 100, character: 0 }, end: { line: 101, character: 0 } });
    PIECE_DOCUMENTS.update(doc, [{ range: { start: { line: 100, character: 0 }, end: { line: 100, character: 4 } }, text: 'LINE' }], 2);
    assert.ok(line.startsWith('line'));
    const findings = findingsOf(doc.getText(), next);
    const second = reuse.convert(findings, doc);
    assert.deepStrictEqual(second, findings.map((f) => toDiagnostic(f, doc, ROOT)));
    assert.ok(reuse.rangesComputed <= 10, `ranges computed: ${reuse.rangesComputed}`);
    // Nothing showed changes: every Diagnostic object is handed out again (stdioWriter.ts keeps their JSON).
    assert.ok(second.every((d, i) => d === first[i]));

    // Two lines inserted at line 50: the findings after them move down two lines, in new Diagnostic objects.
    PIECE_DOCUMENTS.update(doc, [{ range: { start: { line: 50, character: 0 }, end: { line: 50, character: 0 } }, text: 'one\r\ntwo\n' }], 3);
    const moved = findingsOf(doc.getText(), next);
    const third = reuse.convert(moved, doc);
    assert.deepStrictEqual(third, moved.map((f) => toDiagnostic(f, doc, ROOT)));
    assert.ok(reuse.rangesComputed <= 10, `ranges computed: ${reuse.rangesComputed}`);
    const after = third.filter((d) => d.range.start.line > 52 && d.range.end.line > 52);
    assert.ok(after.length > 100);
    for (const d of after) {
      const was = second.find((s) => s.code === d.code && s.message === d.message && s.range.start.line === d.range.start.line - 2 && s.range.start.character === d.range.start.character);
      assert.ok(was && was !== d, JSON.stringify(d.range));
    }
  });
});
