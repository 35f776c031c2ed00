import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'attach-partition-scan';
const SETUP = 'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2025 (id bigint, at date NOT NULL);';
const ATTACH = "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
const CHECK = "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (at >= '2025-01-01' AND at < '2026-01-01')";

describe(`rule ${RULE}`, () => {
  it('flags an ATTACH that scans the partition, naming its ACCESS EXCLUSIVE and the parent lock for the version', async () => {
    const [f, ...rest] = await findingsOf(RULE, ATTACH, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(underlined(ATTACH, f), /^ATTACH PARTITION events_2025/);
    assert.match(f.message, /reads every row of events_2025 .* ACCESS EXCLUSIVE lock on events_2025/);
    assert.match(f.message, /and a SHARE UPDATE EXCLUSIVE lock on events/);
    assert.match(f.message, /CHECK constraint matching the bound NOT VALID/);
  });

  it('PostgreSQL 11 locks the parent ACCESS EXCLUSIVE too (SHARE UPDATE EXCLUSIVE from 12)', async () => {
    const [f] = await findingsOf(RULE, ATTACH, { setup: SETUP, config: { pgVersion: 11 } });
    assert.match(f.message, /and an ACCESS EXCLUSIVE lock on events, blocking reads and writes/);
  });

  it('does not flag an ATTACH whose bound a validated CHECK already proves', async () => {
    assert.deepEqual(await findingsOf(RULE, `${CHECK} NOT VALID;\nALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound;\n${ATTACH}`, { setup: SETUP }), []);
    // NOT VALID alone proves nothing.
    assert.equal((await findingsOf(RULE, `${CHECK} NOT VALID;\n${ATTACH}`, { setup: SETUP })).length, 1);
  });

  it('does not flag attaching a partition created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `CREATE TABLE events_2026 (id bigint, at date NOT NULL);\n${ATTACH.replace(/2025/g, '2026').replace("'2026-01-01');", "'2027-01-01');")}`, { setup: SETUP }), []);
  });
});
