import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { sqlName } from '../../../server/src/locks/modes';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'require-concurrent-drop-index';
const SETUP =
  'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);\n' +
  'CREATE INDEX orders_user_id_idx ON orders (user_id);\n' +
  'CREATE INDEX orders_status_idx ON orders (status);';

describe(`rule ${RULE}`, () => {
  it("flags DROP INDEX, naming the model's ACCESS EXCLUSIVE lock on the index's table", async () => {
    const sql = 'DROP INDEX orders_user_id_idx;';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), sql);
    assert.equal(f.severity, 'warning');
    const table = explain(await lint(sql, { setup: SETUP }))[0].relations.find((r) => r.kind === 'table');
    assert.equal(table?.relation, 'orders');
    assert.equal(sqlName(table!.mode), 'ACCESS EXCLUSIVE');
    assert.match(f.message, /an ACCESS EXCLUSIVE lock on orders, blocking reads and writes/);
    assert.match(f.message, /DROP INDEX CONCURRENTLY/);
  });

  it('flags IF EXISTS and schema-qualified names', async () => {
    const sql = 'DROP INDEX IF EXISTS orders_user_id_idx;\nDROP INDEX public.orders_status_idx;';
    const hits = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), sql.split('\n'));
  });

  it('does not flag DROP INDEX CONCURRENTLY', async () => {
    assert.deepEqual(await findingsOf(RULE, 'DROP INDEX CONCURRENTLY orders_user_id_idx;', { setup: SETUP }), []);
  });

  it('does not flag dropping an index created earlier in the same migration', async () => {
    const sql = 'CREATE TABLE drafts (id bigint, title text);\nCREATE INDEX drafts_title_idx ON drafts (title);\nDROP INDEX drafts_title_idx;';
    assert.deepEqual(await findingsOf(RULE, sql), []);
  });

  it('flags the same drop when the index comes from an earlier migration', async () => {
    const setup = 'CREATE TABLE drafts (id bigint, title text);\nCREATE INDEX drafts_title_idx ON drafts (title);';
    const hits = await findingsOf(RULE, 'DROP INDEX drafts_title_idx;', { setup });
    assert.equal(hits.length, 1);
    assert.match(hits[0].message, /lock on drafts\b/);
  });

  it('flags a multi-index drop when any of the indexes existed before the migration', async () => {
    const sql = 'CREATE INDEX CONCURRENTLY orders_id_status_idx ON orders (id, status);\nDROP INDEX orders_id_status_idx, orders_status_idx;';
    const hits = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['DROP INDEX orders_id_status_idx, orders_status_idx;']);
  });

  it('still flags an index Lockstep has never seen (its table is unknown, the lock is not)', async () => {
    const [f] = await findingsOf(RULE, 'DROP INDEX legacy_idx;');
    assert.match(f.message, /ACCESS EXCLUSIVE/);
  });

  it('leaves other DROP statements alone', async () => {
    assert.deepEqual(await findingsOf(RULE, 'DROP TABLE orders;', { setup: SETUP }), []);
  });
});

describe('require-concurrent-drop-index: rollbacks of the up migration (issue 10)', () => {
  const RULE = 'require-concurrent-drop-index';
  const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';

  it("a goose Down section's DROP INDEX of the index its Up created is not flagged", async () => {
    const sql = '-- +goose Up\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n-- +goose Down\nDROP INDEX orders_user_idx;\n';
    assert.deepEqual(await findingsOf(RULE, sql, { setup: ORDERS }), []);
    // An index the Up did not create is still flagged in the Down.
    const older = `${ORDERS}\nCREATE INDEX orders_old_idx ON orders (user_id);`;
    const other = '-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP INDEX orders_old_idx;\n';
    assert.equal((await findingsOf(RULE, other, { setup: older })).length, 1);
  });

  it("a golang-migrate .down.sql or Diesel down.sql dropping an index no earlier migration created (its up's) is not flagged", async () => {
    assert.deepEqual(await findingsOf(RULE, 'DROP INDEX orders_user_idx;\n', { path: 'migrations/000007_orders_user.down.sql', setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, 'DROP INDEX orders_user_idx;\n', { path: 'migrations/2024-01-01-000000_orders_user/down.sql', setup: ORDERS }), []);
    // The same statement in an up migration, or a down file dropping an index from an earlier migration, is flagged.
    assert.equal((await findingsOf(RULE, 'DROP INDEX orders_user_idx;\n', { path: 'migrations/000007_orders_user.up.sql', setup: ORDERS })).length, 1);
    const older = `${ORDERS}\nCREATE INDEX orders_user_idx ON orders (user_id);`;
    assert.equal((await findingsOf(RULE, 'DROP INDEX orders_user_idx;\n', { path: 'migrations/000007_x.down.sql', setup: older })).length, 1);
  });
});
