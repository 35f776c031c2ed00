import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql } from '../../../server/src/engine';
import { fixesFor } from '../../../server/src/fixes';
import { applyEdits } from '../../../server/src/fixes/textEdits';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'attach-new-partition';
const EVENTS = 'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_archive (id bigint, at date NOT NULL);';
const WITH_DEFAULT = `${EVENTS}\nCREATE TABLE events_default PARTITION OF events DEFAULT;`;
const CREATE = 'CREATE TABLE events_2024 (LIKE events);';
const FILL = "INSERT INTO events_2024 SELECT * FROM events_archive WHERE at >= '2024-01-01' AND at < '2025-01-01';";
const ATTACH = "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";

describe(`rule ${RULE}`, () => {
  it('flags attaching a partition this migration created and filled: the scan holds the parent lock', async () => {
    const sql = `${CREATE}\n${FILL}\n${ATTACH}`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: EVENTS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'ATTACH PARTITION events_2024');
    assert.match(f.message, /reads every row this migration's INSERT loaded into events_2024 .* while holding a SHARE UPDATE EXCLUSIVE lock on events/);
    assert.match(f.message, /once attached, events_2024 is part of the live table events/);
    const [pg11] = await findingsOf(RULE, sql, { setup: EVENTS, config: { pgVersion: 11 } });
    assert.match(pg11.message, /ACCESS EXCLUSIVE lock on events, blocking reads and writes/);
  });

  it('flags the DEFAULT partition scan (from history, or created in the migration), even for an empty new partition', async () => {
    const [f] = await findingsOf(RULE, `${CREATE}\n${ATTACH}`, { setup: WITH_DEFAULT });
    assert.match(f.message, /events has a DEFAULT partition, events_default: ATTACH PARTITION scans all of it .* ACCESS EXCLUSIVE lock on events_default/);
    assert.equal((await findingsOf(RULE, `CREATE TABLE events_default PARTITION OF events DEFAULT;\n${CREATE}\n${ATTACH}`, { setup: EVENTS })).length, 1);
    assert.equal((await findingsOf(RULE, `${CREATE}\n${FILL}\n${ATTACH}`, { setup: WITH_DEFAULT })).length, 2, 'both scans');
  });

  it('does not flag an empty new partition without a DEFAULT one, a validated matching CHECK, a new parent, or a pre-existing partition (attach-partition-scan)', async () => {
    assert.deepEqual(await findingsOf(RULE, `${CREATE}\n${ATTACH}`, { setup: EVENTS }), []);
    const checked = "CREATE TABLE events_2024 (LIKE events, CONSTRAINT events_2024_bound CHECK (at >= '2024-01-01' AND at < '2025-01-01'));";
    assert.deepEqual(await findingsOf(RULE, `${checked}\n${FILL}\n${ATTACH}`, { setup: EVENTS }), []);
    const newParent = "CREATE TABLE ev (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE ev_2024 (LIKE ev);\nINSERT INTO ev_2024 VALUES (1, '2024-02-01');\nALTER TABLE ev ATTACH PARTITION ev_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    assert.deepEqual(await findingsOf(RULE, newParent), []);
    assert.deepEqual(await findingsOf(RULE, ATTACH, { setup: `${EVENTS}\nCREATE TABLE events_2024 (LIKE events);` }), []);
  });

  it('fix: the matching CHECK before the ATTACH, which the lock model then sees as proving the bound', async () => {
    const sql = `${CREATE}\n${FILL}\n${ATTACH}`;
    const result = await lint(sql, { setup: EVENTS });
    const finding = result.findings.find((f) => f.ruleId === RULE)!;
    const stmt = result.document.statements[finding.statementIndex!];
    const [fix] = fixesFor({ text: sql, result, finding, stmt, config: { ...DEFAULT_CONFIG }, schema: catalogFromSql(EVENTS, DEFAULT_CONFIG) }, { withoutIgnores: true });
    const fixed = applyEdits(sql, fix.edits);
    assert.match(fixed, /\nALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK \(at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01'\);\nALTER TABLE events ATTACH/);
    assert.deepEqual((await lint(fixed, { setup: EVENTS })).findings.filter((f) => f.ruleId === RULE), []);
  });
});
