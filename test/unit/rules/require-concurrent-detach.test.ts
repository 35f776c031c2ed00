import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'require-concurrent-detach';
const EVENTS =
  'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n' +
  "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
const DETACH = 'ALTER TABLE events DETACH PARTITION events_2024;';

describe(`rule ${RULE}`, () => {
  it('PostgreSQL 14+: flags DETACH without CONCURRENTLY with the ACCESS EXCLUSIVE lock on the parent', async () => {
    const [f, ...rest] = await findingsOf(RULE, DETACH, { setup: EVENTS, config: { pgVersion: 14 } });
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'warning');
    assert.equal(underlined(DETACH, f), 'DETACH PARTITION events_2024');
    assert.match(f.message, /ACCESS EXCLUSIVE lock on events, blocking reads and writes/);
    assert.match(f.message, /DETACH PARTITION … CONCURRENTLY \(outside a transaction; not possible while a DEFAULT partition exists\)/);
  });

  it('PostgreSQL 13 has no CONCURRENTLY: info, with lock_timeout advice', async () => {
    const [f] = await findingsOf(RULE, DETACH, { setup: EVENTS, config: { pgVersion: 13 } });
    assert.equal(f.severity, 'info');
    assert.match(f.message, /PostgreSQL 13 has no DETACH … CONCURRENTLY \(it arrived in 14\)/);
  });

  it('does not flag DETACH … CONCURRENTLY, nor a parent created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, DETACH.replace(';', ' CONCURRENTLY;'), { setup: EVENTS }), []);
    assert.deepEqual(await findingsOf(RULE, `${EVENTS}\n${DETACH}`), []);
  });
});
