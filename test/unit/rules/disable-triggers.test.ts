import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'disable-triggers';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';

describe(`rule ${RULE}`, () => {
  it('flags DISABLE TRIGGER ALL on an existing table: it turns off foreign-key enforcement', async () => {
    const sql = 'ALTER TABLE orders DISABLE TRIGGER ALL;';
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.match(underlined(sql, f), /^DISABLE TRIGGER ALL/);
    assert.match(f.message, /internal triggers that enforce foreign keys on orders/);
    assert.match(f.message, /DISABLE TRIGGER USER/);
  });

  it('flags SET [LOCAL] session_replication_role = replica and set_config, naming the scope', async () => {
    const [session] = await findingsOf(RULE, "SET session_replication_role = replica;");
    assert.match(session.message, /for the session/);
    const [local] = await findingsOf(RULE, "BEGIN;\nSET LOCAL session_replication_role = 'replica';\nCOMMIT;", { config: { runner: 'plain' } });
    assert.match(local.message, /for this transaction/);
    assert.equal((await findingsOf(RULE, "SELECT set_config('session_replication_role', 'replica', false);")).length, 1);
  });

  it('does not flag a named trigger, DISABLE TRIGGER USER, origin/local roles, or a table created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE orders DISABLE TRIGGER USER;', { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, 'SET session_replication_role = origin;\nRESET session_replication_role;'), []);
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE t (id int);\nALTER TABLE t DISABLE TRIGGER ALL;'), []);
  });
});
