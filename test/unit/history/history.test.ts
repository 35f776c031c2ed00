import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import type { Catalog } from '../../../server/src/catalog/catalog';
import { earlierMigrations, earlierMigrationsIn, runnerOrder } from '../../../server/src/history/migrationSet';
import { inRunnerLintOrder } from '../../../server/src/trace/jobs';
import { nodeFileSystem, SchemaHistory, snapshotFileSystem, type HistoryFileSystem } from '../../../server/src/history/schemaHistory';

before(() => initEngine());

/** An in-memory folder tree: path → file text (folders are implied). */
function memoryFs(files: Record<string, string>, versions: Record<string, string> = {}): HistoryFileSystem & { reads: string[] } {
  const reads: string[] = [];
  const children = (dir: string) =>
    [...new Set(Object.keys(files).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1).split('/')[0]))];
  return {
    reads,
    readdir: children,
    isDirectory: (p) => children(p).length > 0,
    readFile: (p) => {
      reads.push(p);
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return files[p];
    },
    version: (p) => versions[p] ?? '1',
  };
}

describe('earlier migrations of a set', () => {
  it('golang-migrate: earlier .up.sql files in numeric order, never .down.sql', () => {
    const fs = memoryFs({ '/m/10_c.up.sql': '', '/m/2_b.up.sql': '', '/m/2_b.down.sql': '', '/m/1_a.up.sql': '', '/m/11_d.up.sql': '' });
    assert.deepEqual(earlierMigrations('/m/11_d.up.sql', 'golang-migrate', fs), ['/m/1_a.up.sql', '/m/2_b.up.sql', '/m/10_c.up.sql']);
  });

  it('Flyway: versioned scripts by version, not repeatable ones', () => {
    const fs = memoryFs({ '/f/V1__a.sql': '', '/f/V2__b.sql': '', '/f/V10__c.sql': '', '/f/R__views.sql': '' });
    assert.deepEqual(earlierMigrations('/f/V10__c.sql', 'flyway', fs), ['/f/V1__a.sql', '/f/V2__b.sql']);
  });

  it('Diesel: the up.sql of every earlier migration folder', () => {
    const fs = memoryFs({ '/d/2019-01_a/up.sql': '', '/d/2019-01_a/down.sql': '', '/d/2020-05_b/up.sql': '', '/d/2021-01_c/up.sql': '' });
    assert.deepEqual(earlierMigrations('/d/2020-05_b/up.sql', 'diesel', fs), ['/d/2019-01_a/up.sql']);
  });

  it('Diesel: versions compare with their dashes removed, as Diesel does (crates.io mixes both forms)', () => {
    const fs = memoryFs({ '/d/20141001190227_old/up.sql': '', '/d/20170305095748_mid/up.sql': '', '/d/2017-10-06-234455_new/up.sql': '', '/d/2026-05-27-130000-0000_newest/up.sql': '' });
    assert.deepEqual(earlierMigrations('/d/2017-10-06-234455_new/up.sql', 'diesel', fs), ['/d/20141001190227_old/up.sql', '/d/20170305095748_mid/up.sql']);
    assert.deepEqual(earlierMigrations('/d/20170305095748_mid/up.sql', 'diesel', fs), ['/d/20141001190227_old/up.sql']);
    assert.equal(earlierMigrations('/d/2026-05-27-130000-0000_newest/up.sql', 'diesel', fs).length, 3);
  });

  it('Prisma: the migration.sql of every earlier migration folder, not migration_lock.toml', () => {
    const fs = memoryFs({
      '/p/migrations/migration_lock.toml': '', '/p/migrations/01_init/migration.sql': '', '/p/migrations/02_b/migration.sql': '',
      '/p/migrations/10_c/migration.sql': '', '/p/migrations/03_empty/README.md': '',
    });
    assert.deepEqual(earlierMigrations('/p/migrations/10_c/migration.sql', 'prisma', fs), ['/p/migrations/01_init/migration.sql', '/p/migrations/02_b/migration.sql']);
  });

  it('a file\'s place in its set is the number of set entries its runner orders before it (listed or not)', () => {
    const sets: Array<{ runner: 'flyway' | 'golang-migrate' | 'diesel' | 'prisma'; folder: string; entries: string[]; file: (e: string) => string }> = [
      { runner: 'flyway', folder: '/f', entries: ['V1__a.sql', 'V2__b.sql', 'V10__c.sql', 'V2_1__d.sql', 'V01__e.sql', 'V3__f.sql'], file: (e) => `/f/${e}` },
      { runner: 'golang-migrate', folder: '/g', entries: ['1_a.up.sql', '10_b.up.sql', '2_c.up.sql', '002_d.up.sql', '3_e.up.sql'], file: (e) => `/g/${e}` },
      { runner: 'diesel', folder: '/d', entries: ['2017-10-06-234455_a', '20170305095748_b', '20171006234455_c', '2014-01-01-000000_d', '20260101000000_e'], file: (e) => `/d/${e}/up.sql` },
      { runner: 'prisma', folder: '/p', entries: ['01_init', '02_b', '10_c', '2_d', '3_e'], file: (e) => `/p/${e}/migration.sql` },
    ];
    for (const { runner, entries, file } of sets) {
      const fs = memoryFs(Object.fromEntries(entries.map((e) => [file(e), ''])));
      const compare = runnerOrder(runner);
      const unlisted = runner === 'diesel' || runner === 'prisma' ? ['2017-10-06-234456_x', '05_x'] : ['V2_5__x.sql', '2_x.up.sql', '0_x.up.sql', 'V0__x.sql'];
      for (const name of [...entries, ...unlisted]) {
        const expected = entries.filter((e) => compare(e, name) < 0).length;
        assert.equal(earlierMigrationsIn(file(name), runner, fs).count, expected, `${runner} ${name}`);
      }
    }
  });

  it('graphile-migrate: current.sql comes after every committed migration', () => {
    const fs = memoryFs({ '/g/migrations/committed/000001.sql': '', '/g/migrations/committed/000002.sql': '', '/g/migrations/current.sql': '' });
    assert.deepEqual(earlierMigrations('/g/migrations/current.sql', 'graphile-migrate', fs), ['/g/migrations/committed/000001.sql', '/g/migrations/committed/000002.sql']);
    assert.deepEqual(earlierMigrations('/g/migrations/committed/000002.sql', 'graphile-migrate', fs), ['/g/migrations/committed/000001.sql']);
  });
});

