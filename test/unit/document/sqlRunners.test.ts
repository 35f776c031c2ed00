/**
 * The SQL-file runners, on fixture projects written in each runner's conventions
 * (test/fixtures/frameworks/<runner>/): detection from the files around the migration, the
 * transaction model, findings at exact positions, and the fix in the runner's own idiom.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../../server/src/config/types';
import { hoverAt, initEngine, lintText, type LintResult } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { readMigrationFolder } from '../../../server/src/fixes/folder';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import type { Fix } from '../../../server/src/fixes/types';
import { SchemaHistory } from '../../../server/src/history/schemaHistory';
import { findMigrationFolders } from '../../../server/src/init/initProject';

const FIXTURES = resolve(__dirname, '../../fixtures/frameworks');
const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));

interface Linted {
  path: string;
  text: string;
  result: LintResult;
  config: LockstepConfig;
}

async function lintFixture(rel: string, extra: Partial<LockstepConfig> = {}): Promise<Linted> {
  await initEngine();
  const path = join(FIXTURES, rel);
  const text = readFileSync(path, 'utf8');
  const config = { ...DEFAULT_CONFIG, ...extra };
  const schema = new SchemaHistory().schemaBefore(path, text, config);
  return { path, text, config, result: lintText(text, { path, config, schema }) };
}

/** `line:column` (1-based) of each finding of `ruleId`, with the text it underlines. */
function where(l: Linted, ruleId: string): string[] {
  return l.result.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => {
      const before = l.text.slice(0, f.span.start).split('\n');
      return `${before.length}:${before[before.length - 1].length + 1} ${l.text.slice(f.span.start, f.span.end)}`;
    });
}

/** Each statement's transaction: `T` the runner's block, `I` PostgreSQL's implicit one, `-` none; with its id. */
function model(l: Linted): string {
  return l.result.document.statements.map((s) => (s.inTransaction ? (s.implicitTransaction ? 'I' : 'T') + s.transactionId : '-')).join(' ');
}

function fixes(l: Linted, ruleId: string): Fix[] {
  const finding = l.result.findings.find((f) => f.ruleId === ruleId)!;
  const stmt = l.result.document.statements[finding.statementIndex!];
  const folder = readMigrationFolder(l.path, l.result.document.runner, NOW);
  return fixesFor({ text: l.text, result: l.result, finding, stmt, config: l.config, path: l.path, folder }, { withoutIgnores: true });
}

const CIC = 'concurrent-in-transaction';

