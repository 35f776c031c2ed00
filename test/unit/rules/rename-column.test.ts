import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'rename-column';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, name text);';
const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name;';

describe(`rule ${RULE}`, () => {
  it('flags renaming a column of an existing table: old code breaks; names the brief ACCESS EXCLUSIVE and the expand/contract fix', async () => {
    const [f, ...rest] = await findingsOf(RULE, RENAME, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.match(f.message, /^Renaming users\.name to full_name breaks every running query/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /add full_name, write both columns, backfill/);
  });

  it('flags the short form without COLUMN', async () => {
    assert.equal((await findingsOf(RULE, 'ALTER TABLE users RENAME name TO full_name;', { setup: USERS })).length, 1);
  });

  it('does not flag a table created earlier in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${RENAME}`), []);
  });

  it('does not flag a rollback: a down file or a goose down section', async () => {
    assert.deepEqual(await findingsOf(RULE, RENAME, { setup: USERS, path: 'migrations/000002_rename.down.sql' }), []);
    assert.deepEqual(await findingsOf(RULE, `-- +goose Up\nSELECT 1;\n-- +goose Down\n${RENAME}`, { setup: USERS }), []);
    assert.equal((await findingsOf(RULE, RENAME, { setup: USERS, path: 'migrations/000002_rename.up.sql' })).length, 1);
  });

  it('leaves renaming a constraint or an index alone', async () => {
    const setup = `${USERS}\nCREATE INDEX users_name_idx ON users (name);`;
    assert.deepEqual(await findingsOf(RULE, 'ALTER INDEX users_name_idx RENAME TO users_name_ix;', { setup }), []);
  });
});

describe('rename-column: points to the scaffold (issue 10)', () => {
  it('names the lockstep scaffold command with the real names filled in', async () => {
    const [f] = await findingsOf('rename-column', 'ALTER TABLE users RENAME COLUMN name TO full_name;', { setup: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);' });
    assert.match(f.message, /`lockstep scaffold rename-column --table users --column name --to full_name` writes that plan as migrations\./);
  });

  it('quotes names the shell would split', async () => {
    const [f] = await findingsOf('rename-column', 'ALTER TABLE users RENAME COLUMN name TO "Full Name";', { setup: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);' });
    assert.match(f.message, /--to 'Full Name'`/);
  });
});