describe('schema history', () => {
  const files = {
    '/m/1_create.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, name varchar(50));\nCREATE INDEX t_name_idx ON t (name);',
    '/m/2_widen.up.sql': 'ALTER TABLE t ALTER COLUMN name TYPE varchar(100);',
  };

  it('replays earlier migrations, so a widening is known to be safe and DROP INDEX knows its table', () => {
    const history = new SchemaHistory(memoryFs(files));
    const text = 'ALTER TABLE t ALTER COLUMN name TYPE varchar(200);\nDROP INDEX t_name_idx;';
    const schema = history.schemaBefore('/m/3_more.up.sql', text, DEFAULT_CONFIG);
    assert.equal(schema?.column('t', 'name')?.type.mods[0], 100);
    const { findings } = lintText(text, { config: DEFAULT_CONFIG, path: '/m/3_more.up.sql', schema });
    assert.deepEqual(findings.filter((f) => f.ruleId === 'type-change-rewrite'), []);
    assert.match(findings.find((f) => f.ruleId === 'require-concurrent-drop-index')!.message, /lock on t,/);
  });

  it('objects from earlier migrations are not "created in this migration"', () => {
    const history = new SchemaHistory(memoryFs(files));
    const text = 'CREATE INDEX t_id_name_idx ON t (id, name);';
    const schema = history.schemaBefore('/m/3_more.up.sql', text, DEFAULT_CONFIG);
    const { findings } = lintText(text, { config: DEFAULT_CONFIG, path: '/m/3_more.up.sql', schema });
    assert.ok(findings.some((f) => f.ruleId === 'require-concurrent-index'));
  });

  it('a run over a set asks the version of each earlier file once, not once per later file (snapshot)', () => {
    const set: Record<string, string> = {};
    for (let i = 1; i <= 200; i++) set[`/s/V${i}__t.sql`] = `CREATE TABLE t${i} (id int);`;
    const runOver = (fs: HistoryFileSystem) => {
      const history = new SchemaHistory(fs, 0, Date.now, 'latest');
      for (let i = 1; i <= 200; i++) {
        const path = `/s/V${i}__t.sql`;
        const before = history.schemaBefore(path, set[path], DEFAULT_CONFIG);
        history.record(path, before, lintText(set[path], { config: DEFAULT_CONFIG, path, schema: before }).document.catalog);
      }
      return history;
    };
    // Each step's version is read once, when the step is added; later files never ask again,
    // nor compare the paths of steps already matched against the same ordered set.
    const snapshot = runOver(snapshotFileSystem(memoryFs(set)));
    assert.equal(snapshot.stepsChecked, 0);
    assert.equal(snapshot.pathsCompared, 0);
    // A file system that may change under the editor is asked again for every step: file i checks i - 2.
    const live = runOver(memoryFs(set));
    assert.equal(live.stepsChecked, (198 * 199) / 2);
    assert.equal(live.pathsCompared, (198 * 199) / 2);
  });

  it('a snapshot run that asks about one folder under two runners gets each runner\'s own history', () => {
    // golang-migrate runs only *.up.sql; goose runs every .sql file: the two lists share their first
    // path (the same chain) but not the steps after it, so a step matched for one runner's list must
    // not be taken as matched for the other's.
    const folder = {
      '/m/1_a.up.sql': 'CREATE TABLE a (id int);',
      '/m/2_b.sql': 'CREATE TABLE b (id int);',
      '/m/3_c.up.sql': 'CREATE TABLE c (id int);',
      '/m/4_d.up.sql': 'CREATE TABLE d (id int);',
    };
    const history = new SchemaHistory(snapshotFileSystem(memoryFs(folder)), 0, Date.now, 'latest');
    const tables = (runner: 'golang-migrate' | 'goose', file: string) => {
      const schema = history.schemaBefore(file, '', { ...DEFAULT_CONFIG, runner });
      return ['a', 'b', 'c'].filter((t) => schema?.relation(t));
    };
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(tables('golang-migrate', '/m/4_d.up.sql'), ['a', 'c']);
      assert.deepEqual(tables('goose', '/m/4_d.up.sql'), ['a', 'b', 'c']);
      assert.deepEqual(tables('golang-migrate', '/m/3_c.up.sql'), ['a']);
      assert.deepEqual(tables('goose', '/m/3_c.up.sql'), ['a', 'b']);
    }
  });

  it('returns the same schema object while nothing changed, and replays again when a file changes', () => {
    const versions: Record<string, string> = {};
    const fs = memoryFs({ ...files }, versions);
    const history = new SchemaHistory(fs);
    const first = history.schemaBefore('/m/3_x.up.sql', '', DEFAULT_CONFIG);
    assert.equal(history.schemaBefore('/m/3_x.up.sql', '', DEFAULT_CONFIG), first);
    assert.equal(fs.reads.length, 2);
    versions['/m/2_widen.up.sql'] = '2';
    const second = history.schemaBefore('/m/3_x.up.sql', '', DEFAULT_CONFIG);
    assert.notEqual(second, first);
    // Only the changed file (and what follows it) is read again.
    assert.deepEqual(fs.reads.slice(2), ['/m/2_widen.up.sql']);
  });

  it('skips earlier files it cannot read, and returns undefined for the first migration', () => {
    const fs = memoryFs({ '/m/1_a.up.sql': 'CREATE TABLE a (id int);' });
    fs.readFile = () => {
      throw new Error('EACCES');
    };
    const history = new SchemaHistory(fs);
    assert.equal(history.schemaBefore('/m/1_a.up.sql', '', DEFAULT_CONFIG), undefined);
    assert.ok(history.schemaBefore('/m/2_b.up.sql', '', DEFAULT_CONFIG));
  });

  it('works on a real folder, noticing an edited earlier file through its mtime', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-history-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'V1__a.sql'), 'CREATE TABLE a (v varchar(10));');
      const history = new SchemaHistory(nodeFileSystem);
      assert.equal(history.schemaBefore(join(dir, 'V2__b.sql'), '', DEFAULT_CONFIG)?.column('a', 'v')?.type.mods[0], 10);
      writeFileSync(join(dir, 'V1__a.sql'), 'CREATE TABLE a (v varchar(20));');
      utimesSync(join(dir, 'V1__a.sql'), new Date(), new Date(Date.now() + 5000));
      assert.equal(history.schemaBefore(join(dir, 'V2__b.sql'), '', DEFAULT_CONFIG)?.column('a', 'v')?.type.mods[0], 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('schema history fed by the caller', () => {
  it('reuses the schema a lint of the previous file produced instead of replaying it', () => {
    const fs = memoryFs({ '/m/1_a.up.sql': 'CREATE TABLE a (id int);', '/m/2_b.up.sql': 'CREATE TABLE b (id int);' });
    const history = new SchemaHistory(fs);
    const before2 = history.schemaBefore('/m/2_b.up.sql', '', DEFAULT_CONFIG);
    const after2 = lintText('CREATE TABLE b (id int);', { config: DEFAULT_CONFIG, schema: before2 }).document.catalog;
    history.record('/m/2_b.up.sql', before2, after2);
    const readsBefore = fs.reads.length;
    const before3 = history.schemaBefore('/m/3_c.up.sql', '', DEFAULT_CONFIG);
    assert.equal(before3, after2);
    assert.equal(fs.reads.length, readsBefore, 'no earlier file was read again');
  });
});

describe("schema history that keeps only each set's latest schema (the CLI's one pass)", () => {
  const set: Record<string, string> = {};
  for (let i = 1; i <= 40; i++) set[`/m/${i}_s.up.sql`] = `CREATE TABLE t${i} (id int);\nALTER TABLE t${i - 1} ADD COLUMN c${i} int;`;
  const lintInOrder = (history: SchemaHistory) =>
    Object.keys(set).map((path) => {
      const before = history.schemaBefore(path, set[path], DEFAULT_CONFIG);
      const { document } = lintText(set[path], { config: DEFAULT_CONFIG, path, schema: before });
      history.record(path, before, document.catalog);
      return before;
    });

  it('answers like the keep-everything history, and replays each earlier file once in runner order', () => {
    const fs = memoryFs(set);
    const latest = lintInOrder(new SchemaHistory(fs, 0, Date.now, 'latest'));
    const all = lintInOrder(new SchemaHistory(memoryFs(set)));
    const shape = (c: Catalog | undefined) => c?.allRelations().map((r) => `${r.name}(${[...r.columns.keys()].join(',')})`);
    assert.deepEqual(latest.map(shape), all.map(shape));
    assert.equal(latest[39]?.column('t38', 'c39')?.name, 'c39');
    assert.deepEqual(fs.reads, [], 'every earlier schema came from the lint of the file before');
  });

  it('takes the version the CLI read with each file: a snapshot never stats it again, a live file system always does', () => {
    const run = (fs: HistoryFileSystem, version: string | undefined) => {
      const history = new SchemaHistory(fs, 0, Date.now, 'latest');
      for (const path of Object.keys(set)) {
        const before = history.schemaBefore(path, set[path], DEFAULT_CONFIG);
        history.record(path, before, lintText(set[path], { config: DEFAULT_CONFIG, path, schema: before }).document.catalog, version);
      }
    };
    const counting = () => {
      const inner = memoryFs(set);
      const fs = { ...inner, asked: 0 };
      fs.version = (p: string) => (fs.asked++, inner.version(p));
      return fs;
    };
    const given = counting();
    run(snapshotFileSystem(given), '1');
    assert.equal(given.asked, 0, 'no version asked of the file system');
    assert.deepEqual(given.reads, [], 'and every earlier schema still came from the lint before (the versions matched)');
    const notGiven = counting();
    run(snapshotFileSystem(notGiven), undefined);
    assert.equal(notGiven.asked, 40, 'once per file without it');
    // The editor's file system may change: a version given is not trusted over the file's own.
    const live = counting();
    run(live, 'stale');
    assert.deepEqual(live.reads, [], 'the live version ("1") decided, not "stale"');
    assert.ok(live.asked >= 40);
  });

  it('keeps no per-file answers, and still answers an earlier file asked for again (by replaying)', () => {
    const fs = memoryFs(set);
    const history = new SchemaHistory(fs, 0, Date.now, 'latest');
    lintInOrder(history);
    assert.ok(history.size() <= 16, `kept ${history.size()} per-file entries`);
    const again = history.schemaBefore('/m/3_s.up.sql', set['/m/3_s.up.sql'], DEFAULT_CONFIG);
    assert.deepEqual(again?.allRelations().map((r) => r.name), ['t1', 't2']);
    assert.deepEqual(fs.reads, ['/m/1_s.up.sql', '/m/2_s.up.sql']);
  });
});

describe('schema history asked a little out of the runner order (the CLI lints in path order)', () => {
  // Diesel runs `2026-05-27-120000_a` before `2026-05-27-120000-0000_b` (dashes removed, the shorter
  // version first); the CLI's path order lints `…-0000_b` first. crates.io has such a pair.
  const set: Record<string, string> = {};
  for (let i = 10; i < 40; i++) set[`/d/2026-05-01-0000${i}_t${i}/up.sql`] = `CREATE TABLE t${i} (id int);`;
  set['/d/2026-05-27-120000-0000_b/up.sql'] = 'ALTER TABLE a ADD COLUMN b int;';
  set['/d/2026-05-27-120000_a/up.sql'] = 'CREATE TABLE a (id int);';
  set['/d/2026-05-28-000000_c/up.sql'] = 'ALTER TABLE a ADD COLUMN c int;';
  const config = { ...DEFAULT_CONFIG, runner: 'diesel' as const };
  const shape = (c: Catalog | undefined) => c?.allRelations().map((r) => `${r.name}(${[...r.columns.keys()].join(',')})`);

  it('replays only the file not linted yet, not the whole set again, and answers as a fresh history does', () => {
    const fs = memoryFs(set);
    const history = new SchemaHistory(snapshotFileSystem(fs), 0, Date.now, 'latest');
    const answers = Object.keys(set).map((path) => {
      const before = history.schemaBefore(path, set[path], config);
      history.record(path, before, lintText(set[path], { config, path, schema: before }).document.catalog);
      return before;
    });
    // `…-0000_b` runs after `_a`, which is not linted yet: `_a` is replayed, once; nothing else is.
    assert.deepEqual(fs.reads, ['/d/2026-05-27-120000_a/up.sql']);
    const fresh = Object.keys(set).map((path) => new SchemaHistory(memoryFs(set)).schemaBefore(path, set[path], config));
    assert.deepEqual(answers.map(shape), fresh.map(shape));
    assert.deepEqual(shape(answers.at(-1))?.filter((r) => r.startsWith('a(')), ['a(id,b)']);
  });
});

describe('schema history in the editor, a file linted after a later one was asked for', () => {
  it("takes the editor's lint of the file (its unsaved text) over the file's replayed step", () => {
    const set = { '/m/1_a.up.sql': 'CREATE TABLE a (id int);', '/m/2_b.up.sql': 'CREATE TABLE b (id int);' };
    const history = new SchemaHistory(memoryFs(set));
    assert.ok(history.schemaBefore('/m/3_c.up.sql', '', DEFAULT_CONFIG)?.relation('b'));
    const before2 = history.schemaBefore('/m/2_b.up.sql', '', DEFAULT_CONFIG);
    const edited = 'CREATE TABLE b (id int);\nCREATE TABLE b_unsaved (id int);';
    history.record('/m/2_b.up.sql', before2, lintText(edited, { config: DEFAULT_CONFIG, schema: before2 }).document.catalog);
    assert.ok(history.schemaBefore('/m/3_c.up.sql', '', DEFAULT_CONFIG)?.relation('b_unsaved'));
  });
});

describe('trace order of Diesel migrations', () => {
  it('replays them as Diesel runs them (dashes removed), leaving other files in place', () => {
    const paths = ['/d/2017-10-06-234455_new/up.sql', '/d/20141001190227_old/up.sql', '/d/20170305095748_mid/up.sql', '/other/V1__a.sql'];
    assert.deepEqual(inRunnerLintOrder(paths.map((absolutePath) => ({ absolutePath })), () => DEFAULT_CONFIG).map((f) => f.absolutePath), [
      '/d/20141001190227_old/up.sql', '/d/20170305095748_mid/up.sql', '/d/2017-10-06-234455_new/up.sql', '/other/V1__a.sql',
    ]);
  });

  it('leaves them in path order where the config names another runner', () => {
    const paths = ['/d/2017-10-06-234455_new/up.sql', '/d/20141001190227_old/up.sql'];
    const files = paths.map((absolutePath) => ({ absolutePath }));
    assert.deepEqual(inRunnerLintOrder(files, () => ({ ...DEFAULT_CONFIG, runner: 'golang-migrate' })).map((f) => f.absolutePath), paths);
  });
});
