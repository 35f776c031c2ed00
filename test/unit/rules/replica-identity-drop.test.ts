import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'replica-identity-drop';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, code text NOT NULL);\nCREATE UNIQUE INDEX orders_code_key ON orders (code);';
const PUBLISHED = `${ORDERS}\nCREATE PUBLICATION app_changes FOR TABLE orders;`;

describe(`rule ${RULE}`, () => {
  it('flags dropping the primary key of a table a publication replicates (known from history)', async () => {
    const sql = 'ALTER TABLE orders DROP CONSTRAINT orders_pkey;';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: PUBLISHED });
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(underlined(sql, f), 'DROP CONSTRAINT orders_pkey');
    assert.match(f.message, /Dropping the primary key orders_pkey removes the replica identity of orders, which publication app_changes replicates/);
    assert.match(f.message, /rejects every UPDATE and DELETE on orders/);
  });

  it('flags dropping the REPLICA IDENTITY USING INDEX index, and REPLICA IDENTITY NOTHING; FOR ALL TABLES and TABLES IN SCHEMA count', async () => {
    const usingIndex = `${PUBLISHED}\nALTER TABLE orders REPLICA IDENTITY USING INDEX orders_code_key;`;
    const [drop] = await findingsOf(RULE, 'DROP INDEX CONCURRENTLY orders_code_key;', { setup: usingIndex });
    assert.match(drop.message, /Dropping index orders_code_key, the replica identity/);
    // With an index as replica identity, the primary key is no longer needed for it.
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE orders DROP CONSTRAINT orders_pkey;', { setup: usingIndex }), []);
    assert.equal((await findingsOf(RULE, 'ALTER TABLE orders REPLICA IDENTITY NOTHING;', { setup: `${ORDERS}\nCREATE PUBLICATION everything FOR ALL TABLES;` })).length, 1);
    assert.equal((await findingsOf(RULE, 'ALTER TABLE orders DROP CONSTRAINT orders_pkey;', { setup: `${ORDERS}\nCREATE PUBLICATION s FOR TABLES IN SCHEMA public;` })).length, 1);
  });

  it('follows the publication through the same migration', async () => {
    const [f] = await findingsOf(RULE, 'CREATE PUBLICATION app_changes FOR TABLE orders;\nALTER TABLE orders DROP CONSTRAINT orders_pkey;', { setup: ORDERS });
    assert.match(f.message, /app_changes/);
  });

  it('does not flag an unpublished table, an insert-only publication, a table removed from it, REPLICA IDENTITY FULL first, or a dropped publication', async () => {
    const sql = 'ALTER TABLE orders DROP CONSTRAINT orders_pkey;';
    assert.deepEqual(await findingsOf(RULE, sql, { setup: ORDERS }), []);
    assert.deepEqual(await findingsOf(RULE, sql, { setup: `${ORDERS}\nCREATE PUBLICATION inserts FOR TABLE orders WITH (publish = 'insert');` }), []);
    assert.deepEqual(await findingsOf(RULE, sql, { setup: `${PUBLISHED}\nALTER PUBLICATION app_changes DROP TABLE orders;` }), []);
    assert.deepEqual(await findingsOf(RULE, `ALTER TABLE orders REPLICA IDENTITY FULL;\n${sql}`, { setup: PUBLISHED }), []);
    assert.deepEqual(await findingsOf(RULE, sql, { setup: `${PUBLISHED}\nDROP PUBLICATION app_changes;` }), []);
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE orders DROP CONSTRAINT orders_code_check;', { setup: PUBLISHED }), []);
  });
});
