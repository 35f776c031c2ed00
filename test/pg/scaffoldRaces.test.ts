/**
 * The races and rollback gaps found by trying the plans as a user would (issue 11), each staged
 * exactly on real PostgreSQL 18 with a second session: a merge where v1 inserts the source row
 * first, a merge rollback racing an application write, a split backfill racing a delete, a split
 * contract racing a join, a split rollback that must give NOT NULL back, a verify under cascading
 * deletes, and a cancelled concurrent index build recovered the way PLAN.md says.
 */
import assert from 'node:assert/strict';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { schemaSnapshot, snapshotDiff } from './scaffold/snapshot';
import { PlanStepper, blockedOnLock, indexBuild, indexRecovery, outcome } from './scaffold/stepper';

const PREFS = `CREATE TABLE email_prefs (user_id bigint PRIMARY KEY, marketing boolean NOT NULL DEFAULT false);
CREATE TABLE push_prefs (user_id bigint PRIMARY KEY, alerts boolean, quiet_hours int);`;
const PREFS_SEED = `INSERT INTO email_prefs SELECT g, g % 2 = 0 FROM generate_series(1, 2000) g;
INSERT INTO push_prefs SELECT g, g % 3 = 0, g % 24 FROM generate_series(1, 2000, 2) g;`;
const USERS = `CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, bio text CONSTRAINT users_bio_length CHECK (length(bio) <= 500),
  avatar_url text NOT NULL, tier int NOT NULL DEFAULT 1 CHECK (tier BETWEEN 0 AND 9), handle text UNIQUE, CHECK (tier > 0 OR email <> ''));
CREATE INDEX users_avatar_url_idx ON users (avatar_url);`;
const USERS_SEED = `INSERT INTO users (email, bio, avatar_url, tier, handle) SELECT 'u' || g, 'bio ' || g, 'a' || g, g % 4, 'h' || g FROM generate_series(1, 3000) g;`;

const mergeDiffers = `SELECT count(*)::int AS n FROM email_prefs e FULL JOIN push_prefs p USING (user_id)
  WHERE ROW(p.alerts, p.quiet_hours) IS DISTINCT FROM ROW(e.alerts, e.quiet_hours) AND NOT (p.user_id IS NULL AND e.alerts IS NULL AND e.quiet_hours IS NULL)`;

const splitDiffers = `SELECT count(*)::int AS n FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.bio IS DISTINCT FROM p.bio`;

// PostgreSQL 18 in `npm test`; 14 too in the load script (LOCKSTEP_SCAFFOLD_LOAD=1).
const VERSIONS = ORACLE_VERSIONS.filter((v) => v === 18 || process.env.LOCKSTEP_SCAFFOLD_LOAD);

