import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'refresh-matview-no-data';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;';

describe(`rule ${RULE}`, () => {
  it('flags REFRESH … WITH NO DATA on an existing view: every read then fails', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW order_counts WITH NO DATA;', { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(f.message, /every query on order_counts fails with "materialized view has not been populated"/);
  });

  it('does not flag a refresh with data, a view created in this migration, or a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW order_counts;', { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `${SETUP}\nREFRESH MATERIALIZED VIEW order_counts WITH NO DATA;`), []);
    assert.deepEqual(await findingsOf(RULE, 'REFRESH MATERIALIZED VIEW order_counts WITH NO DATA;', { setup: SETUP, path: '/m/000002_x.down.sql' }), []);
  });
});
