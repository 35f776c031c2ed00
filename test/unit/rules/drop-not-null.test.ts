import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'drop-not-null';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);';
const SQL = 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;';

describe(`rule ${RULE}`, () => {
  it('reports DROP NOT NULL as info, underlining the clause and naming the brief lock', async () => {
    const [f, ...rest] = await findingsOf(RULE, SQL, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'info');
    assert.equal(underlined(SQL, f), 'ALTER COLUMN email DROP NOT NULL');
    assert.match(f.message, /users\.email can hold NULLs/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on users/);
  });

  it('does not report a table created earlier in this migration, nor a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${SQL}`), []);
    assert.deepEqual(await findingsOf(RULE, SQL, { setup: USERS, path: 'migrations/0007_email.down.sql' }), []);
  });

  it('leaves SET NOT NULL to set-not-null', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', { setup: USERS }), []);
  });
});
