/** CONCURRENTLY fixes: CREATE INDEX, DROP INDEX, REINDEX, DETACH PARTITION, REFRESH MATERIALIZED VIEW. */
import assert from 'node:assert/strict';
import { fixed, fixesOf, rulesIn } from './support';

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);';
const EVENTS =
  'CREATE TABLE events (id bigint, day date) PARTITION BY RANGE (day);\n' +
  "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" +
  "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";

describe('fixes: CONCURRENTLY', () => {
  it('require-concurrent-index: writes CONCURRENTLY after INDEX, keeps comments and layout, drops an invalid leftover first', async () => {
    const sql = "CREATE UNIQUE INDEX /* keep */ orders_status_key\n  ON public.orders USING btree (lower(status)) WHERE status <> 'x';";
    const { fix, text, left } = await fixed('require-concurrent-index', sql, { setup: ORDERS });
    assert.equal(fix.title, 'Build the index CONCURRENTLY');
    assert.equal(fix.safe, true);
    assert.equal(
      text,
      'DROP INDEX CONCURRENTLY IF EXISTS public.orders_status_key;\n' +
        "CREATE UNIQUE INDEX CONCURRENTLY /* keep */ orders_status_key\n  ON public.orders USING btree (lower(status)) WHERE status <> 'x';",
    );
    assert.deepEqual(rulesIn(left).filter((r) => r !== 'require-lock-timeout'), []);
  });

  it('require-concurrent-index: never adds IF NOT EXISTS, and an unnamed index gets no DROP (there is no name to drop)', async () => {
    const { text } = await fixed('require-concurrent-index', 'CREATE INDEX ON orders (user_id)', { setup: ORDERS });
    assert.equal(text, 'CREATE INDEX CONCURRENTLY ON orders (user_id)');
    const named = await fixed('require-concurrent-index', 'CREATE INDEX i ON orders (user_id);', { setup: ORDERS });
    assert.doesNotMatch(named.text, /IF NOT EXISTS/);
  });

  it('require-concurrent-index on a partitioned table: ON ONLY the parent, each partition CONCURRENTLY, then ATTACH', async () => {
    const { fix, text, left } = await fixed('require-concurrent-index', 'CREATE INDEX events_day_idx ON events (day);', { setup: EVENTS });
    assert.equal(fix.safe, false);
    assert.equal(
      text,
      [
        'CREATE INDEX events_day_idx ON ONLY events (day);',
        'CREATE INDEX CONCURRENTLY events_2024_day_idx ON events_2024 (day);',
        'ALTER INDEX events_day_idx ATTACH PARTITION events_2024_day_idx;',
        'CREATE INDEX CONCURRENTLY events_2025_day_idx ON events_2025 (day);',
        'ALTER INDEX events_day_idx ATTACH PARTITION events_2025_day_idx;',
      ].join('\n'),
    );
    assert.ok(!rulesIn(left).includes('require-concurrent-index'));
  });

  it('require-concurrent-drop-index: one DROP INDEX CONCURRENTLY per index, IF EXISTS kept; none for CASCADE', async () => {
    const setup = `${ORDERS}\nCREATE INDEX a ON orders (user_id);\nCREATE INDEX b ON orders (status);`;
    const single = await fixed('require-concurrent-drop-index', 'DROP INDEX a;', { setup });
    assert.equal(single.text, 'DROP INDEX CONCURRENTLY a;');
    const { text } = await fixed('require-concurrent-drop-index', 'DROP INDEX IF EXISTS a, public.b;', { setup });
    assert.equal(text, 'DROP INDEX CONCURRENTLY IF EXISTS a;\nDROP INDEX CONCURRENTLY IF EXISTS public.b;');
    assert.deepEqual(await fixesOf('require-concurrent-drop-index', 'DROP INDEX a CASCADE;', { setup }), []);
  });

  it('require-concurrent-reindex: CONCURRENTLY after the target keyword, past an options list; nothing before PostgreSQL 12', async () => {
    const { text, fix } = await fixed('require-concurrent-reindex', 'REINDEX (VERBOSE) TABLE orders;', { setup: ORDERS });
    assert.equal(text, 'REINDEX (VERBOSE) TABLE CONCURRENTLY orders;');
    assert.equal(fix.safe, true);
    assert.deepEqual(await fixesOf('require-concurrent-reindex', 'REINDEX TABLE orders;', { setup: ORDERS, config: { pgVersion: 11 } }), []);
  });

  it('require-concurrent-detach: CONCURRENTLY after the partition, PostgreSQL 14+, not in fix-all (a DEFAULT partition refuses it)', async () => {
    const { text, fix } = await fixed('require-concurrent-detach', 'ALTER TABLE events DETACH PARTITION events_2024;', { setup: EVENTS });
    assert.equal(text, 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;');
    assert.equal(fix.safe, false);
  });

  it('refresh-matview-concurrently: only when an index on the view is known', async () => {
    const setup = `${ORDERS}\nCREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;`;
    assert.deepEqual(await fixesOf('refresh-matview-concurrently', 'REFRESH MATERIALIZED VIEW counts;', { setup }), []);
    const { text } = await fixed('refresh-matview-concurrently', 'REFRESH MATERIALIZED VIEW counts;', { setup: `${setup}\nCREATE UNIQUE INDEX counts_user ON counts (user_id);` });
    assert.equal(text, 'REFRESH MATERIALIZED VIEW CONCURRENTLY counts;');
  });
});
