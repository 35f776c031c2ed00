import assert from 'node:assert/strict';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'psql-meta-command';

describe(`check ${RULE}`, () => {
  it('reports \\set ON_ERROR_STOP on as info, underlining the command line without its newline', async () => {
    const sql = '\\set ON_ERROR_STOP on\nSELECT 1;';
    const [f, ...rest] = await findingsOf(RULE, sql);
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), '\\set ON_ERROR_STOP on');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /^psql meta-command \\set is not SQL/);
    assert.match(f.message, /other runners will fail on it/);
  });

  it('reports each command, names it, and lints the SQL between them', async () => {
    const setup = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
    const sql = '\\set ON_ERROR_STOP on\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n\\i seed.sql\n';
    const { findings } = await lint(sql, { setup });
    const meta = findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(meta.map((f) => underlined(sql, f)), ['\\set ON_ERROR_STOP on', '\\i seed.sql']);
    assert.match(meta[1].message, /meta-command \\i /);
    assert.ok(findings.some((f) => f.ruleId === 'require-concurrent-index'));
    assert.ok(!findings.some((f) => f.ruleId === 'syntax-error'));
  });

  it('a backslash inside a string or a dollar-quoted body is not a command', async () => {
    const sql = "SELECT E'a\\\\b';\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n\\set x 1\nSELECT 1\n$$;";
    assert.deepEqual((await lint(sql)).findings, []);
  });

  // BUG (reported): psql runs a backslash command wherever it starts outside quotes, e.g. the common
  // `SELECT … \gexec` idiom; the splitter only recognises one at the start of a line and reports a syntax error.
  it('recognises a command that ends a line of SQL (\\gexec)', async () => {
    const sql = "SELECT format('ANALYZE %I', 'orders') \\gexec\n";
    const { findings } = await lint(sql);
    assert.deepEqual(findings.map((f) => [f.ruleId, underlined(sql, f)]), [[RULE, '\\gexec']]);
  });

  it('is silenced file-wide or by config', async () => {
    const sql = '\\set ON_ERROR_STOP on\nSELECT 1;';
    assert.deepEqual(await findingsOf(RULE, `-- lockstep-ignore-file ${RULE}\n${sql}`), []);
    assert.deepEqual(await findingsOf(RULE, sql, { config: { rules: { [RULE]: 'off' } } }), []);
  });
});
