/**
 * The connected server's version sets the PostgreSQL version for the lock model: the same
 * migration estimated against real PostgreSQL 14 and 18 gets different locks. (The LSP suite,
 * test/lsp/estimate.test.ts, shows the same for rule findings in the editor.)
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine, lintText } from '../../server/src/engine';
import { ORACLE_VERSIONS, sharedCluster } from '../support/pgCluster';
import { appClient, dropDatabase, estimateOn, freshDatabase } from './estimateFixtures';

const DB = 'lockstep_estimate_version';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, note text); DO $$ BEGIN CREATE ROLE lockstep_reporting_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$;';

describe('server version detection', function () {
  this.timeout(60_000);
  before(() => initEngine());

  for (const version of ORACLE_VERSIONS) {
    it(`PostgreSQL ${version}: the estimate uses the server's version, whatever the config says`, async () => {
      const cluster = await sharedCluster(version);
      await freshDatabase(cluster, DB, SETUP);
      const holder = await appClient(cluster, DB, 'schema-change');
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
        const configured = version === 14 ? 18 : 14;
        const report = await estimateOn(cluster, DB, 'GRANT SELECT ON orders TO lockstep_reporting_role;', { pgVersion: configured });
        assert.equal(report.server.major, version);
        assert.equal(report.pgVersion, version);
        assert.equal(report.configuredPgVersion, configured);
        assert.match(report.notes[0], new RegExp(`Analysed for PostgreSQL ${version}, the server's version, instead of ${configured}`));
        if (version >= 18) {
          // 18 takes ACCESS SHARE on the table while updating its ACL (12–17 do not, as the lock oracle observes): it would queue behind the holder.
          const [grant] = report.statements;
          assert.deepEqual(grant.relations.map((r) => [r.relation, r.mode]), [['orders', 'AccessShareLock']]);
          assert.equal(grant.relations[0].waitsFor[0].application, 'schema-change');
        } else {
          assert.deepEqual(report.statements, [], 'before 18, GRANT takes no table lock, so nothing waits');
        }
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
        await dropDatabase(cluster, DB);
      }
    });
  }

  it('the same GRANT, linted offline for each version, agrees with what the servers did', () => {
    const locks = (pgVersion: number) =>
      lintText('GRANT SELECT ON orders TO r;', { config: { ...DEFAULT_CONFIG, pgVersion } }).document.statements[0].locks.effects.map((e) => e.mode);
    assert.deepEqual(locks(14), []);
    assert.deepEqual(locks(18), ['AccessShareLock']);
  });
});
