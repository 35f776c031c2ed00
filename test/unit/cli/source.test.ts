/** readSource: one open serves the size check, the text and schema history's version of the file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SOURCE_BYTES, readSource } from '../../../server/src/cli/source';
import { nodeFileSystem } from '../../../server/src/history/schemaHistory';

describe('readSource', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-source-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the text (no byte-order mark, invalid UTF-8 replaced) and the version history would stat', () => {
    const path = join(dir, 'V1__a.sql');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('SELECT 1; -- '), Buffer.from([0xff]), Buffer.from('\n')]));
    const source = readSource(path);
    assert.ok(!('error' in source));
    assert.equal(source.text, 'SELECT 1; -- \uFFFD\n');
    assert.equal(source.version, nodeFileSystem.version(path));
    assert.match(source.version!, /^\d+(\.\d+)?:18$/);
  });

  it('says why a file cannot be linted: missing, a directory, binary, too large', () => {
    assert.deepEqual(readSource(join(dir, 'missing.sql')), { error: 'no such file or directory' });
    assert.deepEqual(readSource(dir), { error: 'is a directory, not a file' });
    const binary = join(dir, 'b.sql');
    writeFileSync(binary, Buffer.from([0x53, 0, 0x45]));
    assert.deepEqual(readSource(binary), { error: 'looks like a binary file (contains NUL bytes), not SQL' });
    const large = join(dir, 'big.sql');
    writeFileSync(large, Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x20));
    assert.match((readSource(large) as { error: string }).error, /^file is 10\.0 MB; files over 10 MB are not linted$/);
  });
});
