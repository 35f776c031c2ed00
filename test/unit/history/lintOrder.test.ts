import assert from 'node:assert/strict';
import { runnerLintOrder, type OrderedFile } from '../../../server/src/history/lintOrder';

const auto = (path: string): OrderedFile => ({ path, runner: 'auto' });

describe("the CLI's lint order: each migration set in its runner's order", () => {
  it("hands a Diesel set's places out folder by folder in Diesel's order, a folder's files as they came", () => {
    // Path order (the walk's natural order): `2017-10-06-…` before `2014…` and `2017…` without dashes.
    const files = [
      '/d/2017-10-06-000000_c/down.sql',
      '/d/2017-10-06-000000_c/up.sql',
      '/d/20141001000000_a/down.sql',
      '/d/20141001000000_a/up.sql',
      '/d/20170305000000_b/up.sql',
    ].map(auto);
    assert.deepEqual(runnerLintOrder(files), [2, 3, 4, 0, 1]);
  });

  it('leaves other files, other runners and sets already in order where they are', () => {
    const files = [
      auto('/a/V1__x.sql'),
      auto('/d/2019-01-01-000000_a/up.sql'),
      auto('/d/2020-01-01-000000_b/up.sql'),
      auto('/m/1_x.up.sql'),
      { path: '/p/2017-10-06-000000_c/up.sql', runner: 'prisma' as const },
      { path: '/p/20141001000000_a/up.sql', runner: 'prisma' as const },
      auto(''),
    ];
    assert.deepEqual(runnerLintOrder(files), [0, 1, 2, 3, 4, 5, 6]);
  });

  it("keeps two sets apart, each in its own places (a config's runner: diesel counts)", () => {
    const files = [
      auto('/x/2017-10-06-000000_c/up.sql'),
      auto('/x/20141001000000_a/up.sql'),
      auto('/y/V1__between.sql'),
      { path: '/z/2017-10-06-000000_c/up.sql', runner: 'diesel' as const },
      { path: '/z/20141001000000_a/up.sql', runner: 'diesel' as const },
    ];
    assert.deepEqual(runnerLintOrder(files), [1, 0, 2, 4, 3]);
  });
});
