import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRunner } from '../../../server/src/document/runner';
import { keepProjectFactsForTheRun, projectFactsCacheSize, readProjectFacts } from '../../../server/src/document/projectFacts';
import { lint } from '../../support/lint';

describe('runner detection', () => {
  const byPath: Array<[string, string]> = [
    ['db/migration/V1__init.sql', 'flyway'],
    ['db/migration/V2_1__add_index.sql', 'flyway'],
    ['R__views.sql', 'flyway'],
    ['migrations/000003_add_index.up.sql', 'golang-migrate'],
    ['migrations/20240101_x.down.sql', 'golang-migrate'],
    ['migrations/2019-02-26-002946_create_user/up.sql', 'diesel'],
    ['migrations/2019-02-26-002946_create_user/down.sql', 'diesel'],
    ['sqitch/deploy/add_users.sql', 'sqitch'],
    ['schema/001_init.sql', 'plain'],
  ];
  for (const [path, runner] of byPath) {
    it(`${path} → ${runner}`, () => assert.equal(detectRunner(path, [], 'auto'), runner));
  }

  it('markers win over the file name, and config wins over both', async () => {
    assert.equal((await lint('-- +goose Up\nSELECT 1;', { path: 'V1__x.sql' })).document.runner, 'goose');
    assert.equal((await lint('-- migrate:up\nSELECT 1;')).document.runner, 'dbmate');
    assert.equal((await lint('-- +goose Up\nSELECT 1;', { config: { runner: 'flyway' } })).document.runner, 'flyway');
  });
});

describe('transactions', () => {
  const inTx = async (sql: string, path?: string, transaction?: 'auto' | 'always' | 'never') =>
    (await lint(sql, { path, config: transaction ? { transaction } : {} })).document.statements.map((s) => s.inTransaction);

  it('follows explicit BEGIN … COMMIT in a plain file', async () => {
    assert.deepEqual(await inTx('SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;'), [false, true, true, true, false]);
  });

  it('knows which runners wrap a file', async () => {
    assert.deepEqual(await inTx('SELECT 1;', 'V1__x.sql'), [true]);
    assert.deepEqual(await inTx('SELECT 1;', 'x/up.sql'), [true]);
    assert.deepEqual(await inTx('SELECT 1;', '1_x.up.sql'), [false]);
    assert.deepEqual(await inTx('SELECT 1; SELECT 2;', '1_x.up.sql'), [true, true]);
    assert.deepEqual(await inTx('-- +goose Up\nSELECT 1;'), [true]);
    assert.deepEqual(await inTx('-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;'), [false]);
    assert.deepEqual(await inTx('-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\nSELECT 2;'), [false, true]);
  });

  it('Flyway runs a script of only non-transactional statements outside a transaction', async () => {
    assert.deepEqual(await inTx('CREATE INDEX CONCURRENTLY i ON t (c);', 'V1__x.sql'), [false]);
    assert.deepEqual(await inTx('CREATE INDEX CONCURRENTLY i ON t (c); SELECT 1;', 'V1__x.sql'), [true, true]);
  });

  it('config overrides the runner default', async () => {
    assert.deepEqual(await inTx('SELECT 1;', 'V1__x.sql', 'never'), [false]);
    assert.deepEqual(await inTx('SELECT 1;', 'plain.sql', 'always'), [true]);
  });

  it('groups statements of one transaction under one id', async () => {
    const { document } = await lint('BEGIN; SELECT 1; COMMIT; BEGIN; SELECT 2; COMMIT;');
    const ids = document.statements.map((s) => s.transactionId);
    assert.equal(ids[1], ids[0]);
    assert.notEqual(ids[4], ids[1]);
  });
});

describe('document model', () => {
  it('records what the migration created, and when', async () => {
    const { document } = await lint('CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\nCREATE VIEW v AS SELECT 1;');
    assert.deepEqual([...document.createdAt], [['a', [0]], ['a_id', [1]], ['v', [2]]]);
  });

  it('a down section does not see what the up section created', async () => {
    const { findings } = await lint('-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nCREATE INDEX a_id ON a (id);');
    assert.deepEqual(findings.map((f) => f.ruleId).filter((r) => r === 'require-concurrent-index'), ['require-concurrent-index']);
  });

  it('tracks lock_timeout through SET, SET LOCAL, RESET and set_config', async () => {
    const sql = [
      "SET lock_timeout = '1s';", 'SELECT 1;', 'RESET lock_timeout;', 'SELECT 2;',
      "BEGIN;", "SET LOCAL lock_timeout = '1s';", 'SELECT 3;', 'COMMIT;', 'SELECT 4;',
      "SELECT set_config('lock_timeout', '5s', false);", 'SELECT 5;', 'SET lock_timeout = 0;', 'SELECT 6;',
    ].join('\n');
    const { document } = await lint(sql);
    const after = (text: string) => document.statements.find((s) => s.text === text)!.lockTimeoutMs > 0;
    assert.deepEqual(['SELECT 1;', 'SELECT 2;', 'SELECT 3;', 'SELECT 4;', 'SELECT 5;', 'SELECT 6;'].map(after), [true, false, true, false, true, false]);
  });

  it('replays the schema so later statements see earlier ones', async () => {
    const { document } = await lint('CREATE TABLE t (id int PRIMARY KEY, v varchar(10));\nALTER TABLE t ALTER COLUMN v TYPE varchar(20);');
    assert.equal(document.catalog.column('t', 'v')?.type.mods[0], 20);
    assert.deepEqual(document.catalog.indexesOf('t'), ['t_pkey']);
  });
});

