import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'many-tables-locked';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE items (id bigint PRIMARY KEY);';
const A = 'ALTER TABLE users ADD COLUMN plan text;';
const B = 'ALTER TABLE orders ADD COLUMN note text;';
const C = 'ALTER TABLE items ADD COLUMN sku text;';

describe(`rule ${RULE}`, () => {
  it('reports, once per transaction, the statement that locks a second table ACCESS EXCLUSIVE, with the total', async () => {
    const sql = `BEGIN;\n${A}\n${B}\n${C}\nCOMMIT;`;
    const hits = await findingsOf(RULE, sql, { setup: SETUP });
    assert.equal(hits.length, 1);
    assert.equal(underlined(sql, hits[0]), B);
    assert.equal(hits[0].severity, 'info');
    assert.match(hits[0].message, /^This statement takes an ACCESS EXCLUSIVE lock on orders, blocking reads and writes, while "ALTER TABLE users ADD COLUMN plan text" earlier/);
    assert.match(hits[0].message, /on 3 tables \(users, orders, items\)/);
    assert.match(hits[0].message, /deadlock/);
  });

  it('is quiet when each table gets its own transaction, or runs in autocommit', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${A}\nCOMMIT;\nBEGIN;\n${B}\nCOMMIT;`, { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `${A}\n${B}`, { setup: SETUP }), []);
  });

  it('does not count several tables one statement locks (DROP TABLE and the table its foreign key references)', async () => {
    const setup = `${SETUP}\nCREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));`;
    assert.deepEqual(await findingsOf(RULE, 'BEGIN;\nDROP TABLE sessions;\nCOMMIT;', { setup }), []);
  });

  it('does not count tables created in this migration', async () => {
    const sql = `BEGIN;\nCREATE TABLE plans (id int);\nALTER TABLE plans ADD COLUMN name text;\n${A}\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP }), []);
  });
});
