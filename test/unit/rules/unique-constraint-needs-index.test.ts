import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'unique-constraint-needs-index';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, tenant_id bigint);';

describe(`rule ${RULE}`, () => {
  it('flags ADD UNIQUE with the ACCESS EXCLUSIVE lock PostgreSQL really takes (not SHARE ROW EXCLUSIVE, as pgfence states)', async () => {
    const sql = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'CONSTRAINT users_email_key UNIQUE (email)');
    const users = explain(await lint(sql, { setup: USERS }))[0].relations.find((r) => r.relation === 'users')!;
    assert.equal(users.mode, 'AccessExclusiveLock');
    assert.equal(users.scan, true);
    assert.match(f.message, /holding an ACCESS EXCLUSIVE lock on users, blocking reads and writes/);
    assert.match(f.message, /CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\)/);
    assert.match(f.message, /ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key/);
  });

  it('names a default constraint the way PostgreSQL does, for multi-column keys too', async () => {
    const [f] = await findingsOf(RULE, 'ALTER TABLE users ADD UNIQUE (tenant_id, email);', { setup: USERS });
    assert.match(f.message, /CREATE UNIQUE INDEX CONCURRENTLY users_tenant_id_email_key ON users \(tenant_id, email\)/);
  });

  it('flags ADD COLUMN … UNIQUE: the new column still gets an index built over every row', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN handle text UNIQUE;';
    const [f] = await findingsOf(RULE, sql, { setup: USERS });
    assert.match(f.message, /^ADD COLUMN handle … UNIQUE builds its index/);
    assert.match(f.message, /add handle without UNIQUE, then CREATE UNIQUE INDEX CONCURRENTLY users_handle_key/);
  });

  it('does not flag UNIQUE USING INDEX (the safe form), nor other constraints', async () => {
    const setup = `${USERS}\nCREATE UNIQUE INDEX users_email_key ON users (email);`;
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;', { setup }), []);
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> \'\') NOT VALID;', { setup }), []);
  });

  it('does not flag a UNIQUE constraint on a table created earlier in this migration (squawk#349)', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);`), []);
  });
});
