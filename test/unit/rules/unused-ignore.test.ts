import assert from 'node:assert/strict';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'unused-ignore';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);';
const PLAIN = 'CREATE INDEX orders_user_id_idx ON orders (user_id);';
const SAFE = 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);';
const SECOND = 'CREATE INDEX orders_status_idx ON orders (status);';

/** `ruleId: underlined text` of every finding, for whole-file assertions. */
async function everything(sql: string, config = {}): Promise<string[]> {
  const { findings } = await lint(sql, { setup: SETUP, config });
  return findings.map((f) => `${f.ruleId}: ${underlined(sql, f)}`);
}

describe(`check ${RULE}`, () => {
  describe('ignores that work', () => {
    it('-- lockstep-ignore <id>: reason silences that rule on the next statement only', async () => {
      const sql = `-- lockstep-ignore require-concurrent-index: orders is tiny\n${PLAIN}\n${SECOND}`;
      assert.deepEqual(await everything(sql, { rules: { 'require-lock-timeout': 'off' } }), [`require-concurrent-index: ${SECOND}`]);
    });

    it('several ids separated by commas, in a line or a block comment', async () => {
      for (const comment of ['-- lockstep-ignore require-concurrent-index, require-lock-timeout: tiny', '/* lockstep-ignore require-concurrent-index, require-lock-timeout: tiny */']) {
        assert.deepEqual(await everything(`${comment}\n${PLAIN}`), [], comment);
      }
    });

    it('-- lockstep-ignore-file <id> silences the rule in the whole file', async () => {
      const sql = `-- lockstep-ignore-file require-concurrent-index\n${PLAIN}\n${SECOND}`;
      assert.deepEqual(await everything(sql, { rules: { 'require-lock-timeout': 'off' } }), []);
    });

    it('the ignore binds to the next statement even when the comment ends a line of SQL', async () => {
      const sql = `${PLAIN} -- lockstep-ignore require-concurrent-index: for the next one\n${SECOND}`;
      const hits = await findingsOf('require-concurrent-index', sql, { setup: SETUP });
      assert.deepEqual(hits.map((f) => underlined(sql, f)), [PLAIN]);
    });

    // BUG (reported): `all` silences every finding (silences() accepts it), but the engine records the
    // silenced rule's id, not `all`, in `used`, so the directive is then reported as unused.
    it('does not report a `lockstep-ignore all` that silenced findings', async () => {
      const sql = `-- lockstep-ignore all: orders is tiny\n${PLAIN}`;
      assert.deepEqual(await everything(sql), []);
    });
  });

  describe('ignores that are reported', () => {
    it('an ignore whose statement has no such finding: a warning on the comment', async () => {
      const comment = '-- lockstep-ignore require-concurrent-index: orders is tiny';
      const sql = `${comment}\n${SAFE}`;
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
      assert.deepEqual(rest, []);
      assert.equal(underlined(sql, f), comment);
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /nothing to ignore for require-concurrent-index on the next statement/);
    });

    it('an ignore with no statement after it', async () => {
      const comment = '-- lockstep-ignore require-concurrent-index: stale';
      const sql = `${SAFE}\n${comment}\n`;
      assert.deepEqual((await findingsOf(RULE, sql, { setup: SETUP })).map((f) => underlined(sql, f)), [comment]);
    });

    it('a file-wide ignore that silences nothing', async () => {
      const [f] = await findingsOf(RULE, `-- lockstep-ignore-file set-not-null\n${SAFE}`, { setup: SETUP });
      assert.match(f.message, /nothing to ignore for set-not-null in this file/);
    });

    it('an unknown rule id', async () => {
      const [f] = await findingsOf(RULE, `-- lockstep-ignore require-concurent-index: typo\n${PLAIN}`, { setup: SETUP });
      assert.match(f.message, /unknown rule id "require-concurent-index"/);
    });

    it('only the unused id of a multi-id ignore', async () => {
      const sql = `-- lockstep-ignore require-concurrent-index, set-not-null: tiny\n${PLAIN}`;
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
      assert.deepEqual(rest, []);
      assert.match(f.message, /nothing to ignore for set-not-null\b/);
      assert.doesNotMatch(f.message, /require-concurrent-index/);
    });

    it('an ignore for a rule that config turns off', async () => {
      const sql = `-- lockstep-ignore require-concurrent-index: tiny\n${PLAIN}`;
      const hits = await findingsOf(RULE, sql, { setup: SETUP, config: { rules: { 'require-concurrent-index': 'off' } } });
      assert.equal(hits.length, 1);
    });

  });

  describe('configuration', () => {
    it('its own severity can be changed, or it can be silenced file-wide', async () => {
      const sql = `-- lockstep-ignore require-concurrent-index: tiny\n${SAFE}`;
      const [f] = await findingsOf(RULE, sql, { setup: SETUP, config: { rules: { [RULE]: 'error' } } });
      assert.equal(f.severity, 'error');
      assert.deepEqual(await findingsOf(RULE, `-- lockstep-ignore-file ${RULE}\n${sql}`, { setup: SETUP }), []);
    });
  });
});
