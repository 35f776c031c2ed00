/** A schema with something for every plan kind, and one request per kind, shared by the scaffold tests. */
export const SCHEMA = `
CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, note text, full_name text, created_at timestamp NOT NULL DEFAULT now());
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
CREATE INDEX accounts_created_at_idx ON accounts (created_at);
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id) ON DELETE CASCADE, total numeric(12,2));
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE reviews (id bigserial PRIMARY KEY, author_id int REFERENCES users (id));
CREATE TABLE profiles_src (id bigserial PRIMARY KEY, email text NOT NULL, bio text, avatar_url text NOT NULL);
CREATE INDEX profiles_src_avatar_url_idx ON profiles_src (avatar_url);
CREATE TABLE email_prefs (user_id bigint PRIMARY KEY, marketing boolean NOT NULL DEFAULT false);
CREATE TABLE push_prefs (user_id bigint PRIMARY KEY, alerts boolean, quiet_hours int);
CREATE TABLE people (id bigserial PRIMARY KEY, first_name text, last_name text);
CREATE TABLE coupons (id bigserial PRIMARY KEY, code text NOT NULL);
CREATE TABLE carts (id bigserial PRIMARY KEY, coupon_id bigint REFERENCES coupons (id), legacy_flags text NOT NULL, owner_id int);
CREATE INDEX carts_legacy_flags_idx ON carts (legacy_flags);
CREATE TABLE patients (id bigserial PRIMARY KEY, name text NOT NULL, birth_date date, phone text, email text, street text, city text, zip text);
CREATE INDEX patients_city_idx ON patients (city);
`;

export const KIND_CASES: Array<{ kind: string; args: Record<string, string> }> = [
  { kind: 'rename-column', args: { table: 'accounts', column: 'email', to: 'email_address' } },
  { kind: 'rename-table', args: { table: 'accounts', to: 'members' } },
  { kind: 'split-table', args: { table: 'profiles_src', columns: 'bio,avatar_url', into: 'profile_details' } },
  { kind: 'merge-tables', args: { table: 'push_prefs', into: 'email_prefs' } },
  { kind: 'change-type', args: { table: 'accounts', column: 'created_at', type: 'timestamptz', using: "created_at AT TIME ZONE 'UTC'", reverse: "created_at AT TIME ZONE 'UTC'" } },
  { kind: 'change-primary-key', args: { table: 'users', to: 'bigint' } },
  { kind: 'change-primary-key', args: { table: 'users', to: 'uuid' } },
  { kind: 'change-primary-key', args: { table: 'users', to: 'rename', column: 'user_key' } },
  { kind: 'add-not-null-column', args: { table: 'accounts', column: 'email_lower', type: 'text', backfill: 'lower(email)' } },
  { kind: 'add-foreign-key', args: { table: 'carts', column: 'owner_id', references: 'users' } },
  { kind: 'split-column', args: { table: 'accounts', column: 'full_name', into: 'first_name,last_name', preset: 'last-space' } },
  { kind: 'merge-columns', args: { table: 'people', columns: 'first_name,last_name', into: 'full_name', preset: 'last-space' } },
  { kind: 'drop-column', args: { table: 'carts', column: 'legacy_flags' } },
  { kind: 'drop-table', args: { table: 'coupons' } },
  { kind: 'normalize', args: { table: 'patients', parts: 'patient_addresses=street,city,zip', history: 'patient_contacts=phone,email' } },
];

export const RUNNER_IDS = ['plain', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'sqitch', 'diesel', 'prisma', 'drizzle'] as const;

/** A few rows in every table of SCHEMA (foreign keys satisfied), for running the plans for real. */
export const SEED = `
INSERT INTO accounts (email, note, full_name) SELECT 'a' || g || '@example.com', 'n' || g, 'First' || g || ' Last' || g FROM generate_series(1, 200) g;
INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 200) g;
INSERT INTO orders (user_id, total) SELECT g, g FROM generate_series(1, 200) g;
INSERT INTO reviews (author_id) SELECT g FROM generate_series(1, 200) g;
INSERT INTO profiles_src (email, bio, avatar_url) SELECT 'p' || g, CASE WHEN g % 2 = 0 THEN 'bio' END, 'a' || g FROM generate_series(1, 200) g;
INSERT INTO email_prefs (user_id, marketing) SELECT g, g % 2 = 0 FROM generate_series(1, 200) g;
INSERT INTO push_prefs (user_id, alerts, quiet_hours) SELECT g, true, g % 24 FROM generate_series(1, 200, 2) g;
INSERT INTO people (first_name, last_name) SELECT 'F' || g, 'L' || g FROM generate_series(1, 200) g;
INSERT INTO coupons (code) SELECT 'c' || g FROM generate_series(1, 200) g;
INSERT INTO carts (coupon_id, legacy_flags, owner_id) SELECT g, 'f' || g, g FROM generate_series(1, 200) g;
INSERT INTO patients (name, birth_date, phone, email, street, city, zip)
  SELECT 'p' || g, date '1950-01-01' + g, CASE WHEN g % 3 > 0 THEN '555-' || g END, 'p' || g || '@example.com', CASE WHEN g % 4 > 0 THEN g || ' Main St' END, 'City' || g % 7, lpad(g::text, 5, '0') FROM generate_series(1, 200) g;
`;
