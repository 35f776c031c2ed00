/**
 * The statement forms the lock oracle runs against real PostgreSQL, and the one schema they run on.
 * Statements 1–44 of the shared reference trace (`shared/reference/pg-lock-trace-pglite-pg18-pg15.md`)
 * appear here verbatim and are marked `ref`.
 */

/**
 * Created once per cluster in a template database. Lockstep's prediction replays the same text,
 * so every name a statement touches (indexes, constraints, partitions) is known to the model.
 */
export const SETUP_SQL = `
DO $$ BEGIN CREATE ROLE lockstep_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA archive;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE SEQUENCE invoice_seq;

CREATE TABLE users (
  id int PRIMARY KEY,
  email varchar(255),
  name text,
  status text CONSTRAINT users_status_present CHECK (status IS NOT NULL),
  old_col int
);
INSERT INTO users
  SELECT g, 'user' || g || '@example.com', 'User ' || g, CASE WHEN g % 3 = 0 THEN 'inactive' ELSE 'active' END, g
  FROM generate_series(1, 2000) g;

CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int, note text);
CREATE INDEX orders_amount_idx ON orders (amount);
INSERT INTO orders SELECT g, 1 + g % 1000, g % 500, 'order ' || g FROM generate_series(1, 5000) g;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk_nv FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0) NOT VALID;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON orders USING (true);

CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX order_totals_uid ON order_totals (user_id);
CREATE VIEW active_users AS SELECT id, name FROM users WHERE status = 'active';

CREATE TABLE events (id int, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, date '2024-01-01' + g % 366, 'click' FROM generate_series(1, 2000) g;
CREATE TABLE events_2025 (id int, at date NOT NULL, kind text);
INSERT INTO events_2025 SELECT g, date '2025-01-01' + g % 365, 'click' FROM generate_series(1, 1000) g;
CREATE TABLE events_2027 (id int, at date NOT NULL, kind text,
  CONSTRAINT events_2027_range CHECK (at >= '2027-01-01' AND at < '2028-01-01'));
INSERT INTO events_2027 SELECT g, date '2027-01-01' + g % 365, 'click' FROM generate_series(1, 1000) g;

CREATE TABLE payments (id int PRIMARY KEY, ip cidr, price numeric(10,2), paid_at timestamp, ref varchar(20) NOT NULL);
INSERT INTO payments
  SELECT g, ('10.0.' || g % 256 || '.0/24')::cidr, g * 1.5, timestamp '2024-01-01' + g * interval '1 hour', 'P' || g
  FROM generate_series(1, 2000) g;

CREATE TABLE accounts (id int, handle text, handle_len int GENERATED ALWAYS AS (length(handle)) STORED);
CREATE UNIQUE INDEX accounts_handle_uidx ON accounts (handle);
INSERT INTO accounts (id, handle) SELECT g, 'handle' || g FROM generate_series(1, 1000) g;

CREATE TABLE bookings (id int, during tsrange);
INSERT INTO bookings
  SELECT g, tsrange(timestamp '2024-01-01' + g * interval '1 day', timestamp '2024-01-01' + (g + 1) * interval '1 day')
  FROM generate_series(1, 500) g;

CREATE UNLOGGED TABLE audit_log (id bigint, payload text, logged_at timestamptz DEFAULT now());
INSERT INTO audit_log SELECT g, 'entry ' || g FROM generate_series(1, 1000) g;

CREATE TABLE tags (id serial PRIMARY KEY, label text, user_id int REFERENCES users (id));

CREATE SCHEMA reporting;
CREATE TABLE reporting.daily_totals (day date PRIMARY KEY, total numeric);

CREATE DOMAIN positive_amount AS int;
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_nonneg CHECK (VALUE >= 0) NOT VALID;
CREATE TABLE ledger (id int PRIMARY KEY, amount positive_amount);
INSERT INTO ledger SELECT g, g FROM generate_series(1, 1000) g;

-- Renamed after its serial and a foreign key to it were made: the sequence keeps its old name.
CREATE TABLE old_memos (id serial PRIMARY KEY, body text);
CREATE TABLE memo_refs (id int PRIMARY KEY, memo_id int REFERENCES old_memos (id));
INSERT INTO old_memos (body) SELECT 'memo ' || g FROM generate_series(1, 100) g;
INSERT INTO memo_refs SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE old_memos RENAME TO memos;
ALTER TABLE memos RENAME COLUMN id TO memo_id;
CREATE TABLE counters (id int PRIMARY KEY, n serial);
CREATE INDEX payments_ref_lower ON payments (lower(ref));
CREATE INDEX payments_paid_at ON payments (paid_at);
CREATE TABLE stamps (id int PRIMARY KEY, at timestamp(3));
CREATE INDEX stamps_at ON stamps (at);
INSERT INTO stamps SELECT g, timestamp '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 500) g;
CREATE TYPE pair AS (a int, b int);
-- A generated foreign-key name cut to 63 bytes (UPchieve).
CREATE TABLE surveys_survey_questions (id int PRIMARY KEY);
CREATE TABLE survey_questions_response_choices (id int, surveys_survey_question_id int REFERENCES surveys_survey_questions (id));

ANALYZE;
`;

