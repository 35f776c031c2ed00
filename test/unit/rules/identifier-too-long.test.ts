import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'identifier-too-long';
const LONG = 'subscriptions_customer_id_plan_id_created_at_including_inactive_idx'; // 67 bytes

describe(`rule ${RULE}`, () => {
  it('flags an identifier over 63 bytes, underlining it and giving the name PostgreSQL really stores', async () => {
    const sql = `CREATE INDEX ${LONG} ON subscriptions (customer_id);`;
    const [f, ...rest] = await findingsOf(RULE, sql);
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), LONG);
    assert.match(f.message, /is 67 bytes/);
    assert.ok(f.message.includes(`really named "${LONG.slice(0, 63)}"`));
  });

  it('counts bytes, not characters, and quoted identifiers too', async () => {
    const name = 'é'.repeat(32); // 32 characters, 64 bytes
    const sql = `CREATE TABLE "${name}" (id int);`;
    const [f] = await findingsOf(RULE, sql);
    assert.equal(underlined(sql, f), `"${name}"`);
    assert.match(f.message, /is 64 bytes/);
    // Cut at a character boundary: 31 characters (62 bytes).
    assert.ok(f.message.includes(`really named "${'é'.repeat(31)}"`));
  });

  it('does not flag 63-byte names, strings or comments', async () => {
    const ok = 'a'.repeat(63);
    assert.deepEqual(await findingsOf(RULE, `CREATE TABLE ${ok} (id int);`), []);
    assert.deepEqual(await findingsOf(RULE, `-- ${'x'.repeat(80)}\nCOMMENT ON TABLE t IS '${'y'.repeat(80)}';`), []);
  });

  it('reports a repeated long name once per statement', async () => {
    const sql = `ALTER TABLE t RENAME CONSTRAINT ${LONG} TO ${LONG}_x;`;
    assert.equal((await findingsOf(RULE, sql)).length, 2);
  });

  it('finds every kind of long name the quick pre-check lets through: unquoted non-ASCII, astral, $ and digits, U&"…"', async () => {
    const cases: Array<[string, string]> = [
      ['é'.repeat(32), `CREATE TABLE ${'é'.repeat(32)} (id int);`], // unquoted, 32 units, 64 bytes
      ['😀'.repeat(16), `CREATE TABLE ${'😀'.repeat(16)} (id int);`], // astral: 32 units, 64 bytes
      [`t$${'9'.repeat(63)}`, `CREATE TABLE t$${'9'.repeat(63)} (id int);`],
      [`U&"${'a'.repeat(64)}"`, `CREATE TABLE U&"${'a'.repeat(64)}" (id int);`],
      [`"${'b'.repeat(64)}"`, `SELECT 1 AS "${'b'.repeat(64)}";`],
    ];
    for (const [name, sql] of cases) {
      const found = await findingsOf(RULE, sql);
      assert.equal(found.length, 1, sql);
      assert.equal(underlined(sql, found[0]), name);
    }
    // Fifteen identifier characters between two separators cannot make 64 bytes.
    assert.deepEqual(await findingsOf(RULE, `CREATE TABLE ${'é'.repeat(15)}.${'é'.repeat(15)} (id int);`), []);
  });
});
