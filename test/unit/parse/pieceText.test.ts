/**
 * PieceText (a text kept in pieces) reads as the string it stands for, finds the same edit as
 * editBetween, and the incremental split reading it through small windows equals splitSql on the
 * string, without building the whole text.
 */
import { strict as assert } from 'node:assert';
import { materialisations, PieceText } from '../../../server/src/parse/pieceText';
import { editBetween, editBetweenSources } from '../../../server/src/parse/textEdit';
import { splitSql, type SplitResult } from '../../../server/src/parse/split';
import { splitIncremental, WINDOW } from '../../../server/src/parse/splitIncremental';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { generateMigration } from '../../../bench/migration.mjs';
import { random } from '../../support/random';

const TOKENS = ["'", '"', '$$', '$a$', '/*', '*/', '--', '-- c\n', ';', '\n', '\r\n', ' ', 'x', '(', ')', 'BEGIN ATOMIC ', ' END', 'COPY t FROM stdin;\n1\n\\.\n', '\\set x 1\n', '-- +goose Up\n', 'SELECT 1;\n', "SELECT 'a\nb';\n"];

const JUNK = [
  "SELECT 'a;\nSELECT 2;\nSELECT $x$ ; $x$;\n/* open\nSELECT 3;\n",
  'CREATE TABLE t (a int);\n"unterminated ident;\nSELECT 1;\n',
  'SELECT 1;\n\\copy t from stdin\n1\n2\n\\.\nSELECT 2;\nCOPY t FROM stdin;\n3\n\\.\nSELECT 4;\n',
].join('');

interface Change {
  at: number;
  remove: number;
  insert: string;
}

function randomChange(length: number, next: () => number): Change {
  const at = Math.floor(next() * (length + 1));
  const choice = next();
  const token = TOKENS[Math.floor(next() * TOKENS.length)];
  if (choice < 0.5) return { at, remove: 0, insert: token };
  if (choice < 0.8) return { at, remove: Math.min(length - at, 1 + Math.floor(next() * (next() < 0.1 ? 300 : 12))), insert: '' };
  return { at, remove: Math.min(length - at, Math.floor(next() * 4)), insert: token };
}

function applied(text: string, c: Change): string {
  return text.slice(0, c.at) + c.insert + text.slice(c.at + c.remove);
}

function plain(split: SplitResult): unknown {
  return { chunks: split.chunks, markers: split.markers, comments: split.comments };
}

describe('PieceText', function () {
  this.timeout(120_000);

  it('reads as the string it stands for after random edits, and finds the edit editBetween finds', () => {
    const next = random(21);
    let text = generateMigration(120).text as string;
    let pieces = PieceText.of(text, 64);
    for (let n = 0; n < 500; n++) {
      const change = randomChange(text.length, next);
      const edited = applied(text, change);
      const after = pieces.replace(change.at, change.at + change.remove, change.insert, 64);
      assert.equal(after.length, edited.length);
      assert.deepEqual(editBetweenSources(pieces, after), editBetween(text, edited), `edit ${n}`);
      for (let k = 0; k < 20; k++) {
        const a = Math.floor(next() * (edited.length + 2)) - 1;
        const b = a + Math.floor(next() * 200);
        assert.equal(after.slice(Math.max(0, a), b), edited.slice(Math.max(0, a), b), `slice ${a}..${b} after edit ${n}`);
        assert.ok(Object.is(after.charCodeAt(a), edited.charCodeAt(a)), `char ${a}`);
        assert.equal(after.indexOf('\n', a), edited.indexOf('\n', a), `indexOf from ${a}`);
        assert.equal(after.lastIndexOf('\n', a), edited.lastIndexOf('\n', a), `lastIndexOf from ${a}`);
      }
      text = edited;
      pieces = after;
    }
    assert.ok(text.length > 1000, 'the text stayed long');
    const before = materialisations.count;
    assert.equal(pieces.whole(), text);
    assert.equal(pieces.whole(), text);
    assert.equal(materialisations.count, before + 1, 'the whole string is built once per snapshot');
  });

  for (const windowChars of [1, 16, 4096]) {
    it(`the incremental split of pieces, through ${windowChars}-character windows, equals splitSql after random edits`, () => {
      const kept = WINDOW.chars;
      WINDOW.chars = windowChars;
      try {
        for (const [seed, source] of [
          [31, generateMigration(300).text as string],
          [32, JUNK.repeat(6)],
        ] as const) {
          const next = random(seed + windowChars);
          let text = source;
          let pieces = PieceText.of(text, 128);
          let split = splitSql(text);
          let incremental = 0;
          for (let n = 0; n < 300; n++) {
            const change = randomChange(text.length, next);
            const edited = applied(text, change);
            const after = pieces.replace(change.at, change.at + change.remove, change.insert, 128);
            const expected = splitSql(edited);
            const reused = splitIncremental(pieces, split, after);
            if (reused) {
              incremental++;
              assert.deepEqual(plain(reused), plain(expected), `edit ${n} (seed ${seed}) differs from a split from scratch`);
            }
            text = edited;
            pieces = after;
            split = reused ?? expected;
          }
          assert.ok(incremental > 100, `only ${incremental} of 300 edits were split incrementally`);
        }
      } finally {
        WINDOW.chars = kept;
      }
    });
  }

  it('an edit inside a statement of a long migration is split without building the whole text', () => {
    const { text, lines } = generateMigration(2000) as { text: string; lines: string[] };
    let pieces = PieceText.of(text);
    let split = splitSql(text);
    const line = lines.findIndex((l: string) => l.startsWith('COMMENT ON TABLE'));
    const offset = lines.slice(0, line).reduce((sum: number, l: string) => sum + l.length + 1, 0) + 'COMMENT ON TABLE'.length;
    const before = materialisations.count;
    for (let n = 0; n < 10; n++) {
      const after = pieces.replace(offset, offset, ' ');
      split = splitIncremental(pieces, split, after)!;
      assert.ok(split, 'split incrementally');
      pieces = after;
    }
    assert.equal(materialisations.count, before, 'no whole-text string was built');
    assert.deepEqual(plain(split), plain(splitSql(pieces.whole())));
  });
});
