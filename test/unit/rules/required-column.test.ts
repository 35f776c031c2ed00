import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'required-column';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const add = (column: string) => `ALTER TABLE users ADD COLUMN ${column};`;

describe(`rule ${RULE}`, () => {
  it('flags ADD COLUMN … NOT NULL without a DEFAULT: it fails on a table with rows and breaks old writers', async () => {
    const sql = add('plan text NOT NULL');
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'plan text NOT NULL');
    assert.match(f.message, /fails as soon as users has a row/);
    assert.match(f.message, /INSERTs from running code that does not set plan fail/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /constant DEFAULT \(PostgreSQL 16 then adds it without a rewrite\)/);
  });

  it('flags a PRIMARY KEY column without a default too (primary keys are NOT NULL)', async () => {
    assert.equal((await findingsOf(RULE, add('code text PRIMARY KEY'), { setup: USERS })).length, 1);
  });

  for (const column of ["plan text NOT NULL DEFAULT 'free'", 'seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY', 'n bigserial NOT NULL', 'plan text', 'doubled bigint NOT NULL GENERATED ALWAYS AS (id * 2) STORED']) {
    it(`does not flag ${column}`, async () => {
      assert.deepEqual(await findingsOf(RULE, add(column), { setup: USERS }), []);
    });
  }

  it('does not flag a table created earlier in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${add('plan text NOT NULL')}`), []);
  });

  it('before PostgreSQL 11 a default rewrites, so the advice is nullable + backfill', async () => {
    const [f] = await findingsOf(RULE, add('plan text NOT NULL'), { setup: USERS, config: { pgVersion: 10 } });
    assert.match(f.message, /before PostgreSQL 11 a DEFAULT rewrites the table/);
    assert.doesNotMatch(f.message, /constant DEFAULT/);
  });
});
