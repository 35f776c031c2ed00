import assert from 'node:assert/strict';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'syntax-error';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';

describe(`check ${RULE}`, () => {
  it('reports one error per broken statement, on the token where parsing stopped', async () => {
    const sql = 'SELEC 1;\nALTER TABLE orders ADD COLUMN;\nSELECT 1;';
    const hits = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['SELEC', ';']);
    assert.deepEqual(hits.map((f) => f.severity), ['error', 'error']);
    assert.equal(hits[0].message, 'syntax error at or near "SELEC"');
    // The second error sits on line 2, not on the `;` of line 1.
    assert.equal(hits[1].span.start, sql.indexOf('COLUMN;') + 'COLUMN'.length);
  });

  it('the statements around a broken one are still linted', async () => {
    const sql = "ALTER TABLE orders ADD COLUMN note text DEFALT '';\nCREATE INDEX orders_user_id_idx ON orders (user_id);";
    const { findings } = await lint(sql, { setup: SETUP });
    assert.deepEqual(
      findings.filter((f) => f.ruleId === RULE).map((f) => underlined(sql, f)),
      ['DEFALT'],
    );
    const index = findings.find((f) => f.ruleId === 'require-concurrent-index');
    assert.equal(index && underlined(sql, index), 'CREATE INDEX orders_user_id_idx ON orders (user_id);');
  });

  it('an unterminated string is one error, and the next line parses again', async () => {
    const sql = "SELECT 'abc;\nCREATE INDEX orders_user_id_idx ON orders (user_id);";
    const { findings } = await lint(sql, { setup: SETUP });
    const errors = findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(errors.map((f) => underlined(sql, f)), ["'abc;"]);
    assert.match(errors[0].message, /unterminated quoted string/);
    assert.ok(findings.some((f) => f.ruleId === 'require-concurrent-index'));
  });

  it('an incomplete last statement is reported at its end', async () => {
    const sql = 'CREATE INDEX orders_user_id_idx ON orders (user_id';
    const [f] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.equal(f.message, 'syntax error at end of input');
    assert.equal(f.span.end, sql.length);
  });

  it('positions are UTF-16 offsets, also after astral characters', async () => {
    const sql = '-- 😀 ünïcode\nSELEC 1;';
    const [f] = await findingsOf(RULE, sql);
    assert.equal(underlined(sql, f), 'SELEC');
  });

  it('never throws on junk, and reports what it cannot parse', async () => {
    for (const junk of ['', '   \n', ';;;', '\u0000\u0001 ))) (', "'", '$$', '/*', 'BEGIN; COMMIT; COMMIT; ROLLBACK;']) {
      const result = await lint(junk);
      assert.ok(Array.isArray(result.findings));
      for (const f of result.findings) assert.ok(f.span.start >= 0 && f.span.end <= junk.length, `span inside ${JSON.stringify(junk)}`);
    }
    assert.ok((await findingsOf(RULE, '\u0000\u0001 ))) (')).length > 0);
  });

  it('can be turned off in config', async () => {
    assert.deepEqual(await findingsOf(RULE, 'SELEC 1;', { config: { rules: { [RULE]: 'off' } } }), []);
  });
});
