import assert from 'node:assert/strict';
import { earlierMigrationsIn, type MigrationFileSystem } from '../../../server/src/history/migrationSet';

/** Folders of a Diesel set in memory, each listing the same array every time (as the CLI's snapshot does); counts listings per folder. */
function dieselSet(folders: string[]): MigrationFileSystem & { listed: string[] } {
  const listed: string[] = [];
  const listings = new Map<string, string[]>([['/d', [...folders].reverse()], ...folders.map((f): [string, string[]] => [`/d/${f}`, ['down.sql', 'up.sql']])]);
  return {
    listed,
    readdir: (dir) => {
      listed.push(dir);
      return listings.get(dir) ?? [];
    },
    isDirectory: (path) => listings.has(path),
  };
}

const FOLDERS = ['2019-01-01-000000_a', '2019-02-01-000000_b', '20190301000000_c', '2019-04-01-000000_d', '2019-05-01-000000_e'];
const file = (folder: string) => `/d/${folder}/up.sql`;

describe('a migration set is listed only as far as a file needs', () => {
  it('the first migration of a Diesel set lists no other migration folder', () => {
    const fs = dieselSet(FOLDERS);
    assert.equal(earlierMigrationsIn(file(FOLDERS[0]), 'diesel', fs).count, 0);
    assert.deepEqual(fs.listed, ['/d']);
  });

  it('a middle one lists the folders before it, and only those', () => {
    const fs = dieselSet(FOLDERS);
    const { paths, count } = earlierMigrationsIn(file(FOLDERS[2]), 'diesel', fs);
    assert.deepEqual(paths.slice(0, count), [file(FOLDERS[0]), file(FOLDERS[1])]);
    assert.deepEqual(fs.listed, ['/d', `/d/${FOLDERS[0]}`, `/d/${FOLDERS[1]}`]);
  });

  it('files asked in any order get the same counts, and one paths array for the set', () => {
    for (const order of [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]]) {
      const fs = dieselSet(FOLDERS);
      const answers = order.map((i) => ({ i, ...earlierMigrationsIn(file(FOLDERS[i]), 'diesel', fs) }));
      for (const { i, paths, count } of answers) {
        assert.equal(count, i, `folder ${i} in order ${order}`);
        assert.equal(paths, answers[0].paths, 'the same array');
        assert.deepEqual(paths.slice(0, count), FOLDERS.slice(0, i).map(file));
      }
      // Each migration folder listed at most once, however the files were asked for (the set's own folder is listed per file, to find the set).
      const folders = fs.listed.filter((dir) => dir !== '/d');
      assert.equal(new Set(folders).size, folders.length, `order ${order}: ${folders}`);
    }
  });

  it('a folder whose check threw is checked again for the next file, not skipped', () => {
    const fs = dieselSet(FOLDERS);
    const isDirectory = fs.isDirectory;
    let failNext = true;
    fs.isDirectory = (path) => {
      if (path === `/d/${FOLDERS[1]}` && failNext) {
        failNext = false;
        throw new Error('EIO');
      }
      return isDirectory(path);
    };
    assert.throws(() => earlierMigrationsIn(file(FOLDERS[3]), 'diesel', fs), /EIO/);
    const { paths, count } = earlierMigrationsIn(file(FOLDERS[3]), 'diesel', fs);
    assert.deepEqual(paths.slice(0, count), FOLDERS.slice(0, 3).map(file));
  });
});
