/**
 * Live sessions in the way, on real PostgreSQL: a session holding a conflicting lock is reported
 * as what the statement would wait for (pid, application, state, transaction age, query), one
 * already waiting as what it would queue behind, and long-running transactions are listed.
 */
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { appClient, dropDatabase, estimateOn, freshDatabase, until } from './estimateFixtures';

const DB = 'lockstep_estimate_blockers';

for (const version of ORACLE_VERSIONS) {
  describe(`live blockers on PostgreSQL ${version}`, function () {
    this.timeout(60_000);
    let cluster: PgCluster;
    let reader: pg.Client;
    let waiter: pg.Client;
    let readerPid: number;
    let waiterPid: number;
    let waiting: Promise<unknown>;

    before(async () => {
      cluster = await sharedCluster(version);
      await freshDatabase(cluster, DB, 'CREATE TABLE orders (id bigint PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 5000) g;');
      // A reporting job left its transaction open after reading orders (ACCESS SHARE, granted)…
      reader = await appClient(cluster, DB, 'reporting-job');
      readerPid = (await reader.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM orders');
      // …and another migration already waits behind it for ACCESS EXCLUSIVE.
      waiter = await appClient(cluster, DB, 'other-deploy');
      waiterPid = (await waiter.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await waiter.query('BEGIN');
      waiting = waiter.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE').catch(() => undefined);
      const observer = await cluster.client(DB);
      await until('the second session to wait', async () => (await observer.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pid = $1', [waiterPid])).rows[0].n === 1);
      await observer.end();
      await new Promise((r) => setTimeout(r, 1100)); // so transaction ages are at least a second
    });

    after(async () => {
      await reader?.query('ROLLBACK').catch(() => undefined);
      await waiting;
      await waiter?.query('ROLLBACK').catch(() => undefined);
      await Promise.all([reader?.end(), waiter?.end()]);
      await dropDatabase(cluster, DB);
    });

    it('reports the session holding a conflicting lock, with pid, application, state, transaction age and query', async () => {
      const report = await estimateOn(cluster, DB, 'ALTER TABLE orders ADD COLUMN status text;');
      const [statement] = report.statements;
      const orders = statement.relations[0];
      assert.equal(orders.mode, 'AccessExclusiveLock');
      assert.equal(orders.waitsFor.length, 1);
      const blocker = orders.waitsFor[0];
      assert.equal(blocker.pid, readerPid);
      assert.equal(blocker.application, 'reporting-job');
      assert.equal(blocker.state, 'idle in transaction');
      assert.equal(blocker.mode, 'AccessShareLock');
      assert.equal(blocker.granted, true);
      assert.match(blocker.query, /SELECT count\(\*\) FROM orders/);
      assert.ok((blocker.xactAgeSeconds ?? 0) >= 1, `transaction age ${blocker.xactAgeSeconds}`);
      assert.deepEqual(orders.queuesBehind.map((b) => [b.pid, b.application, b.mode, b.granted]), [[waiterPid, 'other-deploy', 'AccessExclusiveLock', false]]);
      assert.equal(statement.risk, 'high');
      assert.match(statement.reasons.join(' '), new RegExp(`would wait for pid ${readerPid} \\(reporting-job, idle in transaction, transaction open \\d+ s`));
    });

    it('only lock modes that conflict count: SHARE waits for the queued ACCESS EXCLUSIVE, not for the reader', async () => {
      const report = await estimateOn(cluster, DB, 'CREATE INDEX orders_note_idx ON orders (note);');
      const orders = report.statements[0].relations.find((r) => r.relation === 'orders')!;
      assert.equal(orders.mode, 'ShareLock');
      assert.deepEqual(orders.waitsFor, []);
      assert.deepEqual(orders.queuesBehind.map((b) => b.pid), [waiterPid]);
    });

    it('lists transactions open longer than the threshold', async () => {
      const report = await estimateOn(cluster, DB, 'ALTER TABLE orders ADD COLUMN x int;', {}, { longTransactionSeconds: 1 });
      const pids = report.longTransactions.map((t) => t.pid);
      assert.ok(pids.includes(readerPid) && pids.includes(waiterPid), JSON.stringify(report.longTransactions));
      const none = await estimateOn(cluster, DB, 'ALTER TABLE orders ADD COLUMN x int;', {}, { longTransactionSeconds: 3600 });
      assert.deepEqual(none.longTransactions, []);
    });
  });
}
