/**
 * The real-world scenarios of issue 11, end to end on real PostgreSQL: each plan scaffolded from
 * the database's catalog, applied forward with a v1 write before v2 is deployed and a v2 write
 * after, checked after the contract, then rolled all the way back, which must restore the schema
 * exactly (catalog diff) and keep the rows the applications wrote. Plans compose: a scenario may
 * be two plans, the second scaffolded from the schema the first leaves.
 * (full_name → first/last and the normalized patients table are the split-column and normalize
 * kinds' own tests.) The CREATE INDEX postmortem is a plan of its own: a unique build the data
 * breaks, detected, fixed and recovered as PLAN.md says. Runs in `npm run test:scaffold-load`.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { schemaSnapshot, snapshotDiff } from './scaffold/snapshot';
import { PlanStepper, indexBuild, indexRecovery, outcome } from './scaffold/stepper';

interface Scenario {
  name: string;
  schema: string;
  seed: string;
  plans: Array<{ kind: string; args: Record<string, string>; v1?: string; v2?: string }>;
  /** After every contract: rows (as JSON) this query must return. */
  after: { sql: string; rows: unknown[] };
  /** After rolling everything back: the same facts, read through the original shape. */
  back: { sql: string; rows: unknown[] };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'rename users.username → handle',
    schema: 'CREATE TABLE users (id bigserial PRIMARY KEY, username text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE UNIQUE INDEX users_username_key ON users (username);',
    seed: `INSERT INTO users (username) SELECT 'user' || g FROM generate_series(1, 20000) g;`,
    plans: [{ kind: 'rename-column', args: { table: 'users', column: 'username', to: 'handle' }, v1: `INSERT INTO users (id, username) VALUES (90001, 'from-v1')`, v2: `UPDATE users SET handle = 'from-v2' WHERE id = 2` }],
    after: { sql: `SELECT id::int, handle FROM users WHERE id IN (1, 2, 90001) ORDER BY id`, rows: [{ id: 1, handle: 'user1' }, { id: 2, handle: 'from-v2' }, { id: 90001, handle: 'from-v1' }] },
    back: { sql: `SELECT id::int, username AS handle FROM users WHERE id IN (1, 2, 90001) ORDER BY id`, rows: [{ id: 1, handle: 'user1' }, { id: 2, handle: 'from-v2' }, { id: 90001, handle: 'from-v1' }] },
  },
  {
    name: 'users → users + user_profiles',
    schema: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, bio text, avatar_url text NOT NULL, locale text NOT NULL DEFAULT \'en\');',
    seed: `INSERT INTO users (email, bio, avatar_url) SELECT 'u' || g || '@x', 'bio ' || g, 'a' || g FROM generate_series(1, 20000) g;`,
    plans: [{
      kind: 'split-table', args: { table: 'users', columns: 'bio,avatar_url,locale', into: 'user_profiles' },
      v1: `INSERT INTO users (id, email, bio, avatar_url) VALUES (90001, 'v1@x', 'v1 bio', 'v1a')`,
      v2: `UPDATE user_profiles SET locale = 'fr', bio = NULL WHERE user_id = 3`,
    }],
    after: { sql: `SELECT u.id::int, p.bio, p.avatar_url, p.locale FROM users u JOIN user_profiles p ON p.user_id = u.id WHERE u.id IN (3, 90001) ORDER BY 1`, rows: [{ id: 3, bio: null, avatar_url: 'a3', locale: 'fr' }, { id: 90001, bio: 'v1 bio', avatar_url: 'v1a', locale: 'en' }] },
    back: { sql: `SELECT id::int, bio, avatar_url, locale FROM users WHERE id IN (3, 90001) ORDER BY 1`, rows: [{ id: 3, bio: null, avatar_url: 'a3', locale: 'fr' }, { id: 90001, bio: 'v1 bio', avatar_url: 'v1a', locale: 'en' }] },
  },
  {
    name: 'email_preferences + notification_preferences → user_preferences',
    schema: `CREATE TABLE email_preferences (user_id bigint PRIMARY KEY, newsletter boolean NOT NULL DEFAULT true);
CREATE TABLE notification_preferences (user_id bigint PRIMARY KEY, push boolean, sms boolean);`,
    seed: `INSERT INTO email_preferences SELECT g, g % 2 = 0 FROM generate_series(1, 20000) g;
INSERT INTO notification_preferences SELECT g, true, g % 5 = 0 FROM generate_series(1, 20000, 3) g;`,
    plans: [
      {
        kind: 'merge-tables', args: { table: 'notification_preferences', into: 'email_preferences' },
        v1: `BEGIN; INSERT INTO notification_preferences VALUES (90001, false, true); INSERT INTO email_preferences VALUES (90001, false); COMMIT`,
        v2: `UPDATE email_preferences SET sms = true WHERE user_id = 4`,
      },
      { kind: 'rename-table', args: { table: 'email_preferences', to: 'user_preferences' }, v2: `UPDATE user_preferences SET push = false WHERE user_id = 7` },
    ],
    after: { sql: `SELECT user_id::int, newsletter, push, sms FROM user_preferences WHERE user_id IN (4, 7, 90001) ORDER BY 1`, rows: [{ user_id: 4, newsletter: true, push: true, sms: true }, { user_id: 7, newsletter: false, push: false, sms: false }, { user_id: 90001, newsletter: false, push: false, sms: true }] },
    back: { sql: `SELECT e.user_id::int, e.newsletter, n.push, n.sms FROM email_preferences e JOIN notification_preferences n USING (user_id) WHERE user_id IN (4, 7, 90001) ORDER BY 1`, rows: [{ user_id: 4, newsletter: true, push: true, sms: true }, { user_id: 7, newsletter: false, push: false, sms: false }, { user_id: 90001, newsletter: false, push: false, sms: true }] },
  },
  {
    name: 'orders integer id → uuid, with order_items',
    schema: `CREATE TABLE orders (id serial PRIMARY KEY, total int NOT NULL);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id int NOT NULL REFERENCES orders (id) ON DELETE CASCADE, sku text NOT NULL);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);`,
    seed: `INSERT INTO orders (total) SELECT g FROM generate_series(1, 10000) g;
INSERT INTO order_items (order_id, sku) SELECT 1 + g % 10000, 'sku' || g FROM generate_series(1, 30000) g;`,
    plans: [{ kind: 'change-primary-key', args: { table: 'orders', to: 'uuid' }, v1: `BEGIN; INSERT INTO orders (id, total) VALUES (90001, 5); INSERT INTO order_items (order_id, sku) VALUES (90001, 'v1'); COMMIT`, v2: `DELETE FROM orders WHERE total = 2` }],
    after: {
      sql: `SELECT (SELECT count(*)::int FROM order_items i JOIN orders o ON o.uuid = i.order_uuid) AS joined, (SELECT count(*)::int FROM order_items) AS items, (SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'uuid') AS type`,
      rows: [{ joined: 29998, items: 29998, type: 'uuid' }],
    },
    back: { sql: `SELECT (SELECT count(*)::int FROM order_items i JOIN orders o ON o.id = i.order_id) AS joined, (SELECT count(*)::int FROM order_items) AS items, 'uuid' AS type`, rows: [{ joined: 29998, items: 29998, type: 'uuid' }] },
  },
  {
    name: 'hot table: backfill last_active_at, then NOT NULL',
    schema: 'CREATE TABLE sessions (id bigserial PRIMARY KEY, user_id bigint NOT NULL, created_at timestamptz NOT NULL);',
    seed: `INSERT INTO sessions (user_id, created_at) SELECT g % 1000, '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 30000) g;`,
    plans: [{ kind: 'add-not-null-column', args: { table: 'sessions', column: 'last_active_at', type: 'timestamptz', backfill: 'created_at', default: 'now()' }, v1: `INSERT INTO sessions (id, user_id, created_at) VALUES (90001, 1, '2025-01-01')`, v2: `UPDATE sessions SET last_active_at = '2026-01-01' WHERE id = 5` }],
    after: { sql: `SELECT id::int, last_active_at::text FROM sessions WHERE id IN (1, 5, 90001) OR last_active_at IS NULL ORDER BY 1`, rows: [{ id: 1, last_active_at: '2024-01-01 00:01:00+00' }, { id: 5, last_active_at: '2026-01-01 00:00:00+00' }, { id: 90001, last_active_at: '2025-01-01 00:00:00+00' }] },
    back: { sql: `SELECT count(*)::int AS n FROM sessions`, rows: [{ n: 30001 }] },
  },
  {
    name: 'users.user_id → patients.patient_id, five referencing tables found',
    schema: `CREATE TABLE users (user_id bigserial PRIMARY KEY, name text NOT NULL);
${['visits', 'prescriptions', 'invoices', 'allergies', 'messages'].map((t) => `CREATE TABLE ${t} (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (user_id));\nCREATE INDEX ${t}_user_id_idx ON ${t} (user_id);`).join('\n')}`,
    seed: `INSERT INTO users (name) SELECT 'p' || g FROM generate_series(1, 5000) g;
${['visits', 'prescriptions', 'invoices', 'allergies', 'messages'].map((t) => `INSERT INTO ${t} (user_id) SELECT 1 + g % 5000 FROM generate_series(1, 5000) g;`).join('\n')}`,
    plans: [
      { kind: 'rename-table', args: { table: 'users', to: 'patients' }, v1: `INSERT INTO users (user_id, name) VALUES (90001, 'v1')` },
      { kind: 'change-primary-key', args: { table: 'patients', to: 'rename', column: 'patient_id' }, v2: `INSERT INTO visits (user_id) VALUES (90001)` },
    ],
    after: {
      sql: `SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' ORDER BY 1`,
      // The referencing columns follow the key's new name.
      rows: ['allergies', 'invoices', 'messages', 'prescriptions', 'visits'].map((t) => ({ t, def: 'FOREIGN KEY (patient_id) REFERENCES patients(patient_id)' })),
    },
    back: {
      sql: `SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' ORDER BY 1`,
      rows: ['allergies', 'invoices', 'messages', 'prescriptions', 'visits'].map((t) => ({ t, def: 'FOREIGN KEY (user_id) REFERENCES users(user_id)' })),
    },
  },
];

