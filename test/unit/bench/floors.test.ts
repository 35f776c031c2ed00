import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = join(__dirname, '../../..');
const bench = (file: string) => join(REPO, 'bench', file);

/** A folder of migrations (relative path → text), with a non-SQL file the floors must skip. */
function writeFolder(dir: string, files: Record<string, string>): void {
  mkdirSync(join(dir, 'sub'));
  for (const [path, text] of Object.entries({ ...files, 'notes.txt': 'SELECT 3;' })) writeFileSync(join(dir, path), text);
}

describe('npm run bench: the floors (bench/floors.mjs)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-floors-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses every file of a folder once, on one thread or two, and counts statements and rejected files', () => {
    writeFolder(dir, { 'a.sql': 'SELECT 1; SELECT 2;', 'b.sql': 'SELEC oops;', 'c.sql': '  ;\n', 'sub/d.sql': 'CREATE TABLE t (id int);' });
    for (const threads of ['1', '2']) {
      const out = JSON.parse(execFileSync(process.execPath, [bench('parse-floor.mjs'), dir, threads], { encoding: 'utf8' }));
      assert.deepEqual(out, { files: 4, statements: 3, failed: 1 }, `${threads} thread(s)`);
    }
  });

  it("splits and parses every file of a folder with Lockstep's own code from the bundle, counting statements and rejected chunks", () => {
    // Two statements per file, one rejected chunk, a psql meta-command (not SQL) and an empty file.
    writeFolder(dir, {
      'a.sql': 'SELECT 1;\n\\set x 1\nSELECT 2;',
      'b.sql': 'CREATE TABLE t (id int);\nSELEC oops;\nDROP TABLE t;',
      'c.sql': '  ;\n',
      'sub/d.sql': 'ALTER TABLE t ADD COLUMN c int; -- done',
    });
    const out = JSON.parse(execFileSync(process.execPath, [bench('split-parse-floor.mjs'), dir], { encoding: 'utf8' }));
    assert.deepEqual(out, { files: 4, statements: 5, failed: 1 });
  });

  it('the no-analysis server answers each edit with one publish of the recorded diagnostics', async () => {
    const { measureLspLatency } = await import(pathToFileURL(bench('lsp-latency.mjs')).href);
    const recorded = [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, message: 'one', severity: 2 },
      { range: { start: { line: 7, character: 2 }, end: { line: 8, character: 0 } }, message: 'two', severity: 1, code: 'x' },
    ];
    const file = join(dir, 'recorded.json');
    writeFileSync(file, JSON.stringify(recorded));
    const run = await measureLspLatency({ repo: REPO, workDir: dir, edits: 3, lines: 300, editKind: 'rename-column', server: [process.execPath, [bench('echo-server.mjs'), file, '--stdio']] });
    assert.equal(run.latencies.length, 3);
    assert.equal(run.diagnostics, 2);
    assert.deepEqual(run.published, recorded);
  });
});

describe('npm run bench: the largest of many round trips', () => {
  it('takes the max of more values than a spread into Math.max can hold', async () => {
    const { maxOf } = await import(pathToFileURL(bench('lsp-latency.mjs')).href);
    const values = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 100_003);
    values[123_456] = 1e6;
    assert.equal(maxOf(values), 1e6);
    assert.equal(maxOf([]), -Infinity);
  });
});
