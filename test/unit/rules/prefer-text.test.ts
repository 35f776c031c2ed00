import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'prefer-text';

describe(`rule ${RULE}`, () => {
  it('hints at varchar(n) and char(n), citing the rewrite a lower limit costs (from the lock model)', async () => {
    const sql = 'CREATE TABLE users (email varchar(255), country char(2), flag character);';
    const hits = await findingsOf(RULE, sql);
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['email varchar(255)', 'country char(2)', 'flag character']);
    assert.equal(hits[0].severity, 'hint');
    assert.match(hits[0].message, /varchar\(255\) → varchar\(127\) is not binary-coercible/);
    assert.match(hits[1].message, /pads values with spaces/);
    assert.match(hits[2].message, /is char\(1\)/);
  });

  it('does not hint at text or varchar without a limit', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE users (a text, b varchar, c character varying);'), []);
  });

  it('does not hint at changing the limit of an existing column (widening a varchar is free)', async () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY, note varchar(50));';
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE users ALTER COLUMN note TYPE varchar(80);', { setup }), []);
  });
});
