/**
 * An INVALID index left by a failed CONCURRENTLY build, on real PostgreSQL: the estimate reports it,
 * and estimates `CREATE INDEX CONCURRENTLY IF NOT EXISTS` of that name as the no-op PostgreSQL makes
 * of it (the index stays INVALID), not as a build.
 */
import { strict as assert } from 'node:assert';
import { initEngine } from '../../server/src/engine';
import { ORACLE_VERSIONS, sharedCluster } from '../support/pgCluster';
import { dropDatabase, estimateOn, freshDatabase } from './estimateFixtures';

const DB = 'lockstep_estimate_invalid_index';
const SETUP = `
  CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
  INSERT INTO accounts SELECT g, 'dup@example.com' FROM generate_series(1, 2000) g;
`;
const RETRY = 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key ON accounts (email);';

describe('estimate: an INVALID index left by a failed CONCURRENTLY build', function () {
  this.timeout(60_000);
  before(() => initEngine());

  for (const version of ORACLE_VERSIONS) {
    it(`PostgreSQL ${version}: reports it, and estimates IF NOT EXISTS over it as a no-op that leaves it INVALID`, async () => {
      const cluster = await sharedCluster(version);
      await freshDatabase(cluster, DB, SETUP);
      const client = await cluster.client(DB);
      try {
        // Duplicates make the unique build fail after its catalog entry exists: PostgreSQL leaves it INVALID.
        await assert.rejects(client.query('CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email)'), /could not create unique index/);
        const validity = async () => (await client.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_key'::regclass")).rows[0].indisvalid;
        assert.equal(await validity(), false);

        const report = await estimateOn(cluster, DB, RETRY);
        assert.ok(report.notes.some((n) => n.startsWith('accounts has an INVALID index accounts_email_key')), JSON.stringify(report.notes));
        const [stmt] = report.statements;
        assert.deepEqual(stmt.work, [], 'no build is estimated');
        assert.equal(stmt.seconds, 0);
        assert.ok(stmt.notes.some((n) => /INVALID index named accounts_email_key .*stays INVALID/.test(n)), JSON.stringify(stmt.notes));
        assert.equal(report.relations.find((r) => r.name === 'accounts')!.indexes.find((i) => i.name === 'accounts_email_key')!.valid, false);

        // What the estimate claims is what PostgreSQL does: the retry succeeds without building, and the index stays INVALID.
        await client.query(RETRY);
        assert.equal(await validity(), false);
      } finally {
        await client.end();
        await dropDatabase(cluster, DB);
      }
    });
  }
});
