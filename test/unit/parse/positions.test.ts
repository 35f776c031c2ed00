import { strict as assert } from 'node:assert';
import { codePointToUtf16, LineIndex, Utf8OffsetMap } from '../../../server/src/parse/positions';

/** Reference implementation: UTF-8 length of the first `utf16` code units, via Buffer. */
function byteOffsetOf(text: string, utf16: number): number {
  return Buffer.byteLength(text.slice(0, utf16), 'utf8');
}

describe('LineIndex', () => {
  const text = 'ab\ncd\r\nef\rgh\n';
  const index = new LineIndex(text);

  it('counts \\n, \\r\\n and lone \\r as line breaks, like LSP', () => {
    assert.equal(index.lineCount, 5);
    assert.deepEqual([0, 1, 2, 3, 4].map((line) => index.lineText(line)), ['ab', 'cd', 'ef', 'gh', '']);
  });

  it('round-trips every offset through positionAt/offsetAt', () => {
    for (let offset = 0; offset <= text.length; offset++) {
      const pos = index.positionAt(offset);
      // The offset between \r and \n of a CRLF is not addressable as a position of its own.
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
      assert.equal(index.offsetAt(pos), offset, `offset ${offset} -> ${JSON.stringify(pos)}`);
    }
  });

  it('maps offsets to line and UTF-16 character', () => {
    assert.deepEqual(index.positionAt(text.indexOf('d')), { line: 1, character: 1 });
    assert.deepEqual(index.positionAt(text.indexOf('g')), { line: 3, character: 0 });
  });

  it('clamps out-of-range input instead of throwing', () => {
    assert.deepEqual(index.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(10_000), index.positionAt(text.length));
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 2, 'past the end of a line clamps before its break');
    assert.equal(index.offsetAt({ line: 99, character: 0 }), text.length);
    assert.equal(index.offsetAt({ line: -1, character: 3 }), 0);
    assert.equal(index.lineText(42), '');
    assert.deepEqual(index.positionAt(Number.NaN), { line: 0, character: 0 });
  });

  it('counts characters in UTF-16 code units (an emoji is 2)', () => {
    const emoji = new LineIndex('x\n🚀é例y');
    assert.deepEqual(emoji.positionAt('x\n🚀é例y'.indexOf('y')), { line: 1, character: 4 });
    assert.equal(emoji.offsetAt({ line: 1, character: 2 }), 4);
  });

  it('handles the empty text', () => {
    const empty = new LineIndex('');
    assert.equal(empty.lineCount, 1);
    assert.deepEqual(empty.positionAt(3), { line: 0, character: 0 });
    assert.equal(empty.lineText(0), '');
  });
});

describe('Utf8OffsetMap', () => {
  it('is the identity on ASCII text', () => {
    const map = new Utf8OffsetMap('select 1;');
    for (let byte = 0; byte <= 9; byte++) assert.equal(map.toUtf16(byte), byte);
  });

  it('agrees with Buffer on é, CJK and emoji at every character boundary', () => {
    const text = "a é 例えば 表 🚀x🚀 'é' z";
    const map = new Utf8OffsetMap(text);
    for (let utf16 = 0; utf16 <= text.length; utf16++) {
      const code = text.charCodeAt(utf16 - 1);
      if (code >= 0xd800 && code <= 0xdbff) continue; // the middle of a surrogate pair is not a boundary
      assert.equal(map.toUtf16(byteOffsetOf(text, utf16)), utf16, `utf16 offset ${utf16}`);
    }
  });

  it('maps a byte inside a multi-byte character to that character and clamps the rest', () => {
    const text = 'a🚀b';
    const map = new Utf8OffsetMap(text);
    assert.equal(map.toUtf16(2), 1, 'second byte of the emoji');
    assert.equal(map.toUtf16(5), 3, 'b follows the 4-byte emoji');
    assert.equal(map.toUtf16(-1), 0);
    assert.equal(map.toUtf16(999), text.length);
  });

  it('counts a lone surrogate as the 3-byte U+FFFD', () => {
    const text = 'a\ud800b';
    const map = new Utf8OffsetMap(text);
    assert.equal(map.toUtf16(byteOffsetOf(text.replace('\ud800', '\ufffd'), 2)), 2);
  });
});

describe('codePointToUtf16', () => {
  it('skips surrogate pairs as one code point', () => {
    const text = '🚀é例x';
    assert.equal(codePointToUtf16(text, 0), 0);
    assert.equal(codePointToUtf16(text, 1), 2);
    assert.equal(text[codePointToUtf16(text, 3)], 'x');
  });

  it('clamps to the text', () => {
    assert.equal(codePointToUtf16('ab', 10), 2);
    assert.equal(codePointToUtf16('ab', -3), 0);
  });
});
