/**
 * `lockstep lint`'s buffered output (output.ts): to an output that takes bytes, the pieces are
 * encoded as they come (never kept as strings until a write), with the same bytes as the strings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferedOut } from '../../../server/src/cli/output';
import { runCli, type CliIO } from '../../../server/src/cli/run';
import { writeFlywayChain } from '../../support/flywayChain';

describe('buffered output as bytes', () => {
  // ASCII, two- and three-byte characters, and a surrogate pair (4 bytes), across small buffers.
  const pieces = ['{"a": 1}', 'é—', 'x😀y', '', 'naïve ', '😀😀😀', 'z'.repeat(23), '—'];

  for (const size of [4, 5, 7, 16, 1024]) {
    it(`writes the pieces' UTF-8 in writes of at most ${size} bytes, no character cut`, () => {
      const writes: Buffer[] = [];
      const out = bufferedOut({ writeOut: () => assert.fail('strings written'), writeOutBytes: (b) => void writes.push(Buffer.from(b)) }, size);
      for (const piece of pieces) out.write(piece);
      out.flush();
      assert.deepEqual(Buffer.concat(writes), Buffer.from(pieces.join(''), 'utf8'));
      for (const w of writes) {
        assert.ok(w.length > 0 && w.length <= size, `a write of ${w.length} bytes`);
        // Each write decodes on its own: no character is split between two writes.
        assert.equal(Buffer.from(w.toString('utf8'), 'utf8').equals(w), true);
      }
      // A flush per full buffer, and the last one.
      assert.equal(out.flushes(), writes.length);
    });
  }

  it('does not write an empty buffer', () => {
    const writes: Uint8Array[] = [];
    const out = bufferedOut({ writeOut: () => {}, writeOutBytes: (b) => void writes.push(b) }, 16);
    out.flush();
    assert.equal(writes.length, 0);
    assert.equal(out.flushes(), 1);
  });
});

describe('lint --format json to an output that takes bytes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-bytes-'));
    // Over a megabyte of JSON in all, so that more than one write happens.
    writeFlywayChain(dir, 800);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function lint(bytes: boolean): Promise<{ text: string; strings: number; byteWrites: number }> {
    let text = '';
    const chunks: Buffer[] = [];
    let strings = 0;
    const io: CliIO = {
      cwd: dir,
      env: {},
      stdoutIsTTY: false,
      writeOut: (t) => {
        strings++;
        text += t;
      },
      ...(bytes ? { writeOutBytes: (b: Uint8Array) => void chunks.push(Buffer.from(b)) } : {}),
      writeErr: () => {},
      readStdin: async () => Buffer.alloc(0),
    };
    await runCli(['lint', '.', '--format', 'json', '--no-code'], io);
    return { text: bytes ? Buffer.concat(chunks).toString('utf8') : text, strings, byteWrites: chunks.length };
  }

  it('writes the report as bytes only, the same report as written in strings', async function () {
    this.timeout(120_000);
    const asBytes = await lint(true);
    const asStrings = await lint(false);
    assert.equal(asBytes.strings, 0);
    assert.ok(asBytes.byteWrites >= 2, `${asBytes.byteWrites} writes`);
    assert.equal(asBytes.text, asStrings.text);
    assert.equal(JSON.parse(asBytes.text).files.length, 800);
  });
});
