import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'missing-if-exists';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
const NO_TX = '-- +goose NO TRANSACTION\n-- +goose Up\n';
const CIC = 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);';

describe(`rule ${RULE}`, () => {
  it('outside a transaction, flags statements that fail on rerun when a later statement can fail', async () => {
    const sql = `${NO_TX}CREATE TABLE audit (id int);\nALTER TABLE orders ADD COLUMN note text, DROP COLUMN user_id;\nDROP TABLE legacy;\nSELECT 1;`;
    const hits = await findingsOf(RULE, sql, { setup: `${ORDERS}\nCREATE TABLE legacy (id int);` });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), [
      'CREATE TABLE audit (id int);',
      'note text',
      'DROP COLUMN user_id',
      'DROP TABLE legacy;',
    ]);
    assert.match(hits[0].message, /Use CREATE TABLE IF NOT EXISTS/);
    assert.match(hits[3].message, /Use DROP TABLE IF EXISTS/);
    assert.equal(hits[0].severity, 'info');
  });

  it('does not flag inside a transaction: a failure rolls everything back (squawk#385)', async () => {
    const sql = 'CREATE TABLE audit (id int);\nDROP TABLE legacy;\nSELECT 1;';
    assert.deepEqual(await findingsOf(RULE, `-- +goose Up\n${sql}`), []);
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${sql}\nCOMMIT;`, { config: { runner: 'plain' } }), []);
  });

  it('does not flag the last statement (nothing after it can fail), nor guarded forms', async () => {
    assert.deepEqual(await findingsOf(RULE, `${NO_TX}CREATE TABLE IF NOT EXISTS audit (id int);\nDROP TABLE IF EXISTS legacy;\nCREATE TABLE audit2 (id int);`), []);
  });

  it('CREATE INDEX CONCURRENTLY: IF NOT EXISTS would hide an INVALID leftover (strong_migrations#82); DROP … IF EXISTS first is the fix', async () => {
    const [plain] = await findingsOf(RULE, `${NO_TX}${CIC}`, { setup: ORDERS });
    assert.match(plain.message, /leaves an INVALID index behind/);
    assert.match(plain.message, /DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;/);
    const [guarded] = await findingsOf(RULE, `${NO_TX}${CIC.replace('CONCURRENTLY', 'CONCURRENTLY IF NOT EXISTS')}`, { setup: ORDERS });
    assert.match(guarded.message, /IF NOT EXISTS then skips the INVALID index/);
    assert.deepEqual(await findingsOf(RULE, `${NO_TX}DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n${CIC}`, { setup: ORDERS }), []);
  });

  it('stays out of files no runner claims unless the config says they are plain SQL', async () => {
    const sql = 'CREATE TABLE audit (id int);\nSELECT 1;';
    assert.deepEqual(await findingsOf(RULE, sql), []);
    assert.equal((await findingsOf(RULE, sql, { config: { runner: 'plain' } })).length, 1);
  });
});
