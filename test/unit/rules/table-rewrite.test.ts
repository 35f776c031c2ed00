import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'table-rewrite';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\nCREATE INDEX orders_note_idx ON orders (note);';

describe(`rule ${RULE}`, () => {
  for (const [sql, what] of [
    ['VACUUM FULL orders;', 'VACUUM FULL'],
    ['CLUSTER orders USING orders_note_idx;', 'CLUSTER'],
    ['ALTER TABLE orders SET UNLOGGED;', 'SET UNLOGGED'],
    ['ALTER TABLE orders SET LOGGED;', 'SET LOGGED'],
    ['ALTER TABLE orders SET ACCESS METHOD columnar;', 'SET ACCESS METHOD'],
  ]) {
    it(`flags ${what} with the ACCESS EXCLUSIVE lock of the copy`, async () => {
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: ORDERS });
      assert.deepEqual(rest, []);
      assert.match(f.message, /copies orders and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock on orders/);
    });
  }

  it('underlines the subcommand of an ALTER TABLE', async () => {
    const sql = 'ALTER TABLE orders SET (fillfactor = 70), SET UNLOGGED;';
    const [f] = await findingsOf(RULE, sql, { setup: ORDERS });
    assert.equal(f.span.end - f.span.start < sql.length, true);
    assert.match(underlined(sql, f), /SET UNLOGGED/);
  });

  it('does not flag plain VACUUM, ANALYZE, SET ACCESS METHOD heap, or a table created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, 'VACUUM orders;\nANALYZE orders;\nALTER TABLE orders SET ACCESS METHOD heap;', { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `${ORDERS}\nALTER TABLE orders SET UNLOGGED;`), []);
  });
});

describe('table-rewrite: CLUSTER; and VACUUM FULL; with no table (issue 10)', () => {
  it('flags both outside a transaction, with the per-table lock from the lock model', async () => {
    for (const sql of ['CLUSTER;', 'VACUUM FULL;', 'VACUUM (FULL);']) {
      const [f, ...rest] = await findingsOf('table-rewrite', sql);
      assert.deepEqual(rest, [], sql);
      assert.match(f.message, /without a table copies every table of the database/);
      assert.match(f.message, /an ACCESS EXCLUSIVE lock on each table, blocking reads and writes/);
    }
  });

  it('leaves plain VACUUM alone, and leaves the in-transaction case to concurrent-in-transaction', async () => {
    assert.deepEqual(await findingsOf('table-rewrite', 'VACUUM;'), []);
    assert.deepEqual(await findingsOf('table-rewrite', 'VACUUM ANALYZE;'), []);
    assert.deepEqual(await findingsOf('table-rewrite', 'BEGIN;\nCLUSTER;\nCOMMIT;'), []);
  });
});
