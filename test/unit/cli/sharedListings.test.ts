/**
 * In a one-shot run (`lockstep lint`), each folder is listed once: the CLI's walk, the project facts
 * and the schema history each listed the corpus's folders (~1,900 `readdirSync` calls for 651
 * folders; BENCHMARKS.md, issue 14, eleventh session). The facts and the history take the walk's
 * listing; outside a run (the editor) they read the folder themselves, every time they ask.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expandOperands } from '../../../server/src/cli/files';
import { CONFIG_FILE_NAME, findConfigFile } from '../../../server/src/config/load';
import { folderReads, keepProjectFactsForTheRun, listFolder, readProjectFacts } from '../../../server/src/document/projectFacts';
import { earlierMigrations } from '../../../server/src/history/migrationSet';
import { nodeFileSystem, snapshotFileSystem } from '../../../server/src/history/schemaHistory';

describe('folder listings shared within a run', () => {
  let root: string;
  const folders = ['2019-01-01-000000_a', '2019-01-02-000000_b', '2019-01-03-000000_c'];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lockstep-listings-'));
    for (const f of folders) {
      mkdirSync(join(root, 'migrations', f), { recursive: true });
      writeFileSync(join(root, 'migrations', f, 'up.sql'), 'SELECT 1;');
      writeFileSync(join(root, 'migrations', f, 'down.sql'), 'SELECT 1;');
    }
    writeFileSync(join(root, 'Cargo.toml'), '[dependencies]\ndiesel = "2"\n');
  });
  afterEach(() => {
    keepProjectFactsForTheRun(false);
    rmSync(root, { recursive: true, force: true });
  });

  it('a run: the facts and the history list no folder the walk listed', () => {
    keepProjectFactsForTheRun();
    // The folders above the operand (the facts look up to package.json / Cargo.toml): listed once here.
    for (let dir = dirname(root); ; dir = dirname(dir)) {
      listFolder(dir);
      if (dirname(dir) === dir) break;
    }
    const before = folderReads.count;
    // The module object itself: the walk, the facts and the history read `readdirSync` from it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as { readdirSync: (...args: unknown[]) => unknown; statSync: (...args: unknown[]) => unknown };
    const { readdirSync: readdir, statSync: stat } = fs;
    const listed: string[] = [];
    const statted: string[] = [];
    fs.readdirSync = (...args: unknown[]) => (listed.push(String(args[0])), readdir(...args));
    fs.statSync = (...args: unknown[]) => (statted.push(String(args[0])), stat(...args));
    try {
      run(root);
    } finally {
      fs.readdirSync = readdir;
      fs.statSync = stat;
    }
    // Each folder under the operand listed once: by the walk; and the history asks no stat whether its migration folders are folders.
    assert.deepEqual(listed.sort(), [root, join(root, 'migrations'), ...folders.map((f) => join(root, 'migrations', f))].sort());
    assert.deepEqual(statted.filter((p) => folders.some((f) => p === join(root, 'migrations', f))), []);
    assert.equal(folderReads.count - before, 0);
    assert.ok(before > 0, 'the folders above were read (once)');
  });

  function run(root: string): void {
    const { targets } = expandOperands([root], root);
    assert.equal(targets.length, 6);
    const last = join(root, 'migrations', folders[2], 'up.sql');
    assert.deepEqual(readProjectFacts(last).tools, ['diesel']);
    assert.deepEqual(earlierMigrations(last, 'diesel', snapshotFileSystem(nodeFileSystem)), folders.slice(0, 2).map((f) => join(root, 'migrations', f, 'up.sql')));
  }

  it('a run: the config lookup stats no folder the walk listed without a config file', () => {
    keepProjectFactsForTheRun();
    writeFileSync(join(root, 'migrations', CONFIG_FILE_NAME), '{}');
    expandOperands([root], root);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as { statSync: (...args: unknown[]) => unknown };
    const stat = fs.statSync;
    const statted: string[] = [];
    fs.statSync = (...args: unknown[]) => (statted.push(String(args[0])), stat(...args));
    let found: string | undefined;
    try {
      found = findConfigFile(join(root, 'migrations', folders[0]), root);
    } finally {
      fs.statSync = stat;
    }
    assert.equal(found, join(root, 'migrations', CONFIG_FILE_NAME));
    assert.deepEqual(statted, [join(root, 'migrations', CONFIG_FILE_NAME)], 'only the folder that has one');
  });

  it('outside a run: a folder is read each time it is asked for', () => {
    expandOperands([root], root);
    const before = folderReads.count;
    const dir = join(root, 'migrations');
    assert.deepEqual([...listFolder(dir)].sort(), folders);
    writeFileSync(join(dir, 'new.sql'), '');
    assert.ok(listFolder(dir).includes('new.sql'));
    assert.equal(folderReads.count - before, 2);
  });
});
