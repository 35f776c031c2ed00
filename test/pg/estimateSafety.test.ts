/**
 * The read-only, no-harmful-lock guarantee, proven on real PostgreSQL.
 *  - The estimator's session is read-only: every write it could attempt is refused, and the
 *    server shows the safety settings on it.
 *  - While estimations run again and again against busy tables (a writer inserting and updating
 *    in a loop, and one table held under ACCESS EXCLUSIVE by a "migration"), another connection
 *    samples pg_locks as fast as it can: the lockstep backend never holds anything beyond
 *    ACCESS SHARE on a relation, never waits for a lock, never gets a transaction id (never
 *    writes), and the writer is never blocked by it.
 */
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { APPLICATION_NAME } from '../../server/src/db/session';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { appClient, dropDatabase, estimateOn, freshDatabase, openSession } from './estimateFixtures';

const DB = 'lockstep_estimate_safety';
const SETUP = `
  CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);
  INSERT INTO accounts SELECT g, g FROM generate_series(1, 20000) g;
  CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id), payload text);
  CREATE INDEX events_account_idx ON events (account_id);
  INSERT INTO events (account_id, payload) SELECT g % 20000 + 1, md5(g::text) FROM generate_series(1, 50000) g;
  CREATE TABLE archive (id bigint, note text CHECK (note <> ''));
  CREATE INDEX archive_id_idx ON archive (id);
  INSERT INTO archive SELECT g, md5(g::text) FROM generate_series(1, 10000) g;
`;
/** Touches all three tables: rewrites, index builds, validations, a DROP INDEX. */
const MIGRATION = `
  ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(20, 2);
  CREATE INDEX events_payload_idx ON events (payload);
  ALTER TABLE events ADD CONSTRAINT events_payload_ok CHECK (payload <> '') NOT VALID;
  ALTER TABLE events VALIDATE CONSTRAINT events_payload_ok;
  DROP INDEX archive_id_idx;
  ALTER TABLE archive ADD COLUMN seen boolean;
`;

interface Sample {
  locktype: string;
  /** For `object` locks: the catalog of the locked object, e.g. pg_database. */
  class: string | null;
  mode: string;
  granted: boolean;
  relation: string | null;
  virtualxid: string | null;
  own_vxid: string | null;
}

