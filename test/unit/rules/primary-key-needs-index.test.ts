import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'primary-key-needs-index';
const EVENTS = 'CREATE TABLE events (id bigint NOT NULL, tenant_id bigint, payload text);';

describe(`rule ${RULE}`, () => {
  it('flags ADD PRIMARY KEY: the index is built under ACCESS EXCLUSIVE; the fix builds it CONCURRENTLY and attaches it', async () => {
    const sql = 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: EVENTS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'CONSTRAINT events_pkey PRIMARY KEY (id)');
    assert.match(f.message, /^ADD PRIMARY KEY builds its index over every row while holding an ACCESS EXCLUSIVE lock on events/);
    assert.match(f.message, /CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events \(id\)/);
    assert.match(f.message, /PRIMARY KEY USING INDEX events_pkey/);
  });

  it('flags ADD COLUMN … PRIMARY KEY, telling to add the column first', async () => {
    const [f] = await findingsOf(RULE, 'ALTER TABLE events ADD COLUMN event_id bigint PRIMARY KEY;', { setup: EVENTS });
    assert.match(f.message, /add event_id without PRIMARY KEY and fill it, then CREATE UNIQUE INDEX CONCURRENTLY/);
  });

  describe('PRIMARY KEY USING INDEX', () => {
    const withIndex = (column: string) => `${EVENTS}\nCREATE UNIQUE INDEX events_key ON events (${column});`;
    const attach = 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_key;';

    it('is clean when its columns are already NOT NULL', async () => {
      assert.deepEqual(await findingsOf(RULE, attach, { setup: withIndex('id') }), []);
    });

    it('is flagged when a column is nullable: SET NOT NULL reads every row under ACCESS EXCLUSIVE', async () => {
      const [f] = await findingsOf(RULE, attach, { setup: withIndex('tenant_id') });
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /sets NOT NULL on tenant_id, which reads every row/);
      assert.match(f.message, /ACCESS EXCLUSIVE lock on events/);
      assert.match(f.message, /CHECK \(column IS NOT NULL\) NOT VALID, VALIDATE it/);
    });

    it('is info when Lockstep has not seen the index (it cannot tell whether the columns are NOT NULL)', async () => {
      const [f] = await findingsOf(RULE, attach, { setup: EVENTS });
      assert.equal(f.severity, 'info');
    });

    it('on PostgreSQL 11 says SET NOT NULL always scans', async () => {
      const [f] = await findingsOf(RULE, attach, { setup: withIndex('tenant_id'), config: { pgVersion: 11 } });
      assert.match(f.message, /on PostgreSQL 11 SET NOT NULL always scans/);
    });
  });

  it('does not flag a primary key on a table created earlier in this migration (squawk#349)', async () => {
    assert.deepEqual(await findingsOf(RULE, `${EVENTS}\nALTER TABLE events ADD PRIMARY KEY (id);`), []);
  });
});
