import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'requires-newer-postgres';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note text) PARTITION BY RANGE (id);\nCREATE TABLE orders_1 PARTITION OF orders FOR VALUES FROM (0) TO (100);\nCREATE INDEX orders_user_id_idx ON orders_1 (user_id);';

const CASES: [string, number, RegExp][] = [
  ['REINDEX INDEX CONCURRENTLY orders_user_id_idx;', 12, /REINDEX … CONCURRENTLY needs PostgreSQL 12 or later, but the target is PostgreSQL 11/],
  ['ALTER TABLE orders DETACH PARTITION orders_1 CONCURRENTLY;', 14, /DETACH PARTITION … CONCURRENTLY needs PostgreSQL 14/],
  ['ALTER TABLE orders_1 ADD CONSTRAINT orders_1_note_nn NOT NULL note NOT VALID;', 18, /NOT NULL … NOT VALID needs PostgreSQL 18/],
  ['CREATE UNIQUE INDEX CONCURRENTLY orders_note_key ON orders_1 (note) NULLS NOT DISTINCT;', 15, /NULLS NOT DISTINCT needs PostgreSQL 15/],
  ["SET transaction_timeout = '5min';", 17, /transaction_timeout needs PostgreSQL 17/],
  // The rule looks for the feature's keyword in the text before it walks the AST: any case, any
  // comment or line break between words must still be found.
  ['alter table orders_1 add constraint orders_1_note_nn not null note not/* later */valid;', 18, /NOT NULL … NOT VALID needs PostgreSQL 18/],
  ['ALTER TABLE orders_1 ADD CONSTRAINT orders_1_note_key UNIQUE NULLS NOT\n  Distinct (note);', 15, /NULLS NOT DISTINCT needs PostgreSQL 15/],
  ['alter table orders_1 add column total bigint generated always as (id * 2) stored;', 12, /generated columns \(GENERATED ALWAYS AS …\) needs PostgreSQL 12/],
  ['create table orders_rest partition of orders Default;', 11, /a DEFAULT partition needs PostgreSQL 11/],
];

describe(`rule ${RULE}`, () => {
  for (const [sql, since, message] of CASES) {
    it(`${sql}: an error below PostgreSQL ${since}, nothing from ${since}`, async () => {
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP, config: { pgVersion: since - 1 } });
      assert.deepEqual(rest, []);
      assert.equal(f.severity, 'error');
      assert.match(f.message.replace(`PostgreSQL ${since - 1}`, 'PostgreSQL 11'), message);
      assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP, config: { pgVersion: since } }), []);
    });
  }
});