for (const version of VERSIONS) {
  describe(`scaffold: staged races and rollbacks (PostgreSQL ${version})`, function () {
    this.timeout(300_000);
    let cluster: PgCluster;
    let plan: PlanStepper | undefined;
    const db = (name: string) => `scaffold${version}_race_${name}`;

    before(async () => {
      cluster = await sharedCluster(version);
    });
    afterEach(async () => {
      await plan?.close();
      plan = undefined;
    });

    it('merge-tables: v1 inserts the source row before the target row (one transaction or two) without a duplicate key', async () => {
      plan = await PlanStepper.create(cluster, 'scaffold_race_merge_v1', PREFS, PREFS_SEED, 'merge-tables', { table: 'push_prefs', into: 'email_prefs' });
      await plan.upTo('backfill');
      const v1 = await plan.session('v1');
      try {
        // One transaction, source first.
        await v1.query('BEGIN');
        await v1.query('INSERT INTO push_prefs (user_id, alerts, quiet_hours) VALUES (5001, true, 7)');
        await v1.query('INSERT INTO email_prefs (user_id, marketing) VALUES (5001, true)');
        await v1.query('COMMIT');
        // Two autocommit statements, source first, the target with v1's upsert.
        await v1.query('INSERT INTO push_prefs (user_id, alerts, quiet_hours) VALUES (5002, false, 3)');
        const upsert = await v1.query<{ user_id: string }>('INSERT INTO email_prefs (user_id, marketing) VALUES (5002, true) ON CONFLICT (user_id) DO UPDATE SET marketing = EXCLUDED.marketing RETURNING user_id');
        assert.equal(upsert.rows.length, 1, 'RETURNING still returns the row');
        // Target first still works.
        await v1.query('INSERT INTO email_prefs (user_id, marketing) VALUES (5003, false)');
        await v1.query('INSERT INTO push_prefs (user_id, alerts, quiet_hours) VALUES (5003, true, 1)');
        // A target row v1 wrote itself is not replaced: a second plain INSERT is still a duplicate.
        assert.match(await outcome(v1.query('INSERT INTO email_prefs (user_id, marketing) VALUES (5003, true)')), /^23505/);
        // A sync-created row that v1 then updated is its own too.
        await v1.query('INSERT INTO push_prefs (user_id, alerts) VALUES (5004, true)');
        await v1.query('UPDATE email_prefs SET marketing = true WHERE user_id = 5004');
        assert.match(await outcome(v1.query('INSERT INTO email_prefs (user_id) VALUES (5004)')), /^23505/);
      } finally {
        await v1.end();
      }
      const rows = await plan.migrator.query(`SELECT user_id::int, marketing, alerts, quiet_hours FROM email_prefs WHERE user_id > 5000 ORDER BY 1`);
      assert.deepEqual(rows.rows, [
        { user_id: 5001, marketing: true, alerts: true, quiet_hours: 7 },
        { user_id: 5002, marketing: true, alerts: false, quiet_hours: 3 },
        { user_id: 5003, marketing: false, alerts: true, quiet_hours: 1 },
        { user_id: 5004, marketing: true, alerts: true, quiet_hours: null },
      ]);
      await plan.upTo();
      assert.equal((await plan.migrator.query(`SELECT count(*)::int AS n FROM lockstep_archive.push_prefs WHERE user_id > 5000`)).rows[0].n, 4);
    });

    // Rolling back the contract: the restore (the verify's rollback) refills the old side while v2
    // holds a write to the same row open; the write commits once the restore waits on its row lock.
    const RESTORE_RACES: Array<{ kind: string; what: string; schema: string; seed: string; args: Record<string, string>; write: string; read: string; expected: unknown[]; differ: string }> = [
      { kind: 'merge-tables', what: 'keeps a write the application commits', schema: PREFS, seed: PREFS_SEED, args: { table: 'push_prefs', into: 'email_prefs' },
        write: 'UPDATE email_prefs SET alerts = NOT alerts, quiet_hours = 23 WHERE user_id = 1', read: 'SELECT alerts, quiet_hours FROM push_prefs WHERE user_id = 1', expected: [{ alerts: true, quiet_hours: 23 }], differ: mergeDiffers },
      { kind: 'merge-tables', what: 'does not bring back a row the application emptied', schema: PREFS, seed: PREFS_SEED, args: { table: 'push_prefs', into: 'email_prefs' },
        write: 'UPDATE email_prefs SET alerts = NULL, quiet_hours = NULL WHERE user_id = 1', read: 'SELECT alerts FROM push_prefs WHERE user_id = 1', expected: [], differ: mergeDiffers },
      { kind: 'split-table', what: 'keeps a write the application commits', schema: USERS, seed: USERS_SEED, args: { table: 'users', columns: 'bio', into: 'user_profiles' },
        write: `UPDATE user_profiles SET bio = 'written during the restore' WHERE user_id = 1`, read: 'SELECT bio FROM users WHERE id = 1', expected: [{ bio: 'written during the restore' }], differ: splitDiffers },
      { kind: 'split-table', what: 'does not bring back a value the application emptied', schema: USERS, seed: USERS_SEED, args: { table: 'users', columns: 'bio', into: 'user_profiles' },
        write: 'UPDATE user_profiles SET bio = NULL WHERE user_id = 1', read: 'SELECT bio FROM users WHERE id = 1', expected: [{ bio: null }], differ: splitDiffers },
    ];
    RESTORE_RACES.forEach((race, i) => {
      it(`${race.kind}: rolling back the contract ${race.what} while the restore runs`, async () => {
        plan = await PlanStepper.create(cluster, db(`restore_${i}`), race.schema, race.seed, race.kind, race.args);
        await plan.upTo();
        await plan.down(plan.migration('contract'));
        const v2 = await plan.session('v2');
        const watcher = await plan.session('watcher');
        try {
          await v2.query('BEGIN');
          await v2.query(race.write);
          const restore = plan.down(plan.migration('verify'));
          await blockedOnLock(watcher, 'migrator');
          await v2.query('COMMIT');
          await restore;
        } finally {
          await v2.end();
          await watcher.end();
        }
        assert.deepEqual((await plan.migrator.query(race.read)).rows, race.expected);
        assert.equal((await plan.migrator.query(race.differ)).rows[0].n, 0, 'both tables agree');
        // The plan can go forward again.
        await plan.upTo();
      });
    });

    it('split-table: the backfill skips a row the application deletes during its batch (no foreign key violation)', async () => {
      plan = await PlanStepper.create(cluster, db('split_backfill'), USERS, USERS_SEED, 'split-table', { table: 'users', columns: 'bio,avatar_url,tier', into: 'user_profiles' });
      await plan.upTo('backfill');
      const v1 = await plan.session('v1');
      const watcher = await plan.session('watcher');
      try {
        await v1.query('BEGIN');
        await v1.query('DELETE FROM users WHERE id = 7');
        const backfill = outcome(plan.up(plan.migration('backfill')));
        await blockedOnLock(watcher, 'migrator');
        await v1.query('COMMIT');
        assert.equal(await backfill, 'ok');
      } finally {
        await v1.end();
        await watcher.end();
      }
      assert.equal((await plan.migrator.query(`SELECT count(*)::int AS n FROM users u FULL JOIN user_profiles p ON p.user_id = u.id WHERE u.id IS NULL OR p.user_id IS NULL`)).rows[0].n, 0);
    });

    it('split-table: the contract locks users before user_profiles, as joins do, and its rollback gives NOT NULL, CHECK and UNIQUE back', async () => {
      plan = await PlanStepper.create(cluster, db('split_contract'), USERS, USERS_SEED, 'split-table', { table: 'users', columns: 'bio,avatar_url,tier,handle', into: 'user_profiles' });
      await plan.upTo('verify');
      const beforeContractPhase = await schemaSnapshot(plan.migrator);
      await plan.upTo('contract');
      const reader = await plan.session('v2-join');
      const watcher = await plan.session('watcher');
      try {
        // A join in flight: it has read users and is about to read user_profiles.
        await reader.query('BEGIN');
        await reader.query('SELECT id FROM users WHERE id = 1');
        const contract = plan.up(plan.migration('contract'));
        await blockedOnLock(watcher, 'migrator');
        const joinRead = await outcome(reader.query('SELECT bio FROM user_profiles WHERE user_id = 1'));
        await reader.query('COMMIT');
        assert.equal(joinRead, 'ok');
        await contract;
      } finally {
        await reader.end();
        await watcher.end();
      }
      assert.equal(plan.stats.lockTimeoutRetries, 0, 'the contract never had to be rerun');
      // CHECKs on moved columns only moved with them.
      const moved = await plan.migrator.query<{ name: string }>(`SELECT conname::text AS name FROM pg_constraint WHERE conrelid = 'user_profiles'::regclass AND contype = 'c' ORDER BY 1`);
      assert.deepEqual(moved.rows.map((r) => r.name), ['user_profiles_bio_length', 'user_profiles_tier_check']);
      // Roll back the whole contract phase: the schema must be what it was, NOT NULL tier included.
      const migrations = plan.result.migrations.map((m) => m.migration.name);
      await plan.downTo(migrations[migrations.indexOf('verify') - 1]);
      const after = await schemaSnapshot(plan.migrator);
      assert.deepEqual(snapshotDiff(beforeContractPhase, after), []);
      assert.ok(after.columns.includes('users.tier integer NOT NULL DEFAULT 1'), after.columns.join('\n'));
      for (const con of ['users_bio_length CHECK ((length(bio) <= 500))', 'users_tier_check CHECK (((tier >= 0) AND (tier <= 9)))', 'users_check CHECK (((tier > 0) OR (email <> \'\'::text)))', 'users_handle_key UNIQUE (handle)']) {
        assert.ok(after.constraints.includes(`users ${con}`), `users keeps ${con}:\n${after.constraints.join('\n')}`);
      }
    });

    it('change-primary-key to uuid: the verify passes while the application deletes orders (cascading to items)', async () => {
      plan = await PlanStepper.create(
        cluster,
        db('pk_verify'),
        `CREATE TABLE orders (id bigserial PRIMARY KEY, total int NOT NULL);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, sku text NOT NULL);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);`,
        `INSERT INTO orders (total) SELECT g FROM generate_series(1, 6000) g;
INSERT INTO order_items (order_id, sku) SELECT 1 + g % 6000, 'sku' || g FROM generate_series(1, 18000) g;`,
        'change-primary-key',
        { table: 'orders', to: 'uuid' },
      );
      await plan.upTo('verify');
      const verifyCall = /CALL \S+_verify\(\)/.exec(plan.result.files.map((f) => f.content).join('\n'))![0];
      const app = await plan.session('v1-deleter');
      let stop = false;
      let deleted = 0;
      const deleter = (async () => {
        for (let id = 1; !stop; id += 3) {
          await app.query('DELETE FROM orders WHERE id = $1', [id]);
          deleted++;
        }
      })();
      const results: string[] = [];
      try {
        for (let i = 0; i < 3; i++) results.push(await outcome(plan.migrator.query(verifyCall)));
      } finally {
        stop = true;
        await deleter;
        await app.end();
      }
      assert.ok(deleted > 10, `the application deleted ${deleted} orders during the verifies`);
      assert.deepEqual(results, ['ok', 'ok', 'ok']);
    });

    it('a cancelled CREATE INDEX CONCURRENTLY: verify refuses, and the recovery PLAN.md gives leaves a valid index', async () => {
      plan = await PlanStepper.create(
        cluster,
        db('index'),
        'CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\nCREATE UNIQUE INDEX accounts_email_key ON accounts (email);',
        `INSERT INTO accounts (email) SELECT 'a' || g || '@example.com' FROM generate_series(1, 5000) g;`,
        'rename-column',
        { table: 'accounts', column: 'email', to: 'email_address' },
      );
      const build = indexBuild(plan.result);
      assert.match(build.migration.up.kind === 'single' ? build.migration.up.statement : '', /CREATE UNIQUE INDEX CONCURRENTLY/, 'the plan builds the new unique index concurrently');
      await plan.upTo(build.migration.name);
      const old = await plan.session('old-snapshot');
      const watcher = await plan.session('watcher');
      try {
        // An open transaction makes the build wait (for older snapshots); it is then cancelled.
        await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await old.query('SELECT count(*) FROM accounts');
        const running = outcome(plan.up(build));
        await blockedOnLock(watcher, 'migrator');
        await watcher.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'migrator'`);
        assert.match(await running, /^57014/);
        await old.query('COMMIT');
      } finally {
        await old.end();
        await watcher.end();
      }
      const { detect, drops } = indexRecovery(plan.result);
      const invalid = (await plan.migrator.query(detect)).rows;
      assert.equal(invalid.length, 1, 'the detection query finds the INVALID index');
      // Carrying on: the verify must refuse.
      const rest = plan.result.migrations.slice(plan.result.migrations.indexOf(build) + 1);
      const verify = rest.find((m) => m.migration.name === 'verify')!;
      for (const m of rest.slice(0, rest.indexOf(verify))) await plan.up(m);
      assert.match(await outcome(plan.up(verify)), /is missing or INVALID/);
      // The documented recovery: drop it concurrently, rerun the build, then the verify.
      for (const drop of drops) await plan.migrator.query(drop);
      await plan.up(build);
      assert.equal((await plan.migrator.query(detect)).rows.length, 0);
      await plan.up(verify);
      await plan.upTo();
      const indexes = await plan.migrator.query(`SELECT pg_get_indexdef(indexrelid) AS def, indisvalid FROM pg_index WHERE indrelid = 'accounts'::regclass AND NOT indisprimary`);
      assert.deepEqual(indexes.rows, [{ def: 'CREATE UNIQUE INDEX accounts_email_address_key ON public.accounts USING btree (email_address)', indisvalid: true }], 'after the contract the unique index on the renamed column is valid');
    });
  });
}
