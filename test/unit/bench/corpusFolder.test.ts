import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const cliTargets = pathToFileURL(join(__dirname, '../../../bench/cli-targets.mjs')).href;

describe('npm run bench: the 20,000-file folder of real SQL', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-corpus-folder-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('repeats the corpus files in sorted order as one numbered set and counts their bytes', async () => {
    const { writeCorpusFolder } = await import(cliTargets);
    const corpus = join(dir, 'corpus');
    mkdirSync(join(corpus, 'b'), { recursive: true });
    writeFileSync(join(corpus, 'b', '1.sql'), 'SELECT 2;');
    writeFileSync(join(corpus, 'a.sql'), 'SELECT 1;\n');
    writeFileSync(join(corpus, 'notes.txt'), 'not SQL');
    const out = join(dir, 'out');
    const bytes = writeCorpusFolder(out, corpus, 5);
    assert.deepEqual(readdirSync(out).sort(), ['V1__m.sql', 'V2__m.sql', 'V3__m.sql', 'V4__m.sql', 'V5__m.sql']);
    const texts = [1, 2, 3, 4, 5].map((i) => readFileSync(join(out, `V${i}__m.sql`), 'utf8'));
    assert.deepEqual(texts, ['SELECT 1;\n', 'SELECT 2;', 'SELECT 1;\n', 'SELECT 2;', 'SELECT 1;\n']);
    assert.equal(bytes, 3 * 10 + 2 * 9);
  });
});