describe('SQL runners on fixture projects', () => {
  it('Prisma Migrate (before 7.4): migration.sql is one query, so two statements share an implicit transaction', async () => {
    const bad = await lintFixture('prisma/prisma/migrations/20240201000000_orders_user_index/migration.sql');
    assert.equal(bad.result.document.runner, 'prisma');
    assert.equal(model(bad), 'I0 I0');
    assert.deepEqual(where(bad, CIC), ['3:1 CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders"("user_id");']);
    assert.match(bad.result.findings.find((f) => f.ruleId === CIC)!.message, /Prisma Migrate sends this migration to the server as one query string/);
    assert.match(hoverAt(bad.result, bad.text.indexOf('CREATE INDEX'), bad.config)!, /Prisma Migrate · inside an implicit transaction \(the file is sent as one query\)/);
    const [fix] = fixes(bad, CIC);
    assert.equal(applyEdits(bad.text, fix.edits), "-- Dangerous: two statements, so Prisma before 7.4 sends them as one query (one implicit transaction).\nSET lock_timeout = '2s';\n");
    assert.deepEqual(fix.files.map((f) => [f.path.slice(FIXTURES.length), f.text]), [
      ['/prisma/prisma/migrations/20240601120000_create_index_concurrently/migration.sql', 'CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders"("user_id");\n'],
    ]);

    const good = await lintFixture('prisma/prisma/migrations/20240301000000_orders_note_index/migration.sql');
    assert.equal(model(good), '-');
    assert.deepEqual(where(good, CIC), []);
  });

  it('Prisma Migrate 7.4 and later run each statement on its own (prisma-engines #5767)', async () => {
    const path = join(FIXTURES, 'prisma/prisma/migrations/20240201000000_orders_user_index/migration.sql');
    const text = readFileSync(path, 'utf8');
    const result = lintText(text, { path, config: DEFAULT_CONFIG, facts: { tools: [], prismaVersion: [7, 4] } });
    assert.deepEqual(result.document.statements.map((s) => s.inTransaction), [false, false]);
    assert.deepEqual(result.findings.filter((f) => f.ruleId === CIC), []);
  });

  it('Drizzle Kit: the migrator applies every pending migration in one transaction, with no opt-out', async () => {
    const bad = await lintFixture('drizzle/drizzle/0001_orders_user_index.sql');
    assert.equal(bad.result.document.runner, 'drizzle');
    assert.equal(model(bad), 'T0');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders" USING btree ("user_id");']);
    assert.match(bad.result.findings[0].message, /run it outside the Drizzle migrator/);
    assert.deepEqual(fixes(bad, CIC), [], 'no placement escapes the transaction: none is offered');
    const good = await lintFixture('drizzle/drizzle/0002_refunds.sql');
    assert.equal(model(good), 'T0 T0');
    assert.deepEqual(good.result.findings.map((f) => f.ruleId), []);
  });

  it('Supabase CLI: each migration file in its own transaction', async () => {
    const bad = await lintFixture('supabase/supabase/migrations/20240201000000_orders_user_index.sql');
    assert.equal(bad.result.document.runner, 'supabase');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    const good = await lintFixture('supabase/supabase/migrations/20240301000000_refunds.sql');
    assert.equal(model(good), 'T0 T0');
    assert.deepEqual(good.result.findings.map((f) => f.ruleId), []);
  });

  it('postgres-migrations: found from package.json; one transaction per file unless it says disable-transaction', async () => {
    const bad = await lintFixture('postgres-migrations/migrations/2_orders_user_index.sql');
    assert.equal(bad.result.document.runner, 'postgres-migrations');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    const [fix] = fixes(bad, CIC);
    assert.equal(fix.title, 'Run it outside the transaction (and mark the migration -- postgres-migrations disable-transaction)');
    assert.equal(applyEdits(bad.text, fix.edits), '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n');
    const good = await lintFixture('postgres-migrations/migrations/3_orders_note_index.sql');
    assert.equal(model(good), '-');
    assert.deepEqual(where(good, CIC), []);
  });

  it('graphile-migrate: current.sql after every committed migration; --! no-transaction opts out', async () => {
    const bad = await lintFixture('graphile-migrate/migrations/current.sql');
    assert.equal(bad.result.document.runner, 'graphile-migrate');
    assert.deepEqual(where(bad, CIC), ['2:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    // The committed history was replayed: orders exists, so the build is not "on a table created here".
    assert.ok(bad.result.document.catalog.column('orders', 'user_id'));
    assert.equal(applyEdits(bad.text, fixes(bad, CIC)[0].edits).split('\n')[0], '--! no-transaction');
    // A committed migration is hashed: it gets no in-place opt-out.
    const committed = lintText('CREATE INDEX CONCURRENTLY i ON orders (user_id);', { path: join(FIXTURES, 'graphile-migrate/migrations/committed/000003.sql'), config: bad.config });
    const finding = committed.findings.find((f) => f.ruleId === CIC)!;
    const offered = fixesFor({ text: 'CREATE INDEX CONCURRENTLY i ON orders (user_id);', result: committed, finding, stmt: committed.document.statements[0], config: bad.config, path: join(FIXTURES, 'graphile-migrate/migrations/committed/000003.sql') }, { withoutIgnores: true });
    assert.deepEqual(offered.map((f) => f.title), []);
    const good = await lintFixture('graphile-migrate/migrations/committed/000002.sql');
    assert.equal(model(good), '-');
  });

  it('Atlas: found from atlas.sum; -- atlas:txmode none (and its blank line) opts out', async () => {
    const bad = await lintFixture('atlas/migrations/20240201000000_orders_user_index.sql');
    assert.equal(bad.result.document.runner, 'atlas');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    assert.equal(applyEdits(bad.text, fixes(bad, CIC)[0].edits), '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n');
    const good = await lintFixture('atlas/migrations/20240301000000_orders_note_index.sql');
    assert.equal(model(good), '-');
  });

  it('Liquibase formatted SQL: one transaction per changeset, runInTransaction:false opts one out', async () => {
    const l = await lintFixture('liquibase/db/changelog.sql');
    assert.equal(l.result.document.runner, 'liquibase');
    assert.equal(model(l), 'T0 T1 -', 'each changeset its own transaction');
    assert.deepEqual(where(l, CIC), ['8:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    assert.equal(applyEdits(l.text, fixes(l, CIC)[0].edits).split('\n')[6], '--changeset alice:2 runInTransaction:false');
  });

  it('Liquibase: splitStatements:false sends the changeset as one statement string (one implicit transaction)', async () => {
    await initEngine();
    const sql = '--liquibase formatted sql\n--changeset a:1 runInTransaction:false splitStatements:false\nCREATE INDEX CONCURRENTLY a ON t (x);\nCREATE INDEX CONCURRENTLY b ON t (y);\n';
    const result = lintText(sql, { config: DEFAULT_CONFIG });
    assert.deepEqual(result.document.statements.map((s) => [s.inTransaction, s.implicitTransaction]), [[true, true], [true, true]]);
  });

  it('sqlx: found from Cargo.toml; -- no-transaction on the first line opts out', async () => {
    const bad = await lintFixture('sqlx/migrations/20240201000000_orders_user_index.sql');
    assert.equal(bad.result.document.runner, 'sqlx');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    assert.equal(applyEdits(bad.text, fixes(bad, CIC)[0].edits), '-- no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n');
    const good = await lintFixture('sqlx/migrations/20240301000000_orders_note_index.sql');
    assert.equal(model(good), '-');
  });

  it('Flyway: the script config V3__x.sql.conf with executeInTransaction=false is read', async () => {
    const bad = await lintFixture('flyway/sql/V2__orders_user_index.sql');
    assert.equal(model(bad), 'T0 T0');
    assert.deepEqual(where(bad, CIC), ['2:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    const [conf] = fixes(bad, CIC);
    assert.equal(conf.title, 'Run it outside the transaction (and add V2__orders_user_index.sql.conf: executeInTransaction=false)');
    assert.deepEqual(conf.files.map((f) => [f.path.slice(FIXTURES.length), f.text]), [['/flyway/sql/V2__orders_user_index.sql.conf', 'executeInTransaction=false\n']]);
    const good = await lintFixture('flyway/sql/V3__orders_note_index.sql');
    assert.equal(model(good), '- -');
    assert.deepEqual(where(good, CIC), []);
  });

  it('Diesel: metadata.toml with run_in_transaction = false is read', async () => {
    const bad = await lintFixture('diesel/migrations/2024-02-01-000000_orders_user_index/up.sql');
    assert.deepEqual(where(bad, CIC), ['1:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);']);
    const [companion, moved] = fixes(bad, CIC);
    assert.equal(companion.title, 'Run it outside the transaction (and add metadata.toml: run_in_transaction = false)');
    assert.deepEqual(companion.edits, []);
    assert.deepEqual(companion.files.map((f) => [f.path.slice(FIXTURES.length), f.text]), [
      ['/diesel/migrations/2024-02-01-000000_orders_user_index/metadata.toml', 'run_in_transaction = false\n'],
    ]);
    assert.deepEqual(moved.files.map((f) => [f.path.slice(FIXTURES.length), f.text]), [
      ['/diesel/migrations/2024-06-01-120000_create_index_concurrently/up.sql', 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n'],
      ['/diesel/migrations/2024-06-01-120000_create_index_concurrently/down.sql', '-- Nothing to undo.\n'],
      ['/diesel/migrations/2024-06-01-120000_create_index_concurrently/metadata.toml', 'run_in_transaction = false\n'],
    ]);
    const good = await lintFixture('diesel/migrations/2024-03-01-000000_orders_note_index/up.sql');
    assert.equal(model(good), '-');
  });

  it('dbmate: a transaction:false section of several statements is one query, so one implicit transaction', async () => {
    const bad = await lintFixture('dbmate/db/migrations/20240201000000_two_indexes.sql');
    assert.equal(model(bad), 'I0 I0 T1 T1');
    assert.deepEqual(where(bad, CIC), [
      '2:1 CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      '3:1 CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);',
    ]);
    // Recent dbmate runs each `-- migrate:up` section of a file with its own Exec: one statement per section works.
    const sections = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY a ON orders (user_id);\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY b ON orders (note);\n-- migrate:down\nSELECT 1;\n';
    const split = lintText(sections, { config: DEFAULT_CONFIG });
    assert.deepEqual(split.document.statements.map((s) => s.inTransaction), [false, false, true]);
    assert.deepEqual(split.findings.filter((f) => f.ruleId === CIC), []);
    const good = await lintFixture('dbmate/db/migrations/20240301000000_one_index.sql');
    assert.equal(model(good), '- T0');
    assert.deepEqual(where(good, CIC), []);
  });

  it('lockstep init finds each fixture set with its runner (a Prisma set is the folder of migration folders)', () => {
    const found = (dir: string) => findMigrationFolders(join(FIXTURES, dir)).map((f) => `${f.path} ${f.runner} ${f.files}`);
    assert.deepEqual(found('prisma'), ['prisma/migrations prisma 3']);
    assert.deepEqual(found('postgres-migrations'), ['migrations postgres-migrations 3']);
    assert.deepEqual(found('atlas'), ['migrations atlas 3']);
  });
});
