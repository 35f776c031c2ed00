import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { sqlName } from '../../../server/src/locks/modes';
import { findingsOf, lint } from '../../support/lint';

const RULE = 'require-concurrent-reindex';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);';

describe(`rule ${RULE}`, () => {
  it('flags REINDEX INDEX, naming the SHARE lock on the table and the ACCESS EXCLUSIVE lock on the index from the model', async () => {
    const sql = 'REINDEX INDEX orders_user_id_idx;';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: ORDERS });
    assert.deepEqual(rest, []);
    const relations = explain(await lint(sql, { setup: ORDERS }))[0].relations;
    const table = relations.find((r) => r.relation === 'orders')!;
    const index = relations.find((r) => r.relation === 'orders_user_id_idx')!;
    assert.match(f.message, new RegExp(`^REINDEX takes a ${sqlName(table.mode)} lock on orders`));
    assert.match(f.message, new RegExp(`an ${sqlName(index.mode)} lock on orders_user_id_idx, blocking reads and writes`));
    assert.match(f.message, /Use REINDEX … CONCURRENTLY, outside a transaction/);
  });

  it('flags REINDEX TABLE and counts the indexes it rebuilds', async () => {
    const [f] = await findingsOf(RULE, 'REINDEX TABLE orders;', { setup: ORDERS });
    assert.match(f.message, /SHARE lock on orders/);
    assert.match(f.message, /and on each of its 2 indexes/);
  });

  it('does not flag REINDEX … CONCURRENTLY (either spelling)', async () => {
    assert.deepEqual(await findingsOf(RULE, 'REINDEX INDEX CONCURRENTLY orders_user_id_idx;', { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, 'REINDEX (CONCURRENTLY) TABLE orders;', { setup: ORDERS }), []);
  });

  it('does not flag a table created earlier in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${ORDERS}\nREINDEX TABLE orders;`), []);
  });

  it('PostgreSQL 11 has no CONCURRENTLY: the message gives the create-drop-rename recipe instead', async () => {
    const [f] = await findingsOf(RULE, 'REINDEX INDEX orders_user_id_idx;', { setup: ORDERS, config: { pgVersion: 11 } });
    assert.match(f.message, /PostgreSQL 11 has no REINDEX CONCURRENTLY \(it arrived in 12\)/);
    assert.match(f.message, /CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename/);
    const [g] = await findingsOf(RULE, 'REINDEX INDEX orders_user_id_idx;', { setup: ORDERS, config: { pgVersion: 12 } });
    assert.match(g.message, /Use REINDEX … CONCURRENTLY/);
  });

  it('inside a transaction it is still flagged (REINDEX itself may run there; CONCURRENTLY may not)', async () => {
    const hits = await findingsOf(RULE, 'BEGIN;\nREINDEX TABLE orders;\nCOMMIT;', { setup: ORDERS });
    assert.equal(hits.length, 1);
  });

});

describe('require-concurrent-reindex: REINDEX SCHEMA|DATABASE|SYSTEM and option booleans (issue 10)', () => {
  it('judges REINDEX SCHEMA and DATABASE: every table in turn, under the lock the model gives REINDEX TABLE', async () => {
    const [schema] = await findingsOf('require-concurrent-reindex', 'REINDEX SCHEMA public;');
    assert.match(schema.message, /^REINDEX rebuilds the indexes of every table in schema public, one table after another, taking a SHARE lock on each table/);
    assert.match(schema.message, /Use REINDEX SCHEMA CONCURRENTLY/);
    const [db] = await findingsOf('require-concurrent-reindex', 'REINDEX DATABASE app;');
    assert.match(db.message, /every table of the database/);
  });

  it('REINDEX SYSTEM has no concurrent form: flagged with that advice', async () => {
    const [f] = await findingsOf('require-concurrent-reindex', 'REINDEX SYSTEM;');
    assert.match(f.message, /REINDEX SYSTEM has no CONCURRENTLY form/);
  });

  it('leaves the CONCURRENTLY forms alone, and PostgreSQL 11 gets the create-drop-rename advice', async () => {
    assert.deepEqual(await findingsOf('require-concurrent-reindex', 'REINDEX SCHEMA CONCURRENTLY public;'), []);
    assert.deepEqual(await findingsOf('require-concurrent-reindex', 'REINDEX (CONCURRENTLY) DATABASE app;'), []);
    const [old] = await findingsOf('require-concurrent-reindex', 'REINDEX SCHEMA public;', { config: { pgVersion: 11 } });
    assert.match(old.message, /PostgreSQL 11 has no REINDEX CONCURRENTLY/);
  });

  it('(CONCURRENTLY false) is not concurrent', async () => {
    const setup = 'CREATE TABLE orders (id bigint PRIMARY KEY);';
    assert.equal((await findingsOf('require-concurrent-reindex', 'REINDEX (CONCURRENTLY false) TABLE orders;', { setup })).length, 1);
    assert.equal((await findingsOf('require-concurrent-reindex', 'REINDEX (CONCURRENTLY 0) SCHEMA public;')).length, 1);
    assert.deepEqual(await findingsOf('require-concurrent-reindex', 'REINDEX (CONCURRENTLY true) TABLE orders;', { setup }), []);
  });
});
