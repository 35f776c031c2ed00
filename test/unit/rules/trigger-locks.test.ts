/**
 * The landscape's "triggers" topic has no rule of its own: the only danger of trigger DDL is the
 * lock it queues for, and require-lock-timeout reports that, naming the lock from the model.
 */
import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const SETUP =
  'CREATE TABLE orders (id bigint PRIMARY KEY);\n' +
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
  'CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();';

describe('trigger DDL (covered by require-lock-timeout)', () => {
  for (const [sql, lock] of [
    ['CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();', 'SHARE ROW EXCLUSIVE'],
    ['ALTER TABLE orders DISABLE TRIGGER orders_touch;', 'SHARE ROW EXCLUSIVE'],
    ['ALTER TABLE orders ENABLE TRIGGER orders_touch;', 'SHARE ROW EXCLUSIVE'],
    ['DROP TRIGGER orders_touch ON orders;', 'ACCESS EXCLUSIVE'],
  ]) {
    it(`${sql.split(' ').slice(0, 3).join(' ')}: requests ${lock} on orders, and says so`, async () => {
      const [f, ...rest] = await findingsOf('require-lock-timeout', sql, { setup: SETUP });
      assert.deepEqual(rest, []);
      assert.match(f.message, new RegExp(`requests an? ${lock} lock on orders`));
    });
  }

  it('is satisfied by a lock_timeout, and quiet for a table created in the migration', async () => {
    assert.deepEqual(await findingsOf('require-lock-timeout', "SET lock_timeout = '2s';\nDROP TRIGGER orders_touch ON orders;", { setup: SETUP }), []);
    assert.deepEqual(await findingsOf('require-lock-timeout', `${SETUP}\nDROP TRIGGER orders_touch ON orders;`), []);
  });
});
