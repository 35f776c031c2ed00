/**
 * "Split into phases" on real PostgreSQL: the rename-column migration done the wrong way, split for
 * each runner, every generated file applied in order the way that runner applies it, on a table with
 * rows. The end state is the rename done right, and every phase file lints clean. Also checks that
 * the runner emulation refuses what the runners refuse, so the fix tests can fail.
 */
import { strict as assert } from 'node:assert';
import { basename } from 'node:path';
import type { RunnerId } from '../../server/src/config/types';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../server/src/engine';
import { ONE_STATEMENT_OUTSIDE } from '../../server/src/fixes/migrationFiles';
import { splitMigration } from '../../server/src/split/plan';
import { ORACLE_VERSIONS, sharedCluster } from '../support/pgCluster';
import { applyAll, applyMigration } from './fixes/runners';
import { NOW, freshDatabase, notNull, one } from './fixes/scenario';

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';
const ROWS = "INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 5000) g;";
const RENAME = [
  'ALTER TABLE users ADD COLUMN email_address text;',
  'UPDATE users SET email_address = email;',
  'ALTER TABLE users ALTER COLUMN email_address SET NOT NULL;',
  'CREATE INDEX users_email_address_idx ON users (email_address);',
  'ALTER TABLE users DROP COLUMN email;',
].join('\n');

const CASES: Array<{ runner: RunnerId; path: string; text: string }> = [
  { runner: 'plain', path: '/m/0002_rename_email.sql', text: RENAME },
  { runner: 'goose', path: '/m/20240101120000_rename_email.sql', text: `-- +goose Up\n${RENAME}\n\n-- +goose Down\nSELECT 1;\n` },
  { runner: 'dbmate', path: '/m/20240101120000_rename_email.sql', text: `-- migrate:up\n${RENAME}\n\n-- migrate:down\n` },
  { runner: 'golang-migrate', path: '/m/000002_rename_email.up.sql', text: RENAME },
  { runner: 'flyway', path: '/m/V2__rename_email.sql', text: RENAME },
  { runner: 'diesel', path: '/m/2024-01-01-120000_rename_email/up.sql', text: RENAME },
];

describe('split into phases on real PostgreSQL', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(180_000);
    await Promise.all([initEngine(), ...ORACLE_VERSIONS.map((v) => sharedCluster(v))]);
  });

  for (const version of ORACLE_VERSIONS) {
    describe(`PostgreSQL ${version}`, () => {
      for (const c of CASES) {
        it(`${c.runner}: the rename done the wrong way, split, applies in order and ends renamed with every row kept`, async () => {
          const config = { ...DEFAULT_CONFIG, pgVersion: version };
          const split = splitMigration({ text: c.text, path: c.path, config, schema: catalogFromSql(SETUP, config), folder: { siblings: [], now: NOW } });
          assert.ok(split.ok, split.ok ? '' : split.reason);
          assert.ok(split.files.length >= 3, `phases: ${split.files.map((f) => basename(f.path)).join(', ')}`);
          const migrations = split.files.map((f) => ({ path: f.path, text: f.text, companions: f.companions }));
          const client = await freshDatabase(await sharedCluster(version));
          try {
            await client.query(SETUP);
            await client.query(ROWS);
            await applyAll(client, c.runner, migrations);
            const r = await one<{ n: string; missing: string; wrong: string }>(
              client,
              "SELECT count(*) AS n, count(*) FILTER (WHERE email_address IS NULL) AS missing, count(*) FILTER (WHERE email_address <> 'u' || id || '@example.com') AS wrong FROM users",
            );
            assert.deepEqual(r, { n: '5000', missing: '0', wrong: '0' });
            assert.equal(await notNull(client, 'users', 'email_address'), true);
            assert.equal((await one<{ n: string }>(client, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'")).n, '0');
            assert.equal((await one<{ indisvalid: boolean }>(client, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_address_idx'::regclass")).indisvalid, true);
          } finally {
            await client.end();
          }
          // Lint-clean, each file against the schema the earlier ones leave (except the lone build where the runner
          // runs a file as one query string: the DROP guard cannot share its file, see test/unit/split).
          let schema = catalogFromSql(SETUP, config);
          for (const f of split.files) {
            const outside = f.companions.some((x) => /executeInTransaction=false|run_in_transaction = false/.test(x.text));
            const linted = lintText(f.text, { path: f.path, config: outside ? { ...config, transaction: 'never' } : config, schema });
            const left = linted.findings.filter((x) => !(ONE_STATEMENT_OUTSIDE.has(c.runner) && x.ruleId === 'missing-if-exists'));
            assert.deepEqual(left.map((x) => `${x.ruleId}: ${x.message}`), [], `${basename(f.path)} lints clean:\n${f.text}`);
            schema = linted.document.catalog;
          }
        });
      }

      it('the runner emulation refuses what the runners refuse (so these tests can fail)', async () => {
        const client = await freshDatabase(await sharedCluster(version));
        try {
          await client.query(SETUP);
          const build = 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);';
          await assert.rejects(applyMigration(client, 'goose', { path: 'g.sql', text: `-- +goose Up\n${build}\n` }), /cannot run inside a transaction block/);
          await assert.rejects(applyMigration(client, 'golang-migrate', { path: '1_x.up.sql', text: `SELECT 1;\n${build}` }), /cannot run inside a transaction block|pipeline/);
          await assert.rejects(applyMigration(client, 'dbmate', { path: 'd.sql', text: `-- migrate:up transaction:false\nSELECT 1;\n${build}\n` }), /cannot run inside a transaction block|pipeline/);
          await applyMigration(client, 'goose', { path: 'g.sql', text: `-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n${build}\n` });
        } finally {
          await client.end();
        }
      });
    });
  }
});
