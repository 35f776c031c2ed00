/**
 * No application query gets a deadlock error from a plan: each lock cycle a plan's procedure can
 * close is staged exactly on real PostgreSQL 18, and the plan's side must be the one that gives up
 * (a lock_timeout it retries), never the application's. Found by the change-primary-key proof
 * under load, where v2's writer once got "deadlock detected" while the contract was rolled back.
 */
import assert from 'node:assert/strict';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { PlanStepper, blockedOnLock, outcome } from './scaffold/stepper';

const SCHEMA = `CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id) ON DELETE CASCADE, amount int NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);`;
const seed = (users: number) => `INSERT INTO users (name) SELECT 'user' || g FROM generate_series(1, ${users}) g;
INSERT INTO orders (user_id, amount) SELECT 1 + g % ${users}, g FROM generate_series(1, 2000) g;`;
const TO_UUID = { table: 'users', to: 'uuid' };

/** The name of one of the plan's procedures (`<slug>_<what>`), read from what the plan CALLs. */
function procedureName(plan: PlanStepper, what: string): string {
  const call = new RegExp(`CALL (\\w+_${what})\\(`).exec(plan.result.files.map((f) => f.content).join('\n'));
  if (!call) throw new Error(`the plan never calls a ${what} procedure`);
  return call[1];
}

if (ORACLE_VERSIONS.includes(18)) {
  describe('scaffold: the plan, not the application, gives up on a lock cycle (PostgreSQL 18)', function () {
    this.timeout(300_000);
    let cluster: PgCluster;
    let plan: PlanStepper | undefined;

    before(async () => {
      cluster = await sharedCluster(18);
    });
    afterEach(async () => {
      await plan?.close();
      plan = undefined;
    });

    it('a restore batch waiting on a row the application holds lets go of its own rows, and retries', async () => {
      plan = await PlanStepper.create(cluster, 'scaffold_deadlock_batch', SCHEMA, seed(1000), 'change-primary-key', TO_UUID);
      await plan.upTo();
      await plan.downTo('verify');
      // Heap order = key order, so the batch's UPDATE reaches order 1 before order 300 whatever plan it gets.
      await plan.migrator.query('CLUSTER orders USING orders_pkey');
      const app = await plan.session('v1');
      const watcher = await plan.session('watcher');
      let closing: string;
      let restore: string;
      try {
        await app.query('BEGIN');
        await app.query('UPDATE orders SET amount = amount + 1 WHERE id = 300');
        const restoring = outcome(plan.down(plan.migration('verify')));
        await blockedOnLock(watcher, 'migrator');
        // The batch holds order 1 and waits for order 300: asking for order 1 closes the cycle.
        closing = await outcome(app.query('UPDATE orders SET amount = amount + 1 WHERE id = 1'));
        await app.query('COMMIT');
        restore = await restoring;
      } finally {
        await app.end();
        await watcher.end();
      }
      assert.equal(closing, 'ok', "the application's write");
      assert.equal(restore, 'ok', 'the restore');
      assert.ok(plan.stats.notices.some((n) => /restore_orders: a row of the batch after the start is locked by another session \(try 1\), retrying/.test(n)), plan.stats.notices.join('\n'));
      assert.equal((await plan.migrator.query('SELECT count(*)::int AS n FROM orders WHERE user_id IS NULL')).rows[0].n, 0, 'every order has its user_id back');
    });

    it("the restore's foreign key, which locks orders then users, gives up before a cascading writer's deadlock check", async () => {
      plan = await PlanStepper.create(cluster, 'scaffold_deadlock_fk', SCHEMA, seed(1000), 'change-primary-key', TO_UUID);
      await plan.upTo();
      await plan.downTo('verify');
      await plan.down(plan.migration('verify'));
      // Rerunning the restore redoes only what is missing: here, the foreign key.
      await plan.migrator.query('ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey');
      const restoreCall = `CALL ${procedureName(plan, 'restore')}()`;
      const app = await plan.session('v1');
      const watcher = await plan.session('watcher');
      let insert: string;
      let restore: string;
      try {
        await app.query('BEGIN');
        await app.query(`UPDATE users SET name = name || '!' WHERE id = 1`);
        const restoring = outcome(plan.migrator.query(restoreCall));
        await blockedOnLock(watcher, 'migrator');
        // The restore holds orders and waits for users; this write holds users and asks for orders.
        insert = await outcome(app.query('INSERT INTO orders (user_id, amount) VALUES (1, 7)'));
        restore = await restoring;
        await app.query('COMMIT');
      } finally {
        await app.end();
        await watcher.end();
      }
      assert.equal(insert, 'ok', "the application's write");
      assert.match(restore, /^55P03: canceling statement due to lock timeout/, 'the restore gives up on lock_timeout (retryable), not on a deadlock');
      assert.equal(await outcome(plan.migrator.query(restoreCall)), 'ok', 'the rerun');
      const fk = await plan.migrator.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_id_fkey'`);
      assert.deepEqual(fk.rows, [{ convalidated: true }]);
    });

    it('a batch that runs longer than a quarter of deadlock_timeout makes the next one smaller', async () => {
      plan = await PlanStepper.create(cluster, 'scaffold_deadlock_size', SCHEMA, seed(40_000), 'change-primary-key', TO_UUID);
      await plan.upTo('backfill');
      await plan.migrator.query(`SET deadlock_timeout = '20ms'`);
      await plan.migrator.query(`CALL ${procedureName(plan, 'backfill')}(batch_size => 20000, pause_ms => 0)`);
      await plan.migrator.query('RESET deadlock_timeout');
      const ends = plan.stats.notices.flatMap((n) => /backfill_users: up to id = (\d+) of/.exec(n)?.[1] ?? []).map(Number);
      // 20,000 rows take longer than 5 ms on any machine: the second batch is half the first.
      assert.deepEqual(ends.slice(0, 2), [20_000, 30_000], ends.join(', '));
      assert.equal(ends.at(-1), 40_000);
      assert.equal((await plan.migrator.query('SELECT count(*)::int AS n FROM users WHERE uuid IS NULL')).rows[0].n, 0);
    });
  });
}