async function run(c: pg.Client, sql: string): Promise<void> {
  for (const s of sql.split(/;\s*/).filter(Boolean)) await c.query(s);
}

const VERSIONS = process.env.LOCKSTEP_SCAFFOLD_LOAD ? ORACLE_VERSIONS : [];
for (const version of VERSIONS) {
  describe(`scaffold scenarios end to end (PostgreSQL ${version})`, function () {
    this.timeout(600_000);
    let cluster: PgCluster;
    before(async () => {
      cluster = await sharedCluster(version);
    });

    // The CREATE INDEX postmortem: the data breaks the plan's unique build (two emails that differ
    // only in case, lower-cased by the type change), which leaves an INVALID index. Detect it, fix
    // the data, recover as PLAN.md says, and the contract ends with a valid unique index.
    it('the CREATE INDEX postmortem: detect the INVALID index, fix the data, recover', async () => {
      const plan = await PlanStepper.create(
        cluster,
        `scaffold${version}_scenario_postmortem`,
        'CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\nCREATE UNIQUE INDEX accounts_email_key ON accounts (email);',
        `INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g;\nINSERT INTO accounts (email) VALUES ('User7@example.com');`,
        'change-type',
        { table: 'accounts', column: 'email', type: 'varchar(320)', using: 'lower(email)' },
      );
      try {
        const build = indexBuild(plan.result);
        await plan.upTo(build.migration.name);
        assert.match(await outcome(plan.up(build)), /^23505: could not create unique index/);
        // Detect: PLAN.md's query finds it, and the plan's verify refuses to go on.
        const { detect, drops } = indexRecovery(plan.result);
        assert.equal((await plan.migrator.query(detect)).rows.length, 1, 'the INVALID index is found');
        const rest = plan.result.migrations.slice(plan.result.migrations.indexOf(build) + 1);
        const verify = rest.find((m) => m.migration.name === 'verify')!;
        for (const m of rest.slice(0, rest.indexOf(verify))) await plan.up(m);
        assert.match(await outcome(plan.up(verify)), /is missing or INVALID/);
        // Fix the data (the sync trigger carries it to the new column), then recover as PLAN.md says.
        await plan.migrator.query(`UPDATE accounts SET email = 'user7+second@example.com' WHERE email = 'User7@example.com'`);
        for (const drop of drops) await plan.migrator.query(drop);
        await plan.up(build);
        assert.equal((await plan.migrator.query(detect)).rows.length, 0, 'no INVALID index left');
        await plan.up(verify);
        await plan.upTo();
        const index = await plan.migrator.query(`SELECT pg_get_indexdef(indexrelid) AS def, indisvalid FROM pg_index WHERE indrelid = 'accounts'::regclass AND NOT indisprimary`);
        assert.deepEqual(index.rows, [{ def: 'CREATE UNIQUE INDEX accounts_email_key ON public.accounts USING btree (email)', indisvalid: true }]);
        const type = await plan.migrator.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'email'`);
        assert.deepEqual(type.rows, [{ t: 'character varying(320)' }]);
      } finally {
        await plan.close();
      }
    });

    SCENARIOS.forEach((s, i) => {
      it(s.name, async () => {
        const steppers: PlanStepper[] = [];
        try {
          let schema = s.schema;
          let seed = s.seed;
          const start: Array<Awaited<ReturnType<typeof schemaSnapshot>>> = [];
          for (const [n, p] of s.plans.entries()) {
            // The first plan creates the database; the next ones are scaffolded from what it left.
            const stepper = n === 0
              ? await PlanStepper.create(cluster, `scaffold${version}_scenario_${i}`, schema, seed, p.kind, p.args)
              : await PlanStepper.create(cluster, `scaffold${version}_scenario_${i}`, '', '', p.kind, p.args, 'plain', steppers[0].migrator);
            schema = seed = '';
            steppers.push(stepper);
            start.push(await schemaSnapshot(stepper.migrator));
            const deploy = stepper.result.plan.deploys.find((d) => d.action === 'start-v2')!.beforePhase;
            const firstOfPhase = (phase: number) => stepper.result.migrations.find((m) => m.phase === phase)?.migration.name;
            await stepper.upTo(firstOfPhase(deploy));
            if (p.v1) await run(stepper.migrator, p.v1);
            if (p.v2) await run(stepper.migrator, p.v2);
            await stepper.upTo();
          }
          const last = steppers[steppers.length - 1].migrator;
          assert.deepEqual((await last.query(s.after.sql)).rows, s.after.rows, 'after the contract');
          for (let n = steppers.length - 1; n >= 0; n--) {
            await steppers[n].downTo();
            assert.deepEqual(snapshotDiff(start[n], await schemaSnapshot(last)), [], `rolling back plan ${n + 1} restores the schema`);
          }
          assert.deepEqual((await last.query(s.back.sql)).rows, s.back.rows, 'after rolling back');
        } finally {
          await steppers[0]?.close();
        }
      });
    });
  });
}