/**
 * How a statement that refuses to run in a transaction block is observed: a blocker session holds
 * `blockerSql` inside an open transaction, so the statement stalls at a known point while a third
 * session reads its locks (granted and awaited). Locks taken only after that point are not seen.
 */
export interface OutsideTransaction {
  blockerSql: string;
  /** Where the statement stalls, i.e. which of its phases the observation shows. */
  stallsAt: string;
}

export interface LockCase {
  sql: string;
  /** First PostgreSQL major where the statement exists. */
  minVersion?: number;
  /** Last PostgreSQL major where the statement behaves as observed. */
  maxVersion?: number;
  /** Session settings run unobserved in the statement's transaction before it (e.g. `SET LOCAL timezone …`). */
  session?: string;
  /** Set for statements that cannot run inside BEGIN … ROLLBACK. */
  outsideTransaction?: OutsideTransaction;
  /** Number in the shared reference trace, for statements taken from it. */
  ref?: number;
  /**
   * The stall point shows only the first lock the statement takes (VACUUM FULL waits for its
   * table lock; its index locks come later, with no wait to observe them at). The oracle then
   * checks that every observed lock is predicted exactly, and rewrite/scan in full.
   */
  observesFirstLockOnly?: boolean;
}

const ROW_EXCLUSIVE_ON_ORDERS: OutsideTransaction = {
  blockerSql: 'LOCK TABLE orders IN ROW EXCLUSIVE MODE',
  stallsAt: 'after its first internal commit, waiting for the writer on orders to finish',
};

