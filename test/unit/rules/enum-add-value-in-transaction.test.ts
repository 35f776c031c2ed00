import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'enum-add-value-in-transaction';
const SETUP = "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);";
const ADD = "ALTER TYPE mood ADD VALUE 'ecstatic';";
const USE = "UPDATE people SET mood = 'ecstatic' WHERE id = 1;";

describe(`rule ${RULE}`, () => {
  it('PostgreSQL 12+: flags using the new value later in the same transaction (unsafe use of new value)', async () => {
    const sql = `BEGIN;\n${ADD}\n${USE}\nCOMMIT;`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), USE);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /uses 'ecstatic', which "ALTER TYPE mood ADD VALUE 'ecstatic'" added to mood/);
  });

  it('PostgreSQL 12+: ADD VALUE alone in a transaction is fine, and so is using it after COMMIT', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;`, { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;\n${USE}`, { setup: SETUP }), []);
  });

  it('runner transactions count: a Flyway migration that adds and uses the value fails', async () => {
    assert.equal((await findingsOf(RULE, `${ADD}\n${USE}`, { setup: SETUP, path: 'db/V9__mood.sql' })).length, 1);
  });

  it('does not flag unrelated string literals', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;`, { setup: SETUP }), []);
  });

  it('PostgreSQL 11: ADD VALUE itself cannot run in a transaction; concurrent-in-transaction reports that, this rule stays quiet', async () => {
    const sql = `BEGIN;\n${ADD}\n${USE}\nCOMMIT;`;
    assert.deepEqual(await findingsOf(RULE, sql, { setup: SETUP, config: { pgVersion: 11 } }), []);
    const [f] = await findingsOf('concurrent-in-transaction', sql, { setup: SETUP, config: { pgVersion: 11 } });
    assert.match(f.message, /ADD VALUE cannot run inside a transaction block/);
  });
});
