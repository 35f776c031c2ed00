import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { sqlName } from '../../../server/src/locks/modes';
import { findingsOf, lint, underlined, type LintCase } from '../../support/lint';

const RULE = 'require-lock-timeout';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const USERS_ORDERS = `${USERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);`;
const ADD_A = 'ALTER TABLE users ADD COLUMN a text;';
const ADD_B = 'ALTER TABLE users ADD COLUMN b text;';

/** Underlined text of each finding of this rule. */
async function flagged(sql: string, opts: LintCase = { setup: USERS }): Promise<string[]> {
  return (await findingsOf(RULE, sql, opts)).map((f) => underlined(sql, f));
}

describe(`rule ${RULE}`, () => {
  it('flags a blocking statement without lock_timeout: the lock from the model, the table, the SET to add', async () => {
    const [f, ...rest] = await findingsOf(RULE, ADD_A, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(ADD_A, f), ADD_A);
    assert.equal(f.severity, 'warning');
    const [users] = explain(await lint(ADD_A, { setup: USERS }))[0].relations;
    assert.match(f.message, new RegExp(`^This statement requests an ${sqlName(users.mode)} lock on users`));
    assert.match(f.message, /no lock_timeout in force/);
    assert.match(f.message, /every later query on users queues behind it/);
    assert.match(f.message, /Run SET lock_timeout = '2s' before it/);
  });

  it("suggests the configured lockTimeout", async () => {
    const [f] = await findingsOf(RULE, ADD_A, { setup: USERS, config: { lockTimeout: '500ms' } });
    assert.match(f.message, /SET lock_timeout = '500ms'/);
  });

  it("is satisfied by SET lock_timeout = '2s' for the rest of the file", async () => {
    assert.deepEqual(await flagged(`SET lock_timeout = '2s';\n${ADD_A}\n${ADD_B}`), []);
  });

  it('SET lock_timeout = 0, RESET and SET … TO DEFAULT turn it off again', async () => {
    assert.deepEqual(await flagged(`SET lock_timeout = 0;\n${ADD_A}`), [ADD_A]);
    assert.deepEqual(await flagged(`SET lock_timeout = '2s';\nRESET lock_timeout;\n${ADD_A}`), [ADD_A]);
    assert.deepEqual(await flagged(`SET lock_timeout = '2s';\nSET lock_timeout TO DEFAULT;\n${ADD_A}`), [ADD_A]);
  });

  it('SET LOCAL inside BEGIN covers the transaction only', async () => {
    const sql = `BEGIN;\nSET LOCAL lock_timeout = '1s';\n${ADD_A}\nCOMMIT;\n${ADD_B}`;
    assert.deepEqual(await flagged(sql), [ADD_B]);
  });

  it('SET LOCAL outside a transaction does not count, and the message says why', async () => {
    const sql = `SET LOCAL lock_timeout = '1s';\n${ADD_A}`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), ADD_A);
    assert.match(f.message, /`SET LOCAL lock_timeout = '1s'` does not count: it runs outside a transaction block/);
    // Inside a transaction the same SET LOCAL works, so nothing is said about it.
    assert.deepEqual(await flagged(`BEGIN;\nSET LOCAL lock_timeout = '1s';\n${ADD_A}\nCOMMIT;`), []);
  });

  it("counts set_config('lock_timeout', …, false), and set_config(…, true) only until COMMIT", async () => {
    assert.deepEqual(await flagged(`SELECT set_config('lock_timeout', '1s', false);\n${ADD_A}\n${ADD_B}`), []);
    const local = `BEGIN;\nSELECT set_config('lock_timeout', '1s', true);\n${ADD_A}\nCOMMIT;\n${ADD_B}`;
    assert.deepEqual(await flagged(local), [ADD_B]);
  });

  it('works inside a goose migration', async () => {
    assert.deepEqual(await flagged(`-- +goose Up\nSET lock_timeout = '2s';\n${ADD_A}\n`), []);
  });

  it('is not demanded for statements that only touch tables created earlier in the migration', async () => {
    const sql = 'CREATE TABLE drafts (id bigint PRIMARY KEY);\nALTER TABLE drafts ADD COLUMN title text;\nCREATE INDEX drafts_title_idx ON drafts (title);';
    assert.deepEqual(await flagged(sql, {}), []);
  });

  it('flags CREATE TABLE with a FOREIGN KEY to an existing table: it locks that table SHARE ROW EXCLUSIVE', async () => {
    const sql = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';
    const [f] = await findingsOf(RULE, sql, { setup: USERS });
    assert.equal(underlined(sql, f), sql);
    const users = explain(await lint(sql, { setup: USERS }))[0].relations.find((r) => r.relation === 'users')!;
    assert.equal(sqlName(users.mode), 'SHARE ROW EXCLUSIVE');
    assert.match(f.message, /a SHARE ROW EXCLUSIVE lock on users/);
  });

  it('does not flag CREATE TABLE without a foreign key, nor one referencing a table created in the migration', async () => {
    const sql = 'CREATE TABLE teams (id bigint PRIMARY KEY);\nCREATE TABLE members (id bigint, team_id bigint REFERENCES teams (id));';
    assert.deepEqual(await flagged(sql, {}), []);
  });

  it('does not flag statements whose locks let writes through (CONCURRENTLY, SELECT, UPDATE)', async () => {
    const sql = 'CREATE INDEX CONCURRENTLY users_id_idx ON users (id);\nSELECT * FROM users;\nUPDATE users SET id = 1 WHERE id = 2;';
    assert.deepEqual(await flagged(sql), []);
  });

  it('flags a lock_timeout longer than the configured lockTimeout', async () => {
    const sql = `SET lock_timeout = '10min';\n${ADD_A}`;
    const [f] = await findingsOf(RULE, sql, { setup: USERS });
    assert.equal(underlined(sql, f), ADD_A);
    assert.match(f.message, /the lock_timeout in force \(600000 ms\) is longer than the configured 2s/);
  });

  describe('one finding per transaction or autocommit run, not one per statement', () => {
    it('a transaction gets one finding, on its first blocking statement, listing every relation with its mode from the lock model', async () => {
      const index = 'CREATE INDEX orders_user_id_idx ON orders (user_id);';
      const sql = `BEGIN;\n${ADD_A}\n${ADD_B}\n${index}\nCOMMIT;`;
      const findings = await findingsOf(RULE, sql, { setup: USERS_ORDERS });
      assert.equal(findings.length, 1);
      assert.equal(underlined(sql, findings[0]), ADD_A);
      const impacts = explain(await lint(sql, { setup: USERS_ORDERS }));
      const orders = impacts[3].relations.find((r) => r.relation === 'orders')!;
      assert.match(findings[0].message, /^This transaction requests an ACCESS EXCLUSIVE lock on users, blocking reads and writes; /);
      assert.match(findings[0].message, new RegExp(`a ${sqlName(orders.mode)} lock on orders, blocking writes \\(INSERT/UPDATE/DELETE\\) \\(\`CREATE INDEX orders_user_id_idx ON orders \\(user_id\\)\`\\)`));
      assert.equal(findings[0].message.match(/lock on users/g)?.length, 1, 'users listed once');
      assert.match(findings[0].message, /Run SET LOCAL lock_timeout = '2s' at the start of the transaction/);
    });

    it("a runner's transaction (goose) is one unit too, and the advice says where SET LOCAL goes", async () => {
      const sql = `-- +goose Up\n${ADD_A}\n${ADD_B}\n`;
      const findings = await findingsOf(RULE, sql, { setup: USERS });
      assert.deepEqual(findings.map((f) => underlined(sql, f)), [ADD_A]);
      assert.match(findings[0].message, /at the start of the migration \(its runner wraps it in a transaction\)/);
    });

    it('a run of autocommit statements gets one finding; each transaction after it gets its own', async () => {
      const sql = `${ADD_A}\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nBEGIN;\n${ADD_B}\nCOMMIT;`;
      const findings = await findingsOf(RULE, sql, { setup: USERS_ORDERS });
      assert.deepEqual(findings.map((f) => underlined(sql, f)), [ADD_A, ADD_B]);
      assert.match(findings[0].message, /^These statements request an ACCESS EXCLUSIVE lock on users.*; a SHARE lock on orders/);
      assert.match(findings[0].message, /RESET it after the last/);
    });

    it('never flags a statement whose lock the transaction already holds, nor says it waits', async () => {
      // The first ALTER runs with a timeout and takes ACCESS EXCLUSIVE on users; the second needs nothing new.
      const sql = `BEGIN;\nSET LOCAL lock_timeout = '1s';\n${ADD_A}\nSET LOCAL lock_timeout = 0;\n${ADD_B}\nCOMMIT;`;
      assert.deepEqual(await flagged(sql), []);
      // A weaker lock on a table the transaction holds ACCESS EXCLUSIVE on is granted at once too.
      const weaker = `BEGIN;\nSET LOCAL lock_timeout = '1s';\n${ADD_A}\nRESET lock_timeout;\nCREATE INDEX users_a_idx ON users (a);\nCOMMIT;`;
      assert.deepEqual(await flagged(weaker), []);
    });

    it('a stronger lock on a table the transaction holds weaker still has to queue: flagged', async () => {
      const sql = `BEGIN;\nSET LOCAL lock_timeout = '1s';\nCREATE INDEX users_id_idx ON users (id);\nSET LOCAL lock_timeout = 0;\n${ADD_A}\nCOMMIT;`;
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
      assert.deepEqual(rest, []);
      assert.equal(underlined(sql, f), ADD_A);
      assert.match(f.message, /an ACCESS EXCLUSIVE lock on users/);
    });

    it('no message of the rule says a statement "waits"', async () => {
      const sql = `BEGIN;\n${ADD_A}\n${ADD_B}\nCOMMIT;\n${ADD_A}`;
      const findings = await findingsOf(RULE, sql, { setup: USERS });
      assert.equal(findings.length, 2);
      for (const f of findings) assert.doesNotMatch(f.message, /\bwaits\b/);
    });
  });
});
