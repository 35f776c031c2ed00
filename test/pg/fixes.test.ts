/**
 * Every fix on real PostgreSQL (14 and 18): the starting schema with rows, the fixed SQL applied
 * exactly as the runner would (its transaction handling included), the end state checked, and
 * every resulting file linted clean of the rule. See test/pg/fixes/scenario.ts.
 */
import { strict as assert } from 'node:assert';
import { initEngine } from '../../server/src/engine';
import { ORACLE_VERSIONS, sharedCluster } from '../support/pgCluster';
import { constraint, indexValid, notNull, one, prove, type FixScenario } from './fixes/scenario';

const ROWS = 3000;
const ORDERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int, status text);';
const FILL =
  `INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, ${ROWS}) g;\n` +
  `INSERT INTO orders SELECT g, 1 + g % ${ROWS}, g % 100, 'new' FROM generate_series(1, ${ROWS}) g;`;
const INDEX = 'CREATE INDEX orders_user_idx ON orders (user_id);';
const indexBuilt = async (c: Parameters<FixScenario['check']>[0]) => assert.equal(await indexValid(c, 'orders_user_idx'), true);

const SCENARIOS: FixScenario[] = [
  // CONCURRENTLY, and moving out of the transaction the way each runner needs.
  { title: 'CREATE INDEX → CONCURRENTLY in place (psql)', rule: 'require-concurrent-index', runner: 'plain', path: '/m/0002_idx.sql', setup: ORDERS, rows: FILL, sql: INDEX, check: indexBuilt },
  { title: 'CREATE INDEX in goose → -- +goose NO TRANSACTION', rule: 'require-concurrent-index', runner: 'goose', path: '/m/20240101000000_idx.sql', setup: ORDERS, rows: FILL, sql: `-- +goose Up\n${INDEX}\n\n-- +goose Down\nDROP INDEX orders_user_idx;\n`, fixTitle: /NO TRANSACTION/, check: indexBuilt },
  {
    title: 'CREATE INDEX in a goose migration with more statements → a new NO TRANSACTION migration',
    rule: 'require-concurrent-index', runner: 'goose', path: '/m/20240101000000_idx.sql', setup: ORDERS, rows: FILL,
    sql: `-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n${INDEX}\n`, fixTitle: /new migration/,
    check: async (c) => {
      await indexBuilt(c);
      assert.equal((await one<{ n: string }>(c, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'")).n, '1');
    },
  },
  { title: 'CREATE INDEX in dbmate → transaction:false', rule: 'require-concurrent-index', runner: 'dbmate', path: '/m/20240101000000_idx.sql', setup: ORDERS, rows: FILL, sql: `-- migrate:up\n${INDEX}\n\n-- migrate:down\nDROP INDEX orders_user_idx;\n`, check: indexBuilt },
  { title: 'CREATE INDEX inside BEGIN … COMMIT → after the COMMIT', rule: 'require-concurrent-index', runner: 'plain', path: '/m/0002_idx.sql', setup: ORDERS, rows: FILL, sql: `BEGIN;\n${INDEX}\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n`, check: indexBuilt },
  { title: 'CREATE INDEX in a golang-migrate file with more statements → new up/down pairs', rule: 'require-concurrent-index', runner: 'golang-migrate', path: '/m/000002_idx.up.sql', setup: ORDERS, rows: FILL, sql: `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`, check: indexBuilt },
  { title: 'CREATE INDEX alone in a golang-migrate file → CONCURRENTLY in place', rule: 'require-concurrent-index', runner: 'golang-migrate', path: '/m/000002_idx.up.sql', setup: ORDERS, rows: FILL, sql: INDEX, check: indexBuilt },
  { title: 'CREATE INDEX in a Flyway script with more statements → V<n+1>', rule: 'require-concurrent-index', runner: 'flyway', path: '/m/V2__idx.sql', siblings: ['V1__init.sql', 'V2__idx.sql'], setup: ORDERS, rows: FILL, sql: `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`, check: indexBuilt },
  { title: 'CREATE INDEX in Diesel → a new migration with run_in_transaction = false', rule: 'require-concurrent-index', runner: 'diesel', path: '/m/2024-01-01-000000_idx/up.sql', setup: ORDERS, rows: FILL, sql: `ALTER TABLE orders ADD COLUMN note text;\n${INDEX}`, check: indexBuilt },
  {
    title: 'CREATE INDEX on a partitioned table → ON ONLY, each partition CONCURRENTLY, ATTACH',
    rule: 'require-concurrent-index', runner: 'plain', path: '/m/0002_idx.sql',
    setup: "CREATE TABLE events (id bigint, day date) PARTITION BY RANGE (day);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    rows: "INSERT INTO events SELECT g, date '2024-01-01' + (g % 700) FROM generate_series(1, 3000) g;",
    sql: 'CREATE INDEX events_day_idx ON events (day);',
    check: async (c) => assert.equal(await indexValid(c, 'events_day_idx'), true, 'the parent index is valid once every partition is attached'),
  },
  {
    title: 'DROP INDEX a, b → one DROP INDEX CONCURRENTLY each', rule: 'require-concurrent-drop-index', runner: 'plain', path: '/m/0002_drop.sql',
    setup: `${ORDERS}\nCREATE INDEX a ON orders (user_id);\nCREATE INDEX b ON orders (status);`, rows: FILL, sql: 'DROP INDEX a, b;',
    check: async (c) => assert.deepEqual([await indexValid(c, 'a'), await indexValid(c, 'b')], [undefined, undefined]),
  },
  { title: 'REINDEX → REINDEX … CONCURRENTLY', rule: 'require-concurrent-reindex', runner: 'plain', path: '/m/0002_reindex.sql', setup: `${ORDERS}\nCREATE INDEX orders_user_idx ON orders (user_id);`, rows: FILL, sql: 'REINDEX INDEX orders_user_idx;', check: indexBuilt },
  {
    title: 'DETACH PARTITION → … CONCURRENTLY (PostgreSQL 14+)', rule: 'require-concurrent-detach', runner: 'plain', path: '/m/0002_detach.sql', minVersion: 14,
    setup: "CREATE TABLE events (id bigint, day date) PARTITION BY RANGE (day);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    rows: "INSERT INTO events SELECT g, date '2024-01-01' + (g % 300) FROM generate_series(1, 3000) g;",
    sql: 'ALTER TABLE events DETACH PARTITION events_2024;',
    check: async (c) => assert.equal((await one<{ n: string }>(c, "SELECT count(*) AS n FROM pg_inherits WHERE inhrelid = 'events_2024'::regclass")).n, '0'),
  },
  {
    title: 'REFRESH MATERIALIZED VIEW → … CONCURRENTLY', rule: 'refresh-matview-concurrently', runner: 'plain', path: '/m/0002_refresh.sql',
    setup: `${ORDERS}\nCREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;\nCREATE UNIQUE INDEX order_counts_user ON order_counts (user_id);`,
    rows: `${FILL}\nREFRESH MATERIALIZED VIEW order_counts;`, sql: 'REFRESH MATERIALIZED VIEW order_counts;',
    check: async (c) => assert.equal((await one<{ n: string }>(c, 'SELECT count(*) AS n FROM order_counts')).n, String(ROWS)),
  },
  // NOT VALID + VALIDATE, NOT NULL through a CHECK, USING INDEX.
  {
    title: 'ADD FOREIGN KEY → NOT VALID, then VALIDATE', rule: 'require-not-valid', runner: 'plain', path: '/m/0002_fk.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    check: async (c) => assert.deepEqual(await constraint(c, 'orders_user_fk'), { convalidated: true, contype: 'f' }),
  },
  {
    title: 'ADD CHECK in goose → NOT VALID here, VALIDATE in the next migration', rule: 'require-not-valid', runner: 'goose', path: '/m/20240101000000_check.sql', setup: ORDERS, rows: FILL,
    sql: '-- +goose Up\nALTER TABLE orders ADD CHECK (amount >= 0);\n',
    check: async (c) => assert.deepEqual(await constraint(c, 'orders_amount_check'), { convalidated: true, contype: 'c' }),
  },
  {
    title: 'SET NOT NULL → CHECK NOT VALID, VALIDATE, SET NOT NULL, DROP CHECK', rule: 'set-not-null', runner: 'plain', path: '/m/0002_nn.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    check: async (c) => {
      assert.equal(await notNull(c, 'users', 'email'), true);
      assert.equal(await constraint(c, 'users_email_not_null_check'), undefined, 'the helper CHECK is gone');
    },
  },
  {
    title: 'SET NOT NULL in dbmate → the CHECK here, VALIDATE and SET NOT NULL in the next migration', rule: 'set-not-null', runner: 'dbmate', path: '/m/20240101000000_nn.sql', setup: ORDERS, rows: FILL,
    sql: '-- migrate:up\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\n-- migrate:down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n',
    check: async (c) => assert.equal(await notNull(c, 'users', 'email'), true),
  },
  {
    title: 'ADD UNIQUE → CREATE UNIQUE INDEX CONCURRENTLY, then USING INDEX', rule: 'unique-constraint-needs-index', runner: 'plain', path: '/m/0002_uq.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    check: async (c) => assert.deepEqual(await constraint(c, 'users_email_key'), { convalidated: true, contype: 'u' }),
  },
  {
    title: 'ADD PRIMARY KEY on a nullable column → index CONCURRENTLY, NOT NULL through a CHECK, USING INDEX', rule: 'primary-key-needs-index', runner: 'plain', path: '/m/0002_pk.sql',
    setup: 'CREATE TABLE events (id bigint, payload text);', rows: 'INSERT INTO events SELECT g, md5(g::text) FROM generate_series(1, 3000) g;',
    sql: 'ALTER TABLE events ADD PRIMARY KEY (id);',
    check: async (c) => {
      assert.deepEqual(await constraint(c, 'events_pkey'), { convalidated: true, contype: 'p' });
      assert.equal(await notNull(c, 'events', 'id'), true);
    },
  },
  // Columns and data.
  {
    title: 'ADD COLUMN … DEFAULT gen_random_uuid() NOT NULL → nullable, SET DEFAULT, keyset backfill, NOT NULL path', rule: 'volatile-default', runner: 'plain', path: '/m/0002_token.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();',
    check: async (c) => {
      const r = await one<{ n: string; distinct: string; missing: string }>(c, 'SELECT count(*) AS n, count(DISTINCT token) AS distinct, count(*) FILTER (WHERE token IS NULL) AS missing FROM users');
      assert.deepEqual(r, { n: String(ROWS), distinct: String(ROWS), missing: '0' }, 'every row got its own value');
      assert.equal(await notNull(c, 'users', 'token'), true);
      await c.query("INSERT INTO users (id, email) VALUES (-1, 'new@example.com')");
      assert.ok((await one<{ token: string }>(c, 'SELECT token FROM users WHERE id = -1')).token, 'new rows get the default');
    },
  },
  {
    title: 'volatile default without a primary key, in goose → block-range backfill in a NO TRANSACTION migration', rule: 'volatile-default', runner: 'goose', path: '/m/20240101000000_at.sql',
    setup: 'CREATE TABLE logs (line text);', rows: "INSERT INTO logs SELECT 'line ' || g FROM generate_series(1, 20000) g;",
    sql: '-- +goose Up\nALTER TABLE logs ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();\n',
    check: async (c) => assert.equal((await one<{ missing: string }>(c, 'SELECT count(*) FILTER (WHERE seen_at IS NULL) AS missing FROM logs')).missing, '0'),
  },
  {
    title: 'ADD COLUMN … NOT NULL without a default → nullable now, NOT NULL in later migrations after the user backfills', rule: 'required-column', runner: 'plain', path: '/m/0002_plan.sql', siblings: ['0001_init.sql', '0002_plan.sql'], setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;', between: "UPDATE users SET plan = 'free';",
    check: async (c) => assert.equal(await notNull(c, 'users', 'plan'), true),
  },
  {
    title: 'UPDATE without WHERE → committed batches by primary key', rule: 'unbounded-dml', runner: 'plain', path: '/m/0002_lower.sql', setup: ORDERS,
    rows: `${FILL}\nUPDATE users SET email = upper(email);`, sql: 'UPDATE users SET email = lower(email);',
    check: async (c) => assert.equal((await one<{ n: string }>(c, 'SELECT count(*) AS n FROM users WHERE email <> lower(email)')).n, '0'),
  },
  {
    title: 'VALIDATE in the transaction of its NOT VALID add (goose) → the next migration', rule: 'validate-in-same-transaction', runner: 'goose', path: '/m/20240101000000_v.sql', setup: ORDERS, rows: FILL,
    sql: '-- +goose Up\nALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\n',
    check: async (c) => assert.deepEqual(await constraint(c, 'orders_amount_positive'), { convalidated: true, contype: 'c' }),
  },
  {
    title: 'a new enum value used in the transaction that added it → after the COMMIT', rule: 'enum-add-value-in-transaction', runner: 'plain', path: '/m/0002_mood.sql',
    setup: "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);", rows: "INSERT INTO people VALUES (1, 'sad');",
    sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE people SET mood = 'ecstatic' WHERE id = 1;\nCOMMIT;\n",
    check: async (c) => assert.equal((await one<{ mood: string }>(c, 'SELECT mood FROM people WHERE id = 1')).mood, 'ecstatic'),
  },
  {
    title: 'no lock_timeout → the prelude (SET LOCAL in goose\'s transaction)', rule: 'require-lock-timeout', runner: 'goose', path: '/m/20240101000000_col.sql', setup: ORDERS, rows: FILL,
    sql: '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\n',
    check: async (c) => assert.equal((await one<{ lock_timeout: string }>(c, 'SHOW lock_timeout')).lock_timeout, '0', 'SET LOCAL ended with the migration'),
  },
  {
    title: "no lock_timeout in a one-statement golang-migrate file → SET LOCAL (the file becomes golang-migrate's implicit transaction; nothing leaks)",
    rule: 'require-lock-timeout', runner: 'golang-migrate', path: '/m/000002_col.up.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE orders ADD COLUMN note text;\n',
    check: async (c) => assert.equal((await one<{ lock_timeout: string }>(c, 'SHOW lock_timeout')).lock_timeout, '0', 'SET LOCAL ended with the implicit transaction'),
  },
  {
    title: 'no lock_timeout over autocommit statements (psql) → SET before, RESET after the run',
    rule: 'require-lock-timeout', runner: 'plain', path: '/m/0002_cols.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\n',
    check: async (c) => assert.equal((await one<{ lock_timeout: string }>(c, 'SHOW lock_timeout')).lock_timeout, '0', 'RESET after the run'),
  },
  {
    title: 'a build that cannot be rerun → DROP INDEX CONCURRENTLY IF EXISTS first (goose NO TRANSACTION)', rule: 'missing-if-exists', runner: 'goose', path: '/m/20240101000000_idx.sql', setup: ORDERS, rows: `${FILL}\nCREATE INDEX orders_user_idx ON orders (user_id);`,
    sql: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n',
    check: indexBuilt,
  },
  {
    title: 'a foreign key without an index → the index CONCURRENTLY after it', rule: 'foreign-key-needs-index', runner: 'plain', path: '/m/0002_fk.sql', setup: ORDERS, rows: FILL,
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    check: async (c) => assert.equal(await indexValid(c, 'orders_user_id_idx'), true),
  },
  {
    title: 'two ALTER TABLEs on one table → one', rule: 'combine-alters', runner: 'plain', path: '/m/0002_cols.sql', setup: ORDERS, rows: FILL,
    sql: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;",
    check: async (c) => assert.equal((await one<{ n: string }>(c, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name IN ('a', 'b')")).n, '2'),
  },
  // Type best practices: the fixed CREATE TABLE runs.
  ...(
    [
      ['prefer-text', 'CREATE TABLE t (id bigint PRIMARY KEY, email varchar(255) NOT NULL);', /CHECK/],
      ['prefer-bigint', 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);', undefined],
      ['prefer-timestamptz', 'CREATE TABLE t (id bigint PRIMARY KEY, at timestamp(3) without time zone DEFAULT now());', undefined],
      ['prefer-jsonb', 'CREATE TABLE t (id bigint PRIMARY KEY, doc json);', undefined],
      ['prefer-identity', 'CREATE TABLE t (id bigserial PRIMARY KEY);', undefined],
    ] as const
  ).map(([rule, sql, fixTitle]): FixScenario => ({
    title: `${rule}: the fixed CREATE TABLE runs`, rule, runner: 'plain', path: '/m/0002_t.sql', setup: 'SELECT 1;', sql, fixTitle,
    check: async (c) => assert.equal((await one<{ n: string }>(c, "SELECT count(*) AS n FROM pg_class WHERE relname = 't'")).n, '1'),
  })),
  {
    title: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS → DROP … IF EXISTS first: a leftover INVALID index is rebuilt, not accepted',
    rule: 'concurrent-index-if-not-exists', runner: 'plain', path: '/m/0002_idx.sql', setup: ORDERS,
    // What a failed earlier run leaves: an index of that name that queries cannot use.
    rows: `${FILL}\nCREATE INDEX orders_user_idx ON orders (user_id);\nUPDATE pg_index SET indisvalid = false WHERE indexrelid = 'orders_user_idx'::regclass;`,
    sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_idx ON orders (user_id);', check: indexBuilt,
  },
  {
    title: 'ATTACH of a partition created and filled in the migration → a matching CHECK first',
    rule: 'attach-new-partition', runner: 'plain', path: '/m/0002_attach.sql',
    setup: "CREATE TABLE events (id bigint, day date NOT NULL) PARTITION BY RANGE (day);\nCREATE TABLE events_archive (id bigint, day date NOT NULL);",
    rows: "INSERT INTO events_archive SELECT g, date '2024-01-01' + (g % 300) FROM generate_series(1, 3000) g;",
    sql: "CREATE TABLE events_2024 (LIKE events);\nINSERT INTO events_2024 SELECT * FROM events_archive;\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    check: async (c) => assert.equal((await one<{ n: string }>(c, 'SELECT count(*) AS n FROM events')).n, '3000'),
  },
];

describe('fixes on real PostgreSQL', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(180_000);
    await Promise.all([initEngine(), ...ORACLE_VERSIONS.map((v) => sharedCluster(v))]);
  });

  for (const version of ORACLE_VERSIONS) {
    describe(`PostgreSQL ${version}`, () => {
      for (const scenario of SCENARIOS) {
        if (scenario.minVersion && version < scenario.minVersion) continue;
        it(`${scenario.rule}: ${scenario.title}`, async () => {
          await prove(scenario, await sharedCluster(version));
        });
      }
    });
  }
});
