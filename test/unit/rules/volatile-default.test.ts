import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { sqlName } from '../../../server/src/locks/modes';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'volatile-default';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const add = (column: string) => `ALTER TABLE users ADD COLUMN ${column};`;

describe(`rule ${RULE}`, () => {
  it('flags a volatile default: underlines the column, names the rewrite and the lock from the model', async () => {
    const column = 'token uuid DEFAULT gen_random_uuid()';
    const sql = add(column);
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), column);
    assert.equal(f.severity, 'warning');
    const users = explain(await lint(sql, { setup: USERS }))[0].relations.find((r) => r.relation === 'users')!;
    assert.equal(users.rewrite, true);
    assert.match(f.message, new RegExp(`^ADD COLUMN token rewrites users and all its indexes while holding an ${sqlName(users.mode)} lock on users`));
    assert.match(f.message, /volatile gen_random_uuid\(\)/);
    assert.match(f.message, /plain nullable column, then SET DEFAULT in a separate statement/);
  });

  describe('PostgreSQL 11+', () => {
    const fine = [
      'created_at timestamptz DEFAULT now()',
      'created_at timestamptz DEFAULT CURRENT_TIMESTAMP',
      'active boolean DEFAULT true',
      'tags text[] DEFAULT ARRAY[]::text[]',
      "since timestamptz DEFAULT now() - interval '1 day'",
      "meta jsonb DEFAULT 'x'::jsonb",
      'score int NOT NULL DEFAULT 0',
    ];
    for (const column of fine) {
      it(`does not flag ${column}`, async () => {
        for (const pgVersion of [11, 16]) assert.deepEqual(await findingsOf(RULE, add(column), { setup: USERS, config: { pgVersion } }), []);
      });
    }

    const volatile = ['noise float8 DEFAULT random()', 'token uuid DEFAULT gen_random_uuid()', 'seen_at timestamptz DEFAULT clock_timestamp()'];
    for (const column of volatile) {
      it(`flags ${column}`, async () => {
        const fn = /DEFAULT (\w+)\(\)/.exec(column)![1];
        const [f] = await findingsOf(RULE, add(column), { setup: USERS, config: { pgVersion: 11 } });
        assert.equal(underlined(add(column), f), column);
        assert.match(f.message, new RegExp(`the volatile ${fn}\\(\\)`));
      });
    }

    it('an unknown user function "may rewrite"', async () => {
      const column = 'code text DEFAULT make_code()';
      const [f] = await findingsOf(RULE, add(column), { setup: USERS });
      assert.equal(underlined(add(column), f), column);
      assert.match(f.message, /^ADD COLUMN code may rewrite users/);
      assert.match(f.message, /make_code\(\), whose volatility Lockstep does not know/);
    });
  });

  describe('PostgreSQL 10', () => {
    for (const column of ['score int DEFAULT 0', 'created_at timestamptz DEFAULT now()']) {
      it(`flags any default: ${column}`, async () => {
        const [f] = await findingsOf(RULE, add(column), { setup: USERS, config: { pgVersion: 10 } });
        assert.equal(underlined(add(column), f), column);
        assert.match(f.message, /before PostgreSQL 11, ADD COLUMN with any DEFAULT rewrites the table/);
      });
    }

    it('does not flag a column without a default', async () => {
      assert.deepEqual(await findingsOf(RULE, add('nickname text'), { setup: USERS, config: { pgVersion: 10 } }), []);
    });
  });

  it('underlines only the offending column of a multi-column ALTER TABLE', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b uuid DEFAULT gen_random_uuid();';
    const hits = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['b uuid DEFAULT gen_random_uuid()']);
  });

  it('does not flag a table created earlier in the migration, but does the same table from setup', async () => {
    const create = 'CREATE TABLE sessions (id bigint PRIMARY KEY);';
    const alter = 'ALTER TABLE sessions ADD COLUMN token uuid DEFAULT gen_random_uuid();';
    assert.deepEqual(await findingsOf(RULE, `${create}\n${alter}`), []);
    assert.equal((await findingsOf(RULE, alter, { setup: create })).length, 1);
  });

  it('SET DEFAULT on an existing column never rewrites: not flagged', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();';
    assert.deepEqual(await findingsOf(RULE, sql, { setup: USERS }), []);
  });

  // BUG (reported): a serial column's implicit default is nextval(), which is volatile; the model knows the
  // table is rewritten (rewrite: true) but the rule only looks for an explicit DEFAULT clause.
  it('flags ADD COLUMN … bigserial (an implicit nextval() default)', async () => {
    const sql = add('seq bigserial');
    assert.equal(explain(await lint(sql, { setup: USERS }))[0].relations.find((r) => r.relation === 'users')?.rewrite, true);
    assert.equal((await findingsOf(RULE, sql, { setup: USERS })).length, 1);
  });
});
