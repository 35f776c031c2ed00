import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'drop-column';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean, old_name text);';
const DROP = 'ALTER TABLE users DROP COLUMN legacy_flag;';

describe(`rule ${RULE}`, () => {
  it('flags dropping a column of an existing table, underlining the DROP, naming the brief ACCESS EXCLUSIVE', async () => {
    const [f, ...rest] = await findingsOf(RULE, DROP, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(DROP, f), 'DROP COLUMN legacy_flag');
    assert.match(f.message, /^Dropping users\.legacy_flag breaks every deployed version/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on users, blocking reads and writes, briefly; no rewrite/);
    assert.match(f.message, /-- lockstep-ignore drop-column: reason/);
  });

  it('reports each dropped column of one ALTER TABLE, at its own clause', async () => {
    const sql = 'ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag, DROP old_name;';
    const hits = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['DROP COLUMN IF EXISTS legacy_flag', 'DROP old_name']);
  });

  it('is silenced by an ignore that states the reason', async () => {
    const sql = `-- lockstep-ignore drop-column: unused since release 42\n${DROP}`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: USERS }), []);
  });

  it('does not flag a table created earlier in this migration, nor a rollback (Diesel down.sql)', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${DROP}`), []);
    assert.deepEqual(await findingsOf(RULE, DROP, { setup: USERS, path: 'migrations/2024-01-01-000000_add_flag/down.sql' }), []);
  });
});
