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

  it('judges REINDEX SCHEMA too: the model locks every table of the schema in turn', async () => {
    const findings = await findingsOf(RULE, 'REINDEX SCHEMA public;', { setup: ORDERS });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /ACCESS EXCLUSIVE lock on orders_pkey/);
  });
});
