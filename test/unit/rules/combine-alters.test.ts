import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'combine-alters';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';
const A = 'ALTER TABLE users ADD COLUMN plan text;';
const B = 'ALTER TABLE users ADD COLUMN region text;';

describe(`rule ${RULE}`, () => {
  it('in autocommit, flags the second of two back-to-back ALTER TABLEs on one table: it queues for the lock again', async () => {
    const sql = `${A}\n${B}`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), B);
    assert.match(f.message, /queues again for an ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /one ALTER TABLE with comma-separated actions/);
  });

  it('in one transaction, flags only when both statements read or rewrite the table', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${A}\n${B}\nCOMMIT;`, { setup: USERS }), []);
    const rewrites = 'BEGIN;\nALTER TABLE users ALTER COLUMN id TYPE int;\nALTER TABLE users ALTER COLUMN email TYPE varchar(10);\nCOMMIT;';
    const [f] = await findingsOf(RULE, rewrites, { setup: USERS });
    assert.match(f.message, /reads or rewrites users again/);
  });

  it('does not flag statements that must stay apart: VALIDATE after NOT VALID, SET NOT NULL then DROP CONSTRAINT', async () => {
    const recipe = [
      'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;',
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      'ALTER TABLE users DROP CONSTRAINT users_email_nn;',
    ].join('\n');
    assert.deepEqual(await findingsOf(RULE, recipe, { setup: USERS }), []);
  });

  it('does not flag different tables, a statement in between, or a table created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${A}\nALTER TABLE orders ADD COLUMN x int;`, { setup: `${USERS}\nCREATE TABLE orders (id int);` }), []);
    assert.deepEqual(await findingsOf(RULE, `${A}\nUPDATE users SET plan = 'free' WHERE id = 1;\n${B}`, { setup: USERS }), []);
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${A}\n${B}`), []);
  });
});

describe('combine-alters: tables in different schemas (issue 10)', () => {
  it('admin.users and users (public) are different tables: nothing to combine', async () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE admin.users (id bigint PRIMARY KEY);';
    const sql = 'ALTER TABLE admin.users ADD COLUMN plan text;\nALTER TABLE users ADD COLUMN plan text;';
    assert.deepEqual(await findingsOf('combine-alters', sql, { setup }), []);
    const same = 'ALTER TABLE public.users ADD COLUMN plan text;\nALTER TABLE users ADD COLUMN region text;';
    assert.deepEqual((await findingsOf('combine-alters', same, { setup })).map((f) => underlined(same, f)), ['ALTER TABLE users ADD COLUMN region text;']);
  });
});
