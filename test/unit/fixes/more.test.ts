/** Fixes for foreign keys without an index, and back-to-back ALTER TABLEs. */
import assert from 'node:assert/strict';
import { fixed, rulesIn } from './support';

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note text);';

describe('fixes: indexes for foreign keys, combined ALTERs', () => {
  it('foreign-key-needs-index: CONCURRENTLY after the statement on an existing table, plainly on a new one', async () => {
    const existing = await fixed('foreign-key-needs-index', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', { setup: SETUP });
    assert.equal(existing.fix.safe, false, 'it adds an index: a decision, not a rewrite');
    assert.equal(
      existing.text,
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        'DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
    );
    assert.ok(!rulesIn(existing.left).includes('foreign-key-needs-index'));
    const created = await fixed('foreign-key-needs-index', 'CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));', { setup: SETUP });
    assert.equal(created.text, 'CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\nCREATE INDEX items_order_id_idx ON items (order_id);');
  });

  it('combine-alters: the subcommands join the previous ALTER TABLE, as written (safe)', async () => {
    const sql = "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text,\n  DROP COLUMN note;\n";
    const { fix, text, left } = await fixed('combine-alters', sql, { setup: SETUP, config: { rules: { 'drop-column': 'off' } } });
    assert.equal(fix.safe, true);
    assert.equal(text, "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text, ADD COLUMN b text,\n  DROP COLUMN note;\n");
    assert.deepEqual(rulesIn(left), []);
  });
});
