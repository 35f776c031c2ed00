/** NOT VALID + VALIDATE, the NOT NULL path, UNIQUE / PRIMARY KEY USING INDEX. */
import assert from 'node:assert/strict';
import { fixed, fixesOf, rulesIn } from './support';

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);';

describe('fixes: constraints', () => {
  it('require-not-valid: NOT VALID at the end of the clause, VALIDATE after the statement', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;';
    const { fix, text, left } = await fixed('require-not-valid', sql, { setup: SETUP });
    assert.equal(fix.safe, true);
    assert.equal(
      text,
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
    );
    assert.ok(!rulesIn(left).includes('require-not-valid'));
  });

  it('require-not-valid: an unnamed CHECK gets the name PostgreSQL would give it, so VALIDATE can name it; layout kept', async () => {
    const sql = "ALTER TABLE orders\n  ADD CHECK (amount > 0) NO INHERIT, ADD COLUMN note text;";
    const { text } = await fixed('require-not-valid', sql, { setup: SETUP });
    assert.equal(
      text,
      'ALTER TABLE orders\n  ADD CONSTRAINT orders_amount_check CHECK (amount > 0) NO INHERIT NOT VALID, ADD COLUMN note text;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;',
    );
  });

  it('require-not-valid: picks a free name when the default one is taken', async () => {
    const { text } = await fixed('require-not-valid', 'ALTER TABLE orders ADD CHECK (amount > 0);', {
      setup: `${SETUP}\nALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount < 100);`,
    });
    assert.match(text, /ADD CONSTRAINT orders_amount_check1 CHECK/);
  });

  it('set-not-null: CHECK NOT VALID, VALIDATE, the original SET NOT NULL, DROP CONSTRAINT (PostgreSQL 12+)', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;';
    const { fix, text, left } = await fixed('set-not-null', sql, { setup: SETUP });
    assert.equal(fix.safe, true);
    assert.equal(
      text,
      [
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_not_null_check;',
      ].join('\n'),
    );
    assert.ok(!rulesIn(left).includes('set-not-null'));
    assert.deepEqual(await fixesOf('set-not-null', sql, { setup: SETUP, config: { pgVersion: 11 } }), [], 'no scan-free path before 12');
  });

  it('unique-constraint-needs-index: the other subcommands stay, the index is built CONCURRENTLY, then attached with its options', async () => {
    const sql = 'ALTER TABLE orders ADD COLUMN note text, ADD CONSTRAINT orders_amount_key UNIQUE (amount) INCLUDE (id) DEFERRABLE;';
    const { text, left } = await fixed('unique-constraint-needs-index', sql, { setup: SETUP });
    assert.equal(
      text,
      [
        'ALTER TABLE orders ADD COLUMN note text;',
        'DROP INDEX CONCURRENTLY IF EXISTS orders_amount_key;',
        'CREATE UNIQUE INDEX CONCURRENTLY orders_amount_key ON orders (amount) INCLUDE (id);',
        'ALTER TABLE orders ADD CONSTRAINT orders_amount_key UNIQUE USING INDEX orders_amount_key DEFERRABLE;',
      ].join('\n'),
    );
    assert.ok(!rulesIn(left).includes('unique-constraint-needs-index'));
  });

  it('unique-constraint-needs-index on a new column: the column is added without UNIQUE first', async () => {
    const { text } = await fixed('unique-constraint-needs-index', 'ALTER TABLE orders ADD COLUMN code text UNIQUE;', { setup: SETUP });
    assert.equal(
      text,
      [
        'ALTER TABLE orders ADD COLUMN code text;',
        'DROP INDEX CONCURRENTLY IF EXISTS orders_code_key;',
        'CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON orders (code);',
        'ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX orders_code_key;',
      ].join('\n'),
    );
  });

  it('primary-key-needs-index: proves the column NOT NULL first unless the schema says it already is', async () => {
    const sql = 'ALTER TABLE events ADD PRIMARY KEY (id);';
    const nullable = await fixed('primary-key-needs-index', sql, { setup: 'CREATE TABLE events (id bigint, payload text);' });
    assert.match(nullable.text, /CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events \(id\);\nALTER TABLE events ADD CONSTRAINT events_id_not_null_check CHECK/);
    assert.match(nullable.text, /ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;$/);
    assert.ok(!rulesIn(nullable.left).includes('primary-key-needs-index'));
    const notNull = await fixed('primary-key-needs-index', sql, { setup: 'CREATE TABLE events (id bigint NOT NULL, payload text);' });
    assert.doesNotMatch(notNull.text, /CHECK/);
  });
});
