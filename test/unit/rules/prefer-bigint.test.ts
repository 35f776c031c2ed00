import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'prefer-bigint';

describe(`rule ${RULE}`, () => {
  it('reports int and smallint primary keys, identity and serial columns, citing the rewrite a later widening costs', async () => {
    const sql = 'CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq serial, code smallint, PRIMARY KEY (code));';
    const hits = await findingsOf(RULE, sql);
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'seq serial', 'code smallint']);
    assert.match(hits[0].message, /is an int key, which runs out at 2,147,483,647/);
    assert.match(hits[0].message, /int4 → int8 is not binary-coercible: the table and its indexes are rewritten/);
    assert.match(hits[2].message, /is a smallint key, which runs out at 32,767/);
  });

  it('does not report ordinary int columns, bigint keys, or a key that references another table', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE orders (id bigint PRIMARY KEY, qty int, ref bigserial);'), []);
    const oneToOne = 'CREATE TABLE user_settings (user_id int PRIMARY KEY REFERENCES users (id));';
    assert.deepEqual(await findingsOf(RULE, oneToOne), []);
    const tableFk = 'CREATE TABLE user_prefs (user_id int, PRIMARY KEY (user_id), FOREIGN KEY (user_id) REFERENCES users (id));';
    assert.deepEqual(await findingsOf(RULE, tableFk), []);
  });
});
