/**
 * Dependent objects from a connected database (PostgreSQL 18) are the same ones the schema
 * history finds, and the blockers PLAN.md reports are real: the plan's contract fails on them.
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
});
