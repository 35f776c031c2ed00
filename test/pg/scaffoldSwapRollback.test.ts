/**
 * Rolling back a type swap (change-type, change-primary-key --to bigint) with the old version writing
 * runs: the contract keeps the old columns under temporary names, synced by a trigger, so its
 * rollback only renames them back. Right after that one transaction, the old version must read
 * every value (joins on the keys find every row) and write as before; a value only the new type
 * can hold stops the restore with a clear error instead of turning into a NULL nobody sees.
 */
import assert from 'node:assert/strict';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { schemaSnapshot, snapshotDiff } from './scaffold/snapshot';
import { PlanStepper, outcome } from './scaffold/stepper';

const USERS = `CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id) ON DELETE CASCADE, amount int NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);`;
const USERS_SEED = `INSERT INTO users (name) SELECT 'user' || g FROM generate_series(1, 3000) g;
INSERT INTO orders (user_id, amount) SELECT 1 + g % 3000, g FROM generate_series(1, 6000) g;`;
const COUNTERS = `CREATE TABLE counters (id bigserial PRIMARY KEY, hits int NOT NULL DEFAULT 0, label text);
CREATE INDEX counters_hits_idx ON counters (hits);`;
const COUNTERS_SEED = `INSERT INTO counters (hits, label) SELECT g * 7, 'seed' FROM generate_series(1, 4000) g;`;

// What the old version reads, as text (the same before and after the swap-back, whatever the column
// types), leaving out the rows only the new type can hold (negative amounts and ids).
const USERS_READ = `SELECT count(*)::int AS n, md5(string_agg(o.id || ':' || u.id || ':' || u.name || ':' || o.amount, ',' ORDER BY o.id)) AS sum
  FROM orders o JOIN users u ON u.id = o.user_id WHERE o.amount >= 0`;
const USERS_EMPTY = `SELECT (SELECT count(*) FROM users WHERE id IS NULL) + (SELECT count(*) FROM orders WHERE user_id IS NULL) AS n`;
const COUNTERS_READ = `SELECT count(*)::int AS n, md5(string_agg(id || ':' || hits, ',' ORDER BY id)) AS sum FROM counters WHERE id > 0`;
const COUNTERS_EMPTY = `SELECT count(*) AS n FROM counters WHERE hits IS NULL`;

interface Case {
  kind: string;
  args: Record<string, string>;
  schema: string;
  seed: string;
  /** v2's writes after the swap, with new-type values that still fit the old type. */
  v2: string[];
  /** A write only the new type can hold. */
  tooBig: string;
  undoTooBig: string;
  read: string;
  empty: string;
  /** The old version's writes right after the swap-back. */
  v1: string[];
}

const CASES: Case[] = [
  {
    kind: 'change-primary-key',
    args: { table: 'users', to: 'bigint' },
    schema: USERS,
    seed: USERS_SEED,
    v2: [`INSERT INTO users (name) VALUES ('v2 user')`, `INSERT INTO orders (user_id, amount) SELECT id, 7 FROM users WHERE name = 'v2 user'`, `UPDATE orders SET user_id = 5 WHERE id = 10`, 'DELETE FROM users WHERE id = 9'],
    tooBig: `INSERT INTO users (id, name) VALUES (3000000000, 'big'); INSERT INTO orders (user_id, amount) VALUES (3000000000, -1)`,
    undoTooBig: `DELETE FROM users WHERE name = 'big'`,
    read: USERS_READ,
    empty: USERS_EMPTY,
    v1: [`INSERT INTO users (name) VALUES ('v1 user')`, `INSERT INTO orders (user_id, amount) SELECT id, 8 FROM users WHERE name = 'v1 user'`, 'UPDATE orders SET user_id = 6 WHERE id = 11'],
  },
  {
    kind: 'change-type',
    args: { table: 'counters', column: 'hits', type: 'bigint' },
    schema: COUNTERS,
    seed: COUNTERS_SEED,
    v2: [`INSERT INTO counters (hits, label) VALUES (12, 'v2')`, 'UPDATE counters SET hits = hits + 1 WHERE id = 3', 'DELETE FROM counters WHERE id = 4'],
    tooBig: `INSERT INTO counters (id, hits) VALUES (-1, 5000000000), (-2, -5000000000)`,
    undoTooBig: 'DELETE FROM counters WHERE id < 0',
    read: COUNTERS_READ,
    empty: COUNTERS_EMPTY,
    v1: [`INSERT INTO counters (label) VALUES ('v1')`, 'UPDATE counters SET hits = 99 WHERE id = 5'],
  },
];

// PostgreSQL 18 in `npm test`; 14 too in the load script (LOCKSTEP_SCAFFOLD_LOAD=1).
const VERSIONS = ORACLE_VERSIONS.filter((v) => v === 18 || (process.env.LOCKSTEP_SCAFFOLD_LOAD && v === 14));

for (const version of VERSIONS) {
  describe(`scaffold: rolling a type swap back (PostgreSQL ${version})`, function () {
    this.timeout(300_000);
    let cluster: PgCluster;
    let plan: PlanStepper | undefined;

    before(async () => {
      cluster = await sharedCluster(version);
    });
    afterEach(async () => {
      await plan?.close();
      plan = undefined;
    });

    for (const c of CASES) {
      it(`${c.kind}: right after the contract's rollback the old version reads every value and writes as before`, async () => {
        plan = await PlanStepper.create(cluster, `scaffold${version}_swap_${c.kind.replace(/-/g, '_')}`, c.schema, c.seed, c.kind, c.args);
        const original = await schemaSnapshot(plan.migrator);
        await plan.upTo();
        assert.ok(plan.result.plan.phases.every((p) => !p.rollbackOffline), 'no phase asks to stop the application for its rollback');
        for (const sql of c.v2) await plan.migrator.query(sql);
        // A value only the new type can hold is accepted after the swap (the kept old column gets NULL).
        await plan.migrator.query(c.tooBig);

        // Roll back the last phase (the old columns come back under temporary names and are refilled), then the swap.
        await plan.downTo('contract');
        const before = (await plan.migrator.query(c.read)).rows[0];
        await plan.down(plan.migration('contract'));
        const after = (await plan.migrator.query(c.read)).rows[0];
        assert.deepEqual(after, before, 'the old version reads the same rows and values right after the swap-back');
        // Only the rows the old type cannot hold are empty, and the restore stops on them.
        const tooBigRows = Number((await plan.migrator.query(c.empty)).rows[0].n);
        assert.ok(tooBigRows > 0 && tooBigRows <= 2, `only the rows the old type cannot hold are empty (${tooBigRows})`);
        await plan.downTo('verify');
        assert.match(await outcome(plan.down(plan.migration('verify'))), /out of range/);
        await plan.migrator.query(c.undoTooBig);
        assert.equal(Number((await plan.migrator.query(c.empty)).rows[0].n), 0, 'no empty old value once those rows are gone');
        for (const sql of c.v1) await plan.migrator.query(sql);
        const written = (await plan.migrator.query(c.read)).rows[0];

        await plan.downTo();
        assert.deepEqual(snapshotDiff(original, await schemaSnapshot(plan.migrator)), [], 'the schema is the original one');
        assert.deepEqual((await plan.migrator.query(c.read)).rows[0], written, 'every write is still there');
      });
    }
  });
}