for (const version of ORACLE_VERSIONS) {
  describe(`estimator safety on PostgreSQL ${version}`, function () {
    this.timeout(120_000);
    let cluster: PgCluster;

    before(async () => {
      cluster = await sharedCluster(version);
      await freshDatabase(cluster, DB, SETUP, 'VACUUM ANALYZE');
    });
    after(() => dropDatabase(cluster, DB));

    it('runs as application_name=lockstep with read-only defaults and short timeouts', async () => {
      const session = await openSession(cluster, DB);
      const observer = await cluster.client(DB);
      try {
        const { rows } = await observer.query(`SELECT application_name FROM pg_stat_activity WHERE pid = $1`, [session.server.pid]);
        assert.deepEqual(rows, [{ application_name: APPLICATION_NAME }]);
        const client = (session as unknown as { client: pg.Client }).client;
        const settings = await client.query(
          "SELECT current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt",
        );
        assert.deepEqual(settings.rows[0], { ro: 'on', st: '3s', lt: '100ms' });
      } finally {
        await observer.end();
        await session.close();
      }
    });

    // Read-only mode does not forbid LOCK TABLE (PostgreSQL allows explicit locks in read-only
    // transactions): that is why the session only runs the named SELECTs (test/unit/db/queries.test.ts)
    // and why the sampling test below watches pg_locks rather than trusting the setting.
    it('refuses every write the estimator’s connection could attempt', async () => {
      const session = await openSession(cluster, DB);
      // Reach past the named-query API on purpose: even raw SQL on this connection cannot write.
      const client = (session as unknown as { client: pg.Client }).client;
      try {
        for (const sql of [
          'CREATE TABLE intruder (id int)',
          'INSERT INTO accounts (id) VALUES (-1)',
          'UPDATE accounts SET balance = 0 WHERE id = 1',
          'DELETE FROM events WHERE id = 1',
          'ALTER TABLE accounts ADD COLUMN x int',
          'SELECT * FROM accounts WHERE id = 1 FOR UPDATE',
          'TRUNCATE archive',
          'SELECT nextval(pg_get_serial_sequence(\'events\', \'id\'))',
        ]) {
          await assert.rejects(client.query(sql), (error: { code?: string; message: string }) => {
            assert.equal(error.code, '25006', `${sql}: ${error.message}`);
            assert.match(error.message, /read-only transaction/);
            return true;
          }, sql);
        }
      } finally {
        await session.close();
      }
      const check = await cluster.client(DB);
      try {
        const { rows } = await check.query("SELECT to_regclass('intruder') AS t, (SELECT count(*)::int FROM accounts WHERE id = -1) AS n, (SELECT balance::int FROM accounts WHERE id = 1) AS b");
        assert.deepEqual(rows[0], { t: null, n: 0, b: 1 });
      } finally {
        await check.end();
      }
    });

    it('holds nothing beyond ACCESS SHARE and never blocks a concurrent writer (pg_locks sampled during estimations)', async () => {
      const writer = await appClient(cluster, DB, 'busy-writer');
      const holder = await appClient(cluster, DB, 'long-migration');
      const sampler = await cluster.client(DB);
      const writerPid: number = (await writer.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      let running = true;
      let writes = 0;
      const samples: Sample[] = [];
      const lockstepPids = new Set<number>();
      const writerBlockedBy: number[][] = [];
      let sampleRounds = 0;

      // A "migration" holds ACCESS EXCLUSIVE on archive the whole time: the estimator must neither wait nor queue.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE archive IN ACCESS EXCLUSIVE MODE');

      const writing = (async () => {
        while (running) {
          await writer.query('INSERT INTO events (account_id, payload) VALUES ($1, md5(random()::text))', [1 + (writes % 20000)]);
          await writer.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [1 + (writes % 20000)]);
          writes++;
        }
      })();
      const sampling = (async () => {
        while (running) {
          const { rows } = await sampler.query(
            `SELECT l.pid, l.locktype, l.mode, l.granted, l.relation::regclass::text AS relation, l.virtualxid, l.classid::regclass::text AS class,
                    l.virtualtransaction AS own_vxid
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = $1`,
            [APPLICATION_NAME],
          );
          for (const row of rows) {
            lockstepPids.add(row.pid);
            samples.push(row);
          }
          const blocked = await sampler.query('SELECT pg_blocking_pids($1) AS pids', [writerPid]);
          writerBlockedBy.push(blocked.rows[0].pids);
          sampleRounds++;
        }
      })();

      const reports = [];
      try {
        for (let i = 0; i < 15; i++) reports.push(await estimateOn(cluster, DB, MIGRATION));
      } finally {
        running = false;
        await Promise.all([writing, sampling]);
        await holder.query('ROLLBACK');
        await Promise.all([writer.end(), holder.end(), sampler.end()]);
      }

      assert.ok(writes > 10, `the writer kept writing (${writes} rounds)`);
      assert.ok(sampleRounds > 20, `pg_locks was sampled often (${sampleRounds} rounds)`);
      const relationLocks = samples.filter((s) => s.locktype === 'relation');
      assert.ok(relationLocks.length > 0, 'the sampler caught the estimator holding locks, so the check below is not vacuous');
      const beyondAccessShare = relationLocks.filter((s) => s.mode !== 'AccessShareLock');
      assert.deepEqual(beyondAccessShare, [], 'relation locks other than ACCESS SHARE');
      assert.deepEqual(samples.filter((s) => !s.granted), [], 'the estimator never waited for a lock');
      // Besides relation locks, a transaction only holds its own virtual transaction id (same backend
      // id; pg_locks may read the local counter mid-change); a transactionid lock would mean it wrote.
      const backendOf = (vxid: string | null) => vxid?.split('/')[0];
      const ownVxid = (s: Sample) => s.locktype === 'virtualxid' && s.mode === 'ExclusiveLock' && backendOf(s.virtualxid) === backendOf(s.own_vxid);
      // Every new connection holds ROW EXCLUSIVE on its database's pg_database entry while it starts
      // up (PostgreSQL's guard against a concurrent DROP DATABASE); no table is involved.
      const connecting = (s: Sample) => s.locktype === 'object' && s.class === 'pg_database' && s.mode === 'RowExclusiveLock';
      const other = samples.filter((s) => s.locktype !== 'relation' && !ownVxid(s) && !connecting(s));
      assert.deepEqual(other, [], 'locks other than ACCESS SHARE on relations, its own virtual xid, and the connection start-up');
      assert.ok(!samples.some((s) => s.relation === 'archive'), 'it never touched the table under ACCESS EXCLUSIVE');
      const blockedByLockstep = writerBlockedBy.filter((pids) => pids.some((pid) => lockstepPids.has(pid)));
      assert.deepEqual(blockedByLockstep, [], 'the writer was never blocked by the estimator');

      // And the estimate itself saw the holder, without measuring archive under its lock.
      const archive = reports[0].relations.find((r) => r.name === 'archive')!;
      assert.equal(archive.sizeSource, 'statistics');
      const drop = reports[0].statements.find((s) => s.summary.startsWith('DROP INDEX'))!;
      assert.deepEqual(drop.relations.map((r) => r.relation), ['archive'], 'the live schema still names the index’s table');
      assert.equal(drop.relations[0].waitsFor[0]?.application, 'long-migration');
    });
  });
}
