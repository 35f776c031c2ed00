import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { sqlName } from '../../../server/src/locks/modes';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'set-not-null';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);';
const VALID_CHECK = `${USERS}\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL);`;
const SET = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;';

describe(`rule ${RULE}`, () => {
  it('flags SET NOT NULL on an existing table, with the ACCESS EXCLUSIVE scan from the model and the CHECK recipe', async () => {
    const [f, ...rest] = await findingsOf(RULE, SET, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(SET, f), 'ALTER COLUMN email SET NOT NULL');
    assert.equal(f.severity, 'warning');
    const [users] = explain(await lint(SET, { setup: USERS }))[0].relations;
    assert.equal(users.relation, 'users');
    assert.equal(users.scan, true);
    assert.match(f.message, new RegExp(`^SET NOT NULL reads every row while holding an ${sqlName(users.mode)} lock on users`));
    assert.match(f.message, /CHECK \(email IS NOT NULL\) NOT VALID/);
    assert.match(f.message, /PostgreSQL 16 then sets NOT NULL without scanning/);
  });

  it('reports each column of a multi-column SET NOT NULL', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET NOT NULL;';
    const hits = await findingsOf(RULE, sql, { setup: USERS });
    assert.equal(hits.length, 2);
    assert.match(hits[0].message, /CHECK \(email IS NOT NULL\)/);
    assert.match(hits[1].message, /CHECK \(name IS NOT NULL\)/);
  });

  it('does not flag a table created earlier in the migration, but does the same table from setup', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${SET}`), []);
    assert.equal((await findingsOf(RULE, SET, { setup: USERS })).length, 1);
  });

  it('does not flag a column that is already NOT NULL', async () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);';
    assert.deepEqual(await findingsOf(RULE, SET, { setup }), []);
  });

  describe('a validated CHECK (email IS NOT NULL) in setup', () => {
    it('PostgreSQL 12+ skips the scan: not flagged', async () => {
      for (const pgVersion of [12, 16]) assert.deepEqual(await findingsOf(RULE, SET, { setup: VALID_CHECK, config: { pgVersion } }), []);
    });

    it('PostgreSQL 11 still scans: flagged, saying there is no scan-free way', async () => {
      const [f] = await findingsOf(RULE, SET, { setup: VALID_CHECK, config: { pgVersion: 11 } });
      assert.match(f.message, /On PostgreSQL 11 there is no scan-free way/);
      assert.match(f.message, /ACCESS EXCLUSIVE lock on users/);
    });
  });

  it('a CHECK that is still NOT VALID proves nothing: flagged', async () => {
    const setup = `${USERS}\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;`;
    assert.equal((await findingsOf(RULE, SET, { setup })).length, 1);
  });

  it('the add / validate / set / drop recipe in one file is clean on 16 and flagged on 11', async () => {
    const sql = [
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
      SET,
      'ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    ].join('\n');
    assert.deepEqual(await findingsOf(RULE, sql, { setup: USERS }), []);
    const onEleven = await findingsOf(RULE, sql, { setup: USERS, config: { pgVersion: 11 } });
    assert.deepEqual(onEleven.map((f) => underlined(sql, f)), ['ALTER COLUMN email SET NOT NULL']);
  });
});
