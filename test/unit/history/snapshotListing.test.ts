/**
 * The CLI's snapshot file system answers `isDirectory` for a folder's entries from the folder's
 * typed listing (server/src/history/schemaHistory.ts): a Diesel set of N migration folders costs one
 * listing, not N stats. Asserted by counting the calls that reach the real file system, and by
 * comparing every answer with a stat's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { earlierMigrations } from '../../../server/src/history/migrationSet';
import { nodeFileSystem, snapshotFileSystem, type HistoryFileSystem } from '../../../server/src/history/schemaHistory';

/** nodeFileSystem, counting the `isDirectory` calls (stats) that reach it. */
function countingNodeFs(): HistoryFileSystem & { stats: string[] } {
  const stats: string[] = [];
  return {
    ...nodeFileSystem,
    stats,
    isDirectory: (path) => {
      stats.push(path);
      return nodeFileSystem.isDirectory(path);
    },
  };
}

describe('snapshot file system: directories from the folder listing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-listing-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers as a stat would for folders, files and symbolic links, and stats only the links', () => {
    mkdirSync(join(dir, 'a_folder'));
    writeFileSync(join(dir, 'b.sql'), 'SELECT 1;');
    symlinkSync(join(dir, 'a_folder'), join(dir, 'c_link_to_folder'));
    symlinkSync(join(dir, 'b.sql'), join(dir, 'd_link_to_file'));
    symlinkSync(join(dir, 'missing'), join(dir, 'e_broken_link'));
    const real = countingNodeFs();
    const snapshot = snapshotFileSystem(real);
    const names = snapshot.readdir(dir);
    assert.deepEqual(names, nodeFileSystem.readdir(dir), 'the same names in the same order');
    for (const name of names) assert.equal(snapshot.isDirectory(join(dir, name)), nodeFileSystem.isDirectory(join(dir, name)), name);
    assert.deepEqual(real.stats.map((p) => p.slice(dir.length + 1)).sort(), ['c_link_to_folder', 'd_link_to_file', 'e_broken_link']);
  });

  it('finds the earlier migrations of a Diesel set with no stat of its folders', () => {
    const versions = ['2017-10-06-234455_c', '20141001190227_a', '20170305095748_b', '2026-01-01-000000_d'];
    for (const version of versions) {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'up.sql'), 'SELECT 1;');
      writeFileSync(join(dir, version, 'down.sql'), 'SELECT 1;');
    }
    mkdirSync(join(dir, '2018-01-01-000000_no_up_sql'));
    writeFileSync(join(dir, 'README.md'), '');
    const real = countingNodeFs();
    const file = join(dir, '2026-01-01-000000_d/up.sql');
    const earlier = earlierMigrations(file, 'diesel', snapshotFileSystem(real));
    assert.deepEqual(earlier, earlierMigrations(file, 'diesel', nodeFileSystem));
    assert.deepEqual(earlier.map((p) => p.slice(dir.length + 1)), ['20141001190227_a/up.sql', '20170305095748_b/up.sql', '2017-10-06-234455_c/up.sql']);
    assert.deepEqual(real.stats, []);
  });

  it('without a typed listing (another file system), asks isDirectory as before', () => {
    mkdirSync(join(dir, 'a_folder'));
    const real = countingNodeFs();
    delete real.readdirTyped;
    const snapshot = snapshotFileSystem(real);
    snapshot.readdir(dir);
    assert.equal(snapshot.isDirectory(join(dir, 'a_folder')), true);
    assert.deepEqual(real.stats, [join(dir, 'a_folder')]);
  });
});