describe('runner detection: the SQL-file frameworks', () => {
  const none = { tools: [] as string[] };
  it('by path', () => {
    assert.equal(detectRunner('prisma/migrations/20240101000000_init/migration.sql', [], 'auto'), 'prisma');
    assert.equal(detectRunner('prisma/migrations/01_init/migration.sql', [], 'auto'), 'prisma');
    assert.equal(detectRunner('supabase/migrations/20240101000000_init.sql', [], 'auto'), 'supabase');
    assert.equal(detectRunner('db/migrations/committed/000001.sql', [], 'auto'), 'graphile-migrate');
    assert.equal(detectRunner('db/migrations/current.sql', [], 'auto', none), 'plain', 'current.sql alone is not enough');
    assert.equal(detectRunner('db/migrations/current.sql', [], 'auto', { ...none, graphileConfig: true }), 'graphile-migrate');
  });

  it('by the files around the migration', () => {
    assert.equal(detectRunner('m/0001_x.sql', [], 'auto', { ...none, drizzleJournal: true }), 'drizzle');
    assert.equal(detectRunner('m/20240101000000_x.sql', [], 'auto', { ...none, atlasSum: true }), 'atlas');
    assert.equal(detectRunner('m/20240101000000_x.sql', [], 'auto', { tools: ['sqlx'] }), 'sqlx');
    assert.equal(detectRunner('m/20240101000000_x.up.sql', [], 'auto', { tools: ['sqlx'] }), 'sqlx');
    assert.equal(detectRunner('m/3_x.sql', [], 'auto', { tools: ['postgres-migrations'] }), 'postgres-migrations');
    assert.equal(detectRunner('m/3_x.sql', [], 'auto', none), 'plain');
  });

  it('package.json: only runtime dependencies name the runner; the Prisma version comes from either', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-facts-'));
    try {
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { '@prisma/client': '^7.4.1' }, devDependencies: { 'postgres-migrations': '5.3.0' } }));
      const facts = readProjectFacts(join(dir, 'migrations', '1_x.sql'));
      assert.deepEqual(facts.tools, ['@prisma/client']);
      assert.deepEqual(facts.prismaVersion, [7, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('facts are per file: a second question about a file is answered from memory, its neighbour gets its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-facts-'));
    // As `lockstep lint` keeps them (no two-second freshness to run out between the questions on a busy machine).
    keepProjectFactsForTheRun();
    try {
      writeFileSync(join(dir, 'V1__a.sql'), 'SELECT 1;');
      writeFileSync(join(dir, 'V2__b.sql'), 'SELECT 1;');
      writeFileSync(join(dir, 'V2__b.sql.conf'), 'executeInTransaction=false\n');
      const first = readProjectFacts(join(dir, 'V1__a.sql'));
      const second = readProjectFacts(join(dir, 'V2__b.sql'));
      assert.equal(first.flywayExecuteInTransaction, undefined);
      assert.equal(second.flywayExecuteInTransaction, false);
      assert.equal(readProjectFacts(join(dir, 'V1__a.sql')), first, 'the same answer, not read again');
      assert.equal(readProjectFacts(join(dir, 'V2__b.sql')).flywayExecuteInTransaction, false);
    } finally {
      keepProjectFactsForTheRun(false);
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a run over 30,000 files of one folder lists the folder once and caches nothing per file with the folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-facts-'));
    keepProjectFactsForTheRun();
    // The module object itself: projectFacts.ts reads `readdirSync` from it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as { readdirSync: (...args: unknown[]) => unknown };
    const readdir = fs.readdirSync;
    let listings = 0;
    try {
      writeFileSync(join(dir, 'V2__step.sql.conf'), 'executeInTransaction=false\n');
      fs.readdirSync = (...args: unknown[]) => {
        if (args[0] === dir) listings++;
        return readdir(...args);
      };
      const before = projectFactsCacheSize();
      let plain = 0;
      for (let i = 1; i <= 30_000; i++) {
        const facts = readProjectFacts(join(dir, `V${i}__step.sql`));
        if (facts.flywayExecuteInTransaction === undefined && !facts.drizzleJournal && !facts.atlasSum) plain++;
      }
      // The folder's own facts and its listing, whatever the number of files (it was two entries per file).
      assert.ok(projectFactsCacheSize() - before <= 8, `${projectFactsCacheSize() - before} entries added`);
      assert.equal(listings, 1);
      assert.equal(plain, 29_999);
      assert.equal(readProjectFacts(join(dir, 'V2__step.sql')).flywayExecuteInTransaction, false);
      assert.deepEqual(Object.keys(readProjectFacts(join(dir, 'V3__c.sql'))), ['tools', 'flywayExecuteInTransaction', 'drizzleJournal', 'atlasSum']);
    } finally {
      fs.readdirSync = readdir;
      keepProjectFactsForTheRun(false);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
