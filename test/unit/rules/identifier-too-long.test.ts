import assert from 'node:assert/strict';
import { lint, findingsOf, underlined } from '../../support/lint';
import { SqlScanner } from '../../../server/src/parse/lexer';
import { RULES } from '../../../server/src/rules/index';
import { tokenScans } from '../../../server/src/rules/identifier-too-long';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';

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

  it('finds the shortest names that can be too long: 22 lower-cased units, 20 after U&" with doubled quotes', async () => {
    const cases: Array<[string, string]> = [
      ['İ'.repeat(22), `CREATE TABLE ${'İ'.repeat(22)} (id int);`], // 22 units, 66 bytes once lower-cased
      [`"${'€'.repeat(22)}"`, `CREATE TABLE "${'€'.repeat(22)}" (id int);`], // 22 units of 3 bytes
      [`"${'ab""'.repeat(22)}"`, `CREATE TABLE "${'ab""'.repeat(22)}" (id int);`],
      [`U&"${'€'.repeat(21)}"`, `CREATE TABLE U&"${'€'.repeat(21)}" (id int);`],
    ];
    for (const [name, sql] of cases) {
      const found = await findingsOf(RULE, sql);
      assert.equal(found.length, 1, sql);
      assert.equal(underlined(sql, found[0]), name);
    }
    assert.deepEqual(await findingsOf(RULE, `CREATE TABLE ${'İ'.repeat(21)} (id int);`), [], '63 bytes');
  });

  it('does not scan the tokens of a statement whose unquoted ASCII names are 22 to 63 characters long', async () => {
    // Common names (constraints, indexes, functions): too short to be cut, so no token-by-token scan.
    const name = (n: number) => `n${'_x'.repeat(n)}`.slice(0, n);
    const sql = [22, 40, 63].map((n) => `ALTER TABLE ${name(n)} ADD CONSTRAINT ${name(n - 1)}k UNIQUE (id);`).join('\n');
    const before = tokenScans.count;
    assert.deepEqual(await findingsOf(RULE, sql), []);
    assert.equal(tokenScans.count - before, 0);
    // One character more than 63 is scanned, and flagged.
    assert.equal((await findingsOf(RULE, `CREATE TABLE ${name(64)} (id int);`)).length, 1);
    assert.equal(tokenScans.count - before, 1);
  });

  it('does not scan the tokens of a statement whose quoted names and words are all short, nor of a function body', async () => {
    const sql =
      'CREATE TABLE "public"."subscription_log" ("customer_identifier" bigint NOT NULL, "created_at" timestamptz);\n' +
      `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 ${'+ 1 '.repeat(500)} $$;`;
    const { document } = await lint(sql);
    assert.deepEqual(document.statements.map((s) => s.kind), ['CreateStmt', 'CreateFunctionStmt']);
    const rule = RULES.find((r) => r.id === RULE)!;
    const original = SqlScanner.prototype.token;
    let tokens = 0;
    SqlScanner.prototype.token = function (this: SqlScanner, pos: number, limit: number) {
      tokens++;
      return original.call(this, pos, limit);
    };
    try {
      for (const stmt of document.statements) assert.deepEqual(rule.check(stmt, { doc: document, config: DEFAULT_CONFIG }), []);
    } finally {
      SqlScanner.prototype.token = original;
    }
    assert.equal(tokens, 0);
  });
});
