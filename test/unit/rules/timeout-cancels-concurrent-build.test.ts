import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql } from '../../../server/src/engine';
import { fixAll } from '../../../server/src/fixes/fixAll';
import { findingsOf, lint } from '../../support/lint';

const RULE = 'timeout-cancels-concurrent-build';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint) PARTITION BY RANGE (id);\nCREATE TABLE orders_1 PARTITION OF orders FOR VALUES FROM (0) TO (100);\nCREATE INDEX orders_1_user_idx ON orders_1 (user_id);';
const CIC = 'CREATE INDEX CONCURRENTLY orders_1_id_idx ON orders_1 (id);';

describe(`rule ${RULE}`, () => {
  it('flags a CONCURRENTLY build, REINDEX CONCURRENTLY and DETACH CONCURRENTLY under a statement_timeout set earlier, naming where', async () => {
    const [f, ...rest] = await findingsOf(RULE, `SET lock_timeout = '2s';\nSET statement_timeout = '60s';\n${CIC}`, { setup: ORDERS });
    assert.deepEqual(rest, []);
    assert.match(f.message, /statement_timeout = '60s' \(from `SET statement_timeout = '60s'`\) is still in force here/);
    assert.match(f.message, /leaves an INVALID index orders_1_id_idx/);
    const [reindex] = await findingsOf(RULE, "SET statement_timeout = '5min';\nREINDEX INDEX CONCURRENTLY orders_1_user_idx;", { setup: ORDERS });
    assert.match(reindex.message, /_ccnew/);
    const [detach] = await findingsOf(RULE, "SET statement_timeout = '5min';\nALTER TABLE orders DETACH PARTITION orders_1 CONCURRENTLY;", { setup: ORDERS });
    assert.match(detach.message, /detach pending/);
  });

  it('does not flag without a timeout, after it is turned off or reset, a SET LOCAL that ended with its transaction, or a plain build', async () => {
    assert.deepEqual(await findingsOf(RULE, CIC, { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `SET statement_timeout = '60s';\nSET statement_timeout = 0;\n${CIC}`, { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `SET statement_timeout = '60s';\nRESET statement_timeout;\n${CIC}`, { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\nSET LOCAL statement_timeout = '60s';\nCOMMIT;\n${CIC}`, { setup: ORDERS, config: { runner: 'plain' } }), []);
    assert.deepEqual(await findingsOf(RULE, "SET statement_timeout = '60s';\nCREATE INDEX orders_1_id_idx ON orders_1 (id);", { setup: ORDERS }), []);
  });

  it('lint --fix turns the timeout off right before the build, and the result lints clean of it', async () => {
    const config = { ...DEFAULT_CONFIG };
    const sql = `SET lock_timeout = '2s';\nSET statement_timeout = '60s';\nDROP INDEX CONCURRENTLY IF EXISTS orders_1_id_idx;\n${CIC}\n`;
    const { text } = fixAll(sql, { config, schema: catalogFromSql(ORDERS, config), path: '/m/0002_x.sql' });
    assert.match(text, /\nSET statement_timeout = 0;\nDROP INDEX CONCURRENTLY IF EXISTS orders_1_id_idx;\nCREATE INDEX CONCURRENTLY orders_1_id_idx/);
    assert.equal(text.split("DROP INDEX").length, 2, "the guard is not duplicated");
    assert.deepEqual((await lint(text, { setup: ORDERS, path: '/m/0002_x.sql' })).findings.filter((f) => f.ruleId === RULE), []);
  });
});