const FIRST_CASES: LockCase[] = [
  // ADD COLUMN
  { ref: 1, sql: 'ALTER TABLE users ADD COLUMN c1 int' },
  { ref: 2, sql: 'ALTER TABLE users ADD COLUMN c2 int DEFAULT 0' },
  { ref: 3, sql: 'ALTER TABLE users ADD COLUMN c3 int NOT NULL DEFAULT 0' },
  { ref: 4, sql: 'ALTER TABLE users ADD COLUMN c4 float8 DEFAULT random()' },
  { ref: 5, sql: 'ALTER TABLE users ADD COLUMN c5 timestamptz DEFAULT now()' },
  // gen_random_uuid() is built in from PostgreSQL 13 (pgcrypto before).
  { ref: 6, sql: 'ALTER TABLE users ADD COLUMN c6 uuid DEFAULT gen_random_uuid()', minVersion: 13 },
  { ref: 7, sql: 'ALTER TABLE users ADD COLUMN c7 bigint GENERATED ALWAYS AS IDENTITY' },
  { sql: 'ALTER TABLE users ADD COLUMN c8 serial' },
  { sql: 'ALTER TABLE users ADD COLUMN c9 int GENERATED ALWAYS AS (id * 2) STORED' },
  { sql: 'ALTER TABLE users ADD COLUMN c10 int GENERATED ALWAYS AS (id * 2) VIRTUAL', minVersion: 18 },
  { sql: "ALTER TABLE users ADD COLUMN c11 mood DEFAULT 'ok'" },
  { sql: 'ALTER TABLE users ADD COLUMN c12 int CHECK (c12 > 0)' },
  { sql: "ALTER TABLE users ADD COLUMN c13 text, ALTER COLUMN status SET DEFAULT 'new'" },
  { sql: 'ALTER TABLE orders ADD COLUMN buyer_id int REFERENCES users (id)' },
  { sql: 'ALTER TABLE users ADD COLUMN c14 int UNIQUE' },

  // DROP COLUMN, ALTER COLUMN TYPE
  { ref: 15, sql: 'ALTER TABLE users DROP COLUMN old_col' },
  { ref: 8, sql: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint' },
  { ref: 9, sql: 'ALTER TABLE users ALTER COLUMN email TYPE text' },
  { ref: 10, sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(500)' },
  { ref: 11, sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100)' },
  { ref: 12, sql: 'ALTER TABLE users ALTER COLUMN old_col TYPE text USING old_col::text' },
  { sql: 'ALTER TABLE payments ALTER COLUMN price TYPE numeric(12,2)' },
  { sql: 'ALTER TABLE payments ALTER COLUMN price TYPE numeric(10,4)' },
  { sql: 'ALTER TABLE payments ALTER COLUMN ip TYPE inet' },
  // No rewrite only because the oracle's session time zone is UTC.
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at TYPE timestamptz' },
  // The other direction is relabelled under UTC too.
  { sql: 'ALTER TABLE audit_log ALTER COLUMN logged_at TYPE timestamp' },

  // NOT NULL and DEFAULT
  { ref: 13, sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL' },
  // users_status_present (a valid CHECK status IS NOT NULL) proves the column, so no scan.
  { sql: 'ALTER TABLE users ALTER COLUMN status SET NOT NULL' },
  { sql: 'ALTER TABLE payments ALTER COLUMN ref DROP NOT NULL' },
  { sql: 'ALTER TABLE users ADD CONSTRAINT users_name_nn NOT NULL name NOT VALID', minVersion: 18 },
  { ref: 14, sql: "ALTER TABLE users ALTER COLUMN status SET DEFAULT 'new'" },
  { sql: 'ALTER TABLE users ALTER COLUMN status DROP DEFAULT' },

  // Constraints
  { ref: 18, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)' },
  { ref: 19, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID' },
  { ref: 20, sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk_nv' },
  { ref: 21, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_chk CHECK (amount >= 0)' },
  { ref: 22, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_chk CHECK (amount >= 0) NOT VALID' },
  { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_nonneg' },
  { ref: 23, sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)' },
  { sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id)' },
  { sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_handle_key UNIQUE USING INDEX accounts_handle_uidx' },
  // handle is nullable: making it the primary key sets NOT NULL, which reads every row.
  { sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_handle_uidx' },
  { sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)' },
  { sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk_nv' },
  { sql: 'ALTER TABLE orders DROP CONSTRAINT orders_amount_nonneg' },
  { sql: 'ALTER TABLE orders RENAME CONSTRAINT orders_amount_nonneg TO orders_amount_check' },

  // Renames, ownership, schema
  { ref: 16, sql: 'ALTER TABLE users RENAME COLUMN name TO full_name' },
  { ref: 17, sql: 'ALTER TABLE users RENAME TO people' },
  { sql: 'ALTER INDEX orders_amount_idx RENAME TO orders_amount_ix' },
  { sql: 'ALTER TABLE users OWNER TO lockstep_app' },
  { sql: 'ALTER TABLE users SET SCHEMA archive' },

  // Storage, statistics and other table options
  { ref: 24, sql: 'ALTER TABLE orders SET (fillfactor = 70)' },
  { sql: 'ALTER TABLE orders ALTER COLUMN amount SET STATISTICS 500' },
  { sql: 'ALTER TABLE orders ALTER COLUMN user_id SET (n_distinct = 100)' },
  { sql: 'ALTER TABLE orders ALTER COLUMN note SET STORAGE EXTERNAL' },
  { sql: 'ALTER TABLE orders SET TABLESPACE pg_default' },
  { sql: 'ALTER TABLE orders CLUSTER ON orders_amount_idx' },
  { sql: 'ALTER TABLE orders SET UNLOGGED' },
  { sql: 'ALTER TABLE audit_log SET LOGGED' },
  { sql: 'ALTER TABLE orders SET ACCESS METHOD heap', minVersion: 15 },
  { sql: 'ALTER TABLE users REPLICA IDENTITY FULL' },
  { sql: 'ALTER TABLE accounts ALTER COLUMN handle_len SET EXPRESSION AS (length(handle) + 1)', minVersion: 17 },
  { sql: 'ALTER TABLE accounts ALTER COLUMN handle_len DROP EXPRESSION', minVersion: 13 },

  // Triggers, row-level security, policies
  { ref: 31, sql: 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()' },
  { sql: 'DROP TRIGGER orders_touch ON orders' },
  { sql: 'ALTER TABLE orders DISABLE TRIGGER orders_touch' },
  { sql: 'ALTER TABLE orders ENABLE TRIGGER orders_touch' },
  { ref: 39, sql: 'ALTER TABLE users ENABLE ROW LEVEL SECURITY' },
  { ref: 40, sql: 'CREATE POLICY users_self ON users FOR SELECT USING (true)' },
  { sql: 'ALTER POLICY orders_owner ON orders USING (false)' },
  { sql: 'DROP POLICY orders_owner ON orders' },

  // Partitions
  { ref: 32, sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
  // events_2027_range already implies the bound, so the partition is not scanned.
  { sql: "ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')" },
  { ref: 33, sql: 'ALTER TABLE events DETACH PARTITION events_2024' },
  {
    ref: 34,
    sql: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY',
    minVersion: 14,
    outsideTransaction: {
      blockerSql: 'LOCK TABLE events_2024 IN ACCESS SHARE MODE',
      stallsAt: 'its second transaction, acquiring ACCESS EXCLUSIVE on the partition',
    },
  },
  { sql: "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" },

  // Indexes
  { ref: 25, sql: 'CREATE INDEX orders_user_id_idx ON orders (user_id)' },
  { ref: 26, sql: 'CREATE UNIQUE INDEX users_email_uidx ON users (email)' },
  { sql: 'CREATE INDEX orders_big_amount_idx ON orders (amount) WHERE amount > 400' },
  { sql: 'CREATE INDEX events_at_idx ON events (at)' },
  { ref: 27, sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx2 ON orders (user_id)', outsideTransaction: ROW_EXCLUSIVE_ON_ORDERS },
  {
    sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_uidx2 ON users (email)',
    outsideTransaction: {
      blockerSql: 'LOCK TABLE users IN ROW EXCLUSIVE MODE',
      stallsAt: 'after its first internal commit, waiting for the writer on users to finish',
    },
  },
  { ref: 28, sql: 'DROP INDEX orders_amount_idx' },
  { ref: 29, sql: 'DROP INDEX CONCURRENTLY orders_amount_idx', outsideTransaction: ROW_EXCLUSIVE_ON_ORDERS },
  { sql: 'REINDEX TABLE orders' },
  { sql: 'REINDEX INDEX orders_amount_idx' },
  { ref: 30, sql: 'REINDEX INDEX CONCURRENTLY orders_amount_idx', outsideTransaction: ROW_EXCLUSIVE_ON_ORDERS },
  { sql: 'REINDEX TABLE CONCURRENTLY orders', outsideTransaction: ROW_EXCLUSIVE_ON_ORDERS },

  // Creating, dropping and emptying tables
  { sql: 'CREATE TABLE notes (id int PRIMARY KEY, body text)' },
  { sql: 'CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq serial, body text)' },
  { sql: 'CREATE TABLE invoices (id int PRIMARY KEY, user_id int REFERENCES users (id))' },
  { sql: 'CREATE TABLE users_copy (LIKE users INCLUDING ALL)' },
  { sql: 'CREATE TABLE big_orders AS SELECT * FROM orders' },
  { sql: 'DROP TABLE payments' },
  { sql: 'DROP TABLE orders CASCADE' },
  { ref: 43, sql: 'TRUNCATE orders' },
  { sql: 'TRUNCATE users CASCADE' },

  // Maintenance
  {
    ref: 44,
    sql: 'VACUUM users',
    outsideTransaction: {
      blockerSql: 'LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE',
      stallsAt: 'acquiring its table lock',
    },
  },
  {
    sql: 'VACUUM FULL orders',
    outsideTransaction: { blockerSql: 'LOCK TABLE orders IN ACCESS SHARE MODE', stallsAt: 'acquiring its table lock' },
    observesFirstLockOnly: true,
  },
  { sql: 'CLUSTER orders USING orders_amount_idx' },
  { sql: 'ANALYZE users' },

  // Views, materialized views, sequences, types
  { ref: 35, sql: 'REFRESH MATERIALIZED VIEW order_totals' },
  { ref: 36, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals' },
  { ref: 37, sql: 'CREATE VIEW user_orders AS SELECT u.id, o.amount FROM users u JOIN orders o ON o.user_id = u.id' },
  { sql: "CREATE OR REPLACE VIEW active_users AS SELECT id, name FROM users WHERE status IN ('active', 'new')" },
  { sql: 'DROP VIEW active_users' },
  { sql: 'CREATE MATERIALIZED VIEW user_counts AS SELECT status, count(*) AS n FROM users GROUP BY status' },
  { sql: 'CREATE SEQUENCE order_number_seq' },
  { sql: 'ALTER SEQUENCE invoice_seq RESTART WITH 100' },
  { sql: 'ALTER SEQUENCE invoice_seq INCREMENT BY 5' },
  { ref: 38, sql: "ALTER TYPE mood ADD VALUE 'ecstatic'" },
  { sql: "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'" },

  // Comments, privileges, explicit locks
  { ref: 41, sql: "COMMENT ON TABLE users IS 'people'" },
  { sql: "COMMENT ON COLUMN users.email IS 'login'" },
  { ref: 42, sql: 'GRANT SELECT ON users TO PUBLIC' },
  { sql: 'REVOKE SELECT ON users FROM PUBLIC' },
  { sql: 'LOCK TABLE users IN SHARE MODE' },
  { sql: 'LOCK TABLE orders' },

  // Domains: a constraint is checked against every column that uses the domain
  { sql: "CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%')" },
  { sql: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_small CHECK (VALUE < 1000000)' },
  { sql: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_small CHECK (VALUE < 1000000) NOT VALID' },
  { sql: 'ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_nonneg' },
  { sql: 'ALTER DOMAIN positive_amount SET NOT NULL' },
  { sql: 'DROP SCHEMA archive' },
  { sql: 'DROP SCHEMA reporting CASCADE' },

  // Ordinary traffic, for contrast
  { sql: "INSERT INTO users (id, email, name, status) VALUES (100001, 'new@example.com', 'New', 'active')" },
  { sql: "UPDATE users SET name = 'Renamed' WHERE id = 1" },
  { sql: "UPDATE orders SET amount = amount + 1 WHERE note = 'order 7'" },
  // User 2000 has no orders; the foreign key check still has to look (orders.user_id has no index).
  { sql: 'DELETE FROM users WHERE id = 2000' },
  { sql: 'SELECT * FROM users WHERE id = 1 FOR UPDATE' },
  // A WITH query's name is not a table: only orders is read
  { sql: "WITH recent AS (SELECT id FROM orders) INSERT INTO audit_log (id, payload) SELECT id, 'copied' FROM recent" },
  // Without WHERE: every row is read and locked
  { sql: "UPDATE orders SET note = 'bulk'" },
  { sql: 'DELETE FROM payments' },
];

/**
 * Forms added for the PostgreSQL 12–18 matrix: version-dependent syntax and locks, option
 * booleans, session settings, and the statements issue 10 found the model wrong on.
 */
const MORE_CASES: LockCase[] = [
  // ADD COLUMN: more defaults on the PG 11+ fast path, and what still rewrites
  { sql: "ALTER TABLE users ADD COLUMN c15 text NOT NULL DEFAULT 'x'" },
  { sql: "ALTER TABLE users ADD COLUMN c16 int[] DEFAULT '{}'" },
  { sql: "ALTER TABLE users ADD COLUMN c17 date DEFAULT current_date" },
  { sql: 'ALTER TABLE users ADD COLUMN c18 bigint GENERATED BY DEFAULT AS IDENTITY' },
  { sql: "ALTER TABLE users ADD COLUMN c19 jsonb DEFAULT '{}'::jsonb NOT NULL" },
  { sql: 'ALTER TABLE users ADD COLUMN c20 numeric DEFAULT random() * 10' },

  // Types and session time zone: timestamp ↔ timestamptz relabels only under a zero-offset zone
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at TYPE timestamptz', session: "SET LOCAL timezone = 'America/New_York'" },
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at TYPE timestamptz', session: "SET LOCAL TIME ZONE 'Etc/UTC'" },
  { sql: 'ALTER TABLE audit_log ALTER COLUMN logged_at TYPE timestamp', session: "SET LOCAL TIME ZONE 'Europe/Paris'" },
  { sql: 'ALTER TABLE payments ALTER COLUMN ref TYPE varchar(40)' },
  { sql: 'ALTER TABLE payments ALTER COLUMN ref TYPE text' },
  { sql: 'ALTER TABLE payments ALTER COLUMN price TYPE numeric(10,2)' },
  { sql: 'ALTER TABLE users ALTER COLUMN old_col TYPE bigint' },

  // Constraints and NOT NULL
  { sql: 'ALTER TABLE orders ALTER CONSTRAINT orders_user_fk_nv DEFERRABLE' },
  { sql: "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_range CHECK (at >= '2025-01-01' AND at < '2026-01-01')" },
  { sql: 'ALTER TABLE users ADD CONSTRAINT users_id_positive CHECK (id > 0) NOT VALID' },
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at SET NOT NULL' },
  { sql: 'ALTER TABLE users ADD CONSTRAINT users_status_nn NOT NULL status', minVersion: 18 },

  // Table options, triggers, row-level security
  { sql: 'ALTER TABLE orders RESET (fillfactor)' },
  { sql: 'ALTER TABLE users ALTER COLUMN name SET COMPRESSION pglz', minVersion: 14 },
  { sql: 'ALTER TABLE orders DISABLE TRIGGER ALL' },
  { sql: 'ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_touch' },
  { sql: 'ALTER TABLE users FORCE ROW LEVEL SECURITY' },
  { sql: 'ALTER TABLE orders DISABLE ROW LEVEL SECURITY' },
  { sql: 'ALTER TABLE orders SET WITHOUT CLUSTER' },

  // Indexes
  { sql: 'CREATE INDEX orders_note_lower_idx ON orders (lower(note))' },
  { sql: 'CREATE INDEX orders_user_amount_idx ON orders (user_id) INCLUDE (amount)' },
  { sql: 'CREATE INDEX bookings_during_idx ON bookings USING gist (during)' },
  { sql: 'CREATE INDEX events_kind_idx ON ONLY events (kind)' },
  { sql: 'ALTER INDEX orders_amount_idx SET (fillfactor = 80)' },
  { sql: 'REINDEX INDEX order_totals_uid' },
  { sql: 'REINDEX TABLE users' },
  { sql: 'REINDEX (VERBOSE) TABLE orders' },
  // A false option is no option: this is a plain, transactional REINDEX.
  { sql: 'REINDEX (CONCURRENTLY false) TABLE orders', minVersion: 14 },
  { sql: 'REINDEX (CONCURRENTLY) INDEX orders_amount_idx', minVersion: 14, outsideTransaction: ROW_EXCLUSIVE_ON_ORDERS },
  {
    sql: 'REINDEX SCHEMA reporting',
    outsideTransaction: { blockerSql: 'LOCK TABLE reporting.daily_totals IN ROW EXCLUSIVE MODE', stallsAt: 'acquiring SHARE on the first table of the schema' },
    observesFirstLockOnly: true,
  },

  // Maintenance: option booleans
  {
    sql: 'VACUUM (FULL false) users',
    outsideTransaction: { blockerSql: 'LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE', stallsAt: 'acquiring its table lock' },
  },
  {
    sql: 'VACUUM (FULL) orders',
    outsideTransaction: { blockerSql: 'LOCK TABLE orders IN ACCESS SHARE MODE', stallsAt: 'acquiring its table lock' },
    observesFirstLockOnly: true,
  },
  { sql: 'ANALYZE orders (amount)' },
  { sql: 'CREATE STATISTICS users_status_name_stats (dependencies) ON status, name FROM users' },

  // Views, materialized views, sequences, types
  { sql: 'REFRESH MATERIALIZED VIEW order_totals WITH NO DATA' },
  { sql: 'ALTER MATERIALIZED VIEW order_totals RENAME TO order_sums' },
  { sql: 'ALTER VIEW active_users RENAME TO live_users' },
  { sql: 'DROP MATERIALIZED VIEW order_totals' },
  { sql: 'ALTER SEQUENCE invoice_seq OWNED BY orders.id' },
  { sql: 'DROP SEQUENCE invoice_seq' },
  { sql: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok'" },
  { sql: 'ALTER TYPE mood RENAME TO feeling' },
  { sql: "COMMENT ON INDEX orders_amount_idx IS 'by amount'" },

  // Tables
  { sql: 'CREATE UNLOGGED TABLE scratch (id int, body text)' },
  { sql: 'CREATE TABLE archive.old_users (LIKE users)' },
  { sql: 'LOCK TABLE users, orders IN EXCLUSIVE MODE' },
  { sql: 'TRUNCATE audit_log' },

  // Traffic
  { sql: "INSERT INTO users (id, email, status) VALUES (1, 'dup@example.com', 'active') ON CONFLICT (id) DO NOTHING" },
  { sql: 'DELETE FROM orders WHERE id = 5' },
  // The serial default draws from the owned sequence; the foreign key looks the user up FOR KEY SHARE.
  { sql: "INSERT INTO tags (label, user_id) VALUES ('new', 1)" },
  { sql: "INSERT INTO tags (id, label) VALUES (999, 'explicit')" },
  // The NOT VALID foreign key is still checked for new rows.
  { sql: 'INSERT INTO orders (id, user_id, amount) VALUES (100001, 1, 5)' },
  // Order 1 belongs to user 2: a new user is looked up (an unchanged key would not be).
  { sql: 'UPDATE orders SET user_id = 3 WHERE id = 1' },
  // The serial's sequence moves with its table, and is dropped with it.
  { sql: 'ALTER TABLE tags SET SCHEMA archive' },
  { sql: 'DROP TABLE tags' },
  // Found by tracing real migration sets (docs/trace.md).
  { sql: 'CREATE INDEX IF NOT EXISTS orders_amount_idx ON orders (amount)' },
  { sql: 'ALTER TABLE orders DROP COLUMN amount' },
  // Generated names are cut to 63 bytes the way PostgreSQL cuts them.
  { sql: 'CREATE TABLE vulnerability_record_archive (id serial, cve_id_registration_uuid_package_version text UNIQUE)' },
  // IF EXISTS on a trigger or policy that is not there keeps no lock (harbor).
  { sql: 'DROP TRIGGER IF EXISTS no_such_trigger ON orders' },
  { sql: 'DROP POLICY IF EXISTS no_such_policy ON orders' },
  { sql: 'DROP TRIGGER IF EXISTS orders_touch ON orders' },
  // A serial's sequence keeps its name through renames of the table and column (harbor).
  { sql: "INSERT INTO memos (body) VALUES ('new')" },
  // Foreign keys follow a rename of the table they reference; retyping a key column re-creates the key (kratos).
  { sql: 'DROP TABLE memo_refs' },
  { sql: 'ALTER TABLE memo_refs ALTER COLUMN memo_id TYPE int' },
  { sql: 'ALTER TABLE memo_refs ALTER COLUMN memo_id TYPE bigint' },
  // A serial column's sequence is dropped with it (crates.io).
  { sql: 'ALTER TABLE counters DROP COLUMN n' },
  // Second pass over crates.io, hatchet and UPchieve (docs/trace.md): a dropped column takes its
  // foreign key (and the key's triggers on the referenced table) along.
  { sql: 'ALTER TABLE tags DROP COLUMN user_id' },
  // Retyping without a rewrite still re-creates the indexes on the column; an expression index is built again.
  { sql: 'ALTER TABLE payments ALTER COLUMN ref TYPE text' },
  { sql: 'ALTER TABLE payments ALTER COLUMN ref TYPE varchar(40)' },
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at TYPE timestamptz', session: "SET LOCAL timezone = 'UTC'" },
  { sql: 'ALTER TABLE payments ALTER COLUMN paid_at TYPE timestamp(3)' },
  { sql: 'ALTER TABLE stamps ALTER COLUMN at TYPE timestamp' },
  { sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS name text' },
  { sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_handle_uidx UNIQUE USING INDEX accounts_handle_uidx' },
  // Composite types are relations; DROP TYPE locks the type.
  { sql: 'CREATE TYPE triple AS (a int, b int)' },
  { sql: 'DROP TYPE pair' },
  { sql: 'DROP TYPE mood' },
  // A partitioned table has no storage: its partitions are read, emptied and analysed in its place.
  { sql: 'ALTER TABLE events ALTER COLUMN kind SET NOT NULL' },
  { sql: 'TRUNCATE events' },
  { sql: 'ANALYZE events' },
  // UPchieve (docs/trace.md): PRIMARY KEY UNIQUE builds one index; IF NOT EXISTS over a table takes
  // no lock; CASCADE drops the foreign keys to the table; a 63-byte key name; a key checked because
  // of DEFAULT NULL; system catalogs are outside the model.
  { sql: 'CREATE TABLE us_states (code varchar(2) PRIMARY KEY NOT NULL UNIQUE, name text NOT NULL UNIQUE)' },
  { sql: 'CREATE TABLE codes (code int UNIQUE, CONSTRAINT codes_code_named UNIQUE (code))' },
  { sql: 'CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, user_id int REFERENCES users (id))' },
  { sql: 'DROP TABLE IF EXISTS surveys_survey_questions CASCADE' },
  { sql: 'ALTER TABLE survey_questions_response_choices DROP CONSTRAINT IF EXISTS survey_questions_response_choic_surveys_survey_question_id_fkey' },
  { sql: 'ALTER TABLE orders ADD COLUMN buyer_id int REFERENCES users (id) DEFAULT NULL' },
  { sql: 'CREATE VIEW table_comments AS SELECT c.relname, d.description FROM pg_class c JOIN pg_catalog.pg_description d ON d.objoid = c.oid' },
  { sql: 'CREATE VIEW column_names AS SELECT table_name, column_name FROM information_schema.columns' },
  // A SQL-language routine's body is parse-analysed when it is created (check_function_bodies on,
  // the default): every relation it names is opened in the mode its statement needs (crates.io).
  { sql: 'CREATE FUNCTION order_count(int) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders WHERE user_id = $1 $$' },
  { sql: "CREATE FUNCTION tag_user(int) RETURNS void LANGUAGE sql AS $$ INSERT INTO tags (label, user_id) VALUES ('new', $1); DELETE FROM memo_refs WHERE memo_id = $1 $$" },
  { sql: "CREATE FUNCTION tag_user(int) RETURNS void LANGUAGE sql AS $$ INSERT INTO tags (label, user_id) VALUES ('new', $1); DELETE FROM memo_refs WHERE memo_id = $1 $$", session: 'SET LOCAL check_function_bodies = off' },
  { sql: 'CREATE PROCEDURE rename_users() LANGUAGE sql AS $$ UPDATE users SET name = upper(name) $$' },
  { sql: 'CREATE FUNCTION lock_user(int) RETURNS int LANGUAGE sql AS $$ SELECT id FROM users WHERE id = $1 FOR UPDATE $$' },
  { sql: 'CREATE FUNCTION active_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM active_users $$' },
  { sql: 'CREATE FUNCTION purge_audit(bigint) RETURNS bigint LANGUAGE sql AS $$ WITH gone AS (DELETE FROM audit_log WHERE id < $1 RETURNING id) SELECT count(*) FROM gone $$' },
  // A polymorphic argument defers the analysis to the first call; PL/pgSQL bodies are only parsed.
  { sql: 'CREATE FUNCTION orders_of(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$' },
  { sql: 'CREATE FUNCTION plpgsql_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM orders); END $$' },
  { sql: 'CREATE FUNCTION unchecked_count() RETURNS bigint LANGUAGE sql SET check_function_bodies = off AS $$ SELECT count(*) FROM orders $$' },
  // A SQL-standard body (BEGIN ATOMIC, PostgreSQL 14+) is always analysed, whatever check_function_bodies says.
  { sql: 'CREATE FUNCTION order_total(int) RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(amount) FROM orders WHERE user_id = $1; END', minVersion: 14 },
  { sql: "CREATE PROCEDURE close_orders() LANGUAGE sql BEGIN ATOMIC UPDATE orders SET note = 'closed'; END", session: 'SET LOCAL check_function_bodies = off', minVersion: 14 },
  { sql: 'CREATE FUNCTION active_total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM active_users; END', minVersion: 14 },
];

/** Every statement form the oracle runs. */
export const LOCK_CASES: LockCase[] = [...FIRST_CASES, ...MORE_CASES];

export function casesFor(version: number): LockCase[] {
  return LOCK_CASES.filter((c) => (c.minVersion ?? 0) <= version && version <= (c.maxVersion ?? Infinity));
}
