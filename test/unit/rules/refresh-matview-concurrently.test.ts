import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'refresh-matview-concurrently';
const SETUP =
  'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n' +
  'CREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;';

describe(`rule ${RULE}`, () => {
  it('flags REFRESH without CONCURRENTLY with the ACCESS EXCLUSIVE lock on the view', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW order_counts;', { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on order_counts, blocking reads and writes/);
    assert.match(f.message, /REFRESH MATERIALIZED VIEW CONCURRENTLY: readers continue \(it needs a UNIQUE index/);
  });

  it('does not flag CONCURRENTLY, WITH NO DATA, or a view created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_counts;', { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW order_counts WITH NO DATA;', { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `${SETUP}\nREFRESH MATERIALIZED VIEW order_counts;`), []);
  });
});
