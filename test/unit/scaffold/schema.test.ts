/** Schema replay: the facts plans rely on, read from earlier migrations with Lockstep's catalog. */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { referencesTo, schemaFromSql } from '../../../server/src/scaffold/schema';
import { schemaSql } from '../../../server/src/scaffold/schemaSql';

describe('scaffold: schema from earlier migrations', () => {
  before(() => initEngine());
  const schema = () =>
    schemaFromSql(
      `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL DEFAULT lower('X') || 'y', created timestamptz DEFAULT (now() AT TIME ZONE 'utc'), n int DEFAULT 1 + 2 CHECK (n > 0));
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_lower ON users (lower(email));
CREATE INDEX users_partial ON users (n) WHERE n > 1;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE, note varchar(20));
ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'x';
CREATE TABLE gone (id int PRIMARY KEY);
DROP TABLE gone;
ALTER TABLE users RENAME TO people;
ALTER TABLE people RENAME COLUMN n TO amount;`,
      DEFAULT_CONFIG,
    );

  it('keeps types, NOT NULL and default expressions as written', () => {
    const people = schema().tables.get('people')!;
    assert.deepEqual(
      people.columns.map((c) => [c.name, c.type, c.notNull, c.default]),
      [
        ['id', 'int4', true, "nextval('users_id_seq'::regclass)"],
        ['email', 'text', true, "lower('X') || 'y'"],
        ['created', 'timestamptz', false, "(now() AT TIME ZONE 'utc')"],
        ['amount', 'int4', false, '1 + 2'],
      ],
    );
    assert.equal(schema().tables.get('orders')!.columns.find((c) => c.name === 'note')!.default, "'x'");
  });

  it('keeps CHECK constraints: PostgreSQL\'s name, the columns they read, their text, through renames and drops', () => {
    assert.deepEqual(schema().tables.get('people')!.checks, [{ name: 'users_n_check', columns: ['amount'], definition: 'CHECK (amount > 0)', validated: true }]);
    const t = schemaFromSql(
      `CREATE TABLE t (a int, b int, c int, CONSTRAINT t_ab CHECK (a < b), CHECK (b <> c));
ALTER TABLE t ADD CHECK (b > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_c CHECK (c <> 3);
ALTER TABLE t DROP CONSTRAINT t_c;
ALTER TABLE t DROP COLUMN a;`,
      DEFAULT_CONFIG,
    ).tables.get('t')!;
    assert.deepEqual(t.checks, [
      { name: 't_check', columns: ['b', 'c'], definition: 'CHECK (b <> c)', validated: true },
      { name: 't_b_check', columns: ['b'], definition: 'CHECK (b > 0)', validated: false },
    ]);
  });

  it('knows which indexes a plan can rebuild itself', () => {
    const idx = Object.fromEntries(schema().tables.get('people')!.indexes.map((i) => [i.name, [i.unique, i.simple, i.constraint ?? '']]));
    assert.deepEqual(idx, { users_email_key: [true, true, ''], users_lower: [false, false, ''], users_partial: [false, false, ''], users_pkey: [true, true, 'primary'] });
  });

  it('follows table renames for foreign keys, and forgets dropped tables', () => {
    const s = schema();
    assert.ok(!s.tables.has('gone'));
    const fks = referencesTo(s, 'people');
    assert.deepEqual(fks.map((f) => [f.table, f.name, f.columns, f.refColumns, f.actions]), [['orders', 'orders_user_id_fkey', ['user_id'], ['id'], 'ON DELETE CASCADE']]);
    assert.equal(s.sequenceOwners.get('users_id_seq')?.table, 'people');
  });

  it('renders back to DDL that replays to the same tables', () => {
    const s = schema();
    const again = schemaFromSql(schemaSql(s), DEFAULT_CONFIG);
    assert.deepEqual([...again.tables.keys()].sort(), [...s.tables.keys()].sort());
    assert.deepEqual(again.tables.get('people')!.columns.map((c) => c.name), s.tables.get('people')!.columns.map((c) => c.name));
    assert.deepEqual(referencesTo(again, 'people').map((f) => f.name), ['orders_user_id_fkey']);
  });
});

describe('scaffold: schema from goose and dbmate files', () => {
  before(() => initEngine());
  it('replays up sections only: a down section does not drop what its up section made', () => {
    const sql = '-- +goose Up\nCREATE TABLE users (id bigserial PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n;\n-- migrate:up\nCREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);\n-- migrate:down\nDROP TABLE orders;\n';
    const s = schemaFromSql(sql, DEFAULT_CONFIG);
    assert.deepEqual([...s.tables.keys()].sort(), ['orders', 'users']);
    assert.deepEqual(referencesTo(s, 'users').map((f) => f.table), ['orders']);
  });
});
