/**
 * Dependent objects from a connected database (PostgreSQL 18) are the same ones the schema
 * history finds, and the blockers PLAN.md reports are real: the plan's contract fails on them.
 * Views over a renamed or dropped column are re-created by the plan: they keep answering the same
 * rows through every step and every rollback, with a reader on them the whole time.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { schemaFromDatabase } from '../../server/src/scaffold/dbSchema';
import { dependencyFindings } from '../../server/src/scaffold/dependencies';
import { scaffold } from '../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../server/src/scaffold/schema';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { DEPENDENT_SCHEMA } from '../unit/scaffold/dependentSchema';
import { applyMigration } from './scaffold/runnerExec';
import { PlanStepper } from './scaffold/stepper';

const DB = 'scaffold_dependencies';

describe('scaffold: dependent objects on a real database (PostgreSQL 18)', function () {
  this.timeout(120_000);
  let cluster: PgCluster;

  before(async () => {
    await initEngine();
    cluster = await sharedCluster(18);
    const admin = await cluster.client();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
  });

  after(async () => {
    const admin = await cluster.client();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  });

  it('finds the same objects as the history, and the rename-column contract really fails on them', async () => {
    const client = await cluster.client(DB);
    try {
      await client.query(DEPENDENT_SCHEMA);
      await client.query(`INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 50) g`);
      const change = { action: 'rename-column' as const, table: 'users', column: 'email', to: 'email_address' };
      const fromDb = await schemaFromDatabase(client);
      const names = (deps: typeof fromDb.dependents) => dependencyFindings(deps, change).map((f) => `${f.severity} ${f.object.kind} ${f.object.name}`).sort();
      assert.deepEqual(names(fromDb.dependents), names(schemaFromSql(DEPENDENT_SCHEMA, DEFAULT_CONFIG).dependents));
      assert.equal(names(fromDb.dependents).length, 7);

      const result = scaffold({ kind: 'rename-column', args: { table: 'users', column: 'email', to: 'email_address' }, schema: fromDb, runner: 'plain', migrationsDir: 'm', existing: [], options: { pgVersion: 18, pauseMs: 0 } });
      const stats = { lockTimeoutRetries: 0, notices: [] as string[] };
      let failure = '';
      for (const m of result.migrations) {
        try {
          await applyMigration(client, 'plain', result.files, m, 'up', stats);
        } catch (err) {
          failure = `${m.migration.name}: ${(err as Error).message}`;
          break;
        }
      }
      assert.match(failure, /^contract: .*cannot drop column email of table users because other objects depend on it/);
    } finally {
      await client.end();
    }
  });

  const VIEWS = `CREATE TABLE users (id bigserial PRIMARY KEY, username text, tier int NOT NULL DEFAULT 1);
CREATE TABLE teams (id bigint PRIMARY KEY, username text);
CREATE VIEW user_names AS SELECT u.id, u.username, upper(u.username) AS shout, t.username AS team_user FROM users u LEFT JOIN teams t ON t.id = u.id WHERE u.username IS NOT NULL;
CREATE VIEW user_name_count AS SELECT count(*) AS n, count(username) AS named FROM user_names;`;
  const VIEWS_SEED = `INSERT INTO users (username, tier) SELECT CASE WHEN g % 7 = 0 THEN NULL ELSE 'user' || g END, g % 3 FROM generate_series(1, 3000) g;
INSERT INTO teams SELECT g, 'team' || g FROM generate_series(1, 3000, 5) g;
CREATE MATERIALIZED VIEW user_initials AS SELECT id, left(username, 1) AS initial FROM users;
CREATE UNIQUE INDEX user_initials_id ON user_initials (id);`;
  const ANSWERS = `SELECT (SELECT md5(string_agg(v::text, ',' ORDER BY v.id)) FROM user_names v) || (SELECT md5(string_agg(v::text, ',')) FROM user_name_count v)
    || (SELECT md5(string_agg(v::text, ',' ORDER BY v.id)) FROM user_initials v) AS answers`;

  for (const [kind, args] of [
    ['rename-column', { table: 'users', column: 'username', to: 'handle' }],
    ['drop-column', { table: 'users', column: 'username' }],
  ] as const) {
    it(`${kind}: dependent views answer the same rows through every step and every rollback`, async () => {
      const plan = await PlanStepper.create(cluster, `${DB}_views`, VIEWS, VIEWS_SEED, kind, args);
      const reader = await plan.session('view_reader');
      const answers = async (c = plan.migrator) => String((await c.query(ANSWERS)).rows[0].answers);
      const viewDefs = `SELECT string_agg(c.relname || ': ' || pg_get_viewdef(c.oid), E'\n' ORDER BY c.relname) AS defs FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace`;
      try {
        const expected = await answers();
        const before = String((await plan.migrator.query(viewDefs)).rows[0].defs);
        // A reader on the views for the whole run: any moment where they fail or answer differently shows here.
        let reads = 0;
        const problems: string[] = [];
        let stop = false;
        const loop = (async () => {
          while (!stop || reads === 0) {
            try {
              const got = await answers(reader);
              if (got !== expected) problems.push(`different answers after ${plan.applied.map((m) => m.migration.name).join(', ')}`);
            } catch (err) {
              problems.push((err as Error).message);
              break;
            }
            reads++;
          }
        })();
        const seen: string[] = [];
        for (const m of plan.result.migrations) {
          if (problems.length) break;
          await plan.up(m);
          const got = await answers();
          seen.push(`${m.migration.name} up: ${got === expected}`);
        }
        assert.match(String((await plan.migrator.query(viewDefs)).rows[0].defs), kind === 'rename-column' ? /u\.handle AS username/ : /lockstep_archive\.username/);
        while (plan.applied.length) {
          const m = plan.applied[plan.applied.length - 1];
          await plan.down(m);
          seen.push(`${m.migration.name} down: ${(await answers()) === expected}`);
        }
        stop = true;
        await loop;
        assert.deepEqual(seen.filter((s) => !s.endsWith('true')), []);
        assert.deepEqual(problems, []);
        assert.ok(reads > 0);
        // Back to the original definitions (the materialized view was re-created, so its index is the user's to put back).
        assert.equal(String((await plan.migrator.query(viewDefs)).rows[0].defs), before);
      } finally {
        await reader.end();
        await plan.close();
      }
    });
  }
});
