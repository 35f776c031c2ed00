import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'prefer-timestamptz';

describe(`rule ${RULE}`, () => {
  it('reports timestamp without time zone, with what converting later costs from the lock model', async () => {
    const sql = 'CREATE TABLE events (id bigint, happened_at timestamp(3) NOT NULL);';
    const [f, ...rest] = await findingsOf(RULE, sql);
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'happened_at timestamp(3) NOT NULL');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /Converting later: timestamp → timestamptz rewrites the table unless the session TimeZone is UTC/);
  });

  it('on PostgreSQL 11 converting later always rewrites', async () => {
    const [f] = await findingsOf(RULE, 'ALTER TABLE events ADD COLUMN seen_at timestamp without time zone;', { config: { pgVersion: 11 } });
    assert.match(f.message, /timestamp → timestamptz is not binary-coercible/);
  });

  it('does not report timestamptz, date or time', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE events (a timestamptz, b timestamp with time zone, c date, d time);'), []);
  });
});
