import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'drop-database';

describe(`rule ${RULE}`, () => {
  it('flags DROP DATABASE as an error', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'DROP DATABASE IF EXISTS analytics;');
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^DROP DATABASE analytics destroys the whole database/);
    assert.match(f.message, /cannot run inside a transaction block/);
  });

  it('does not flag DROP SCHEMA or DROP TABLE', async () => {
    assert.deepEqual(await findingsOf(RULE, 'DROP TABLE t;\nDROP SCHEMA s;'), []);
  });
});
