import assert from 'node:assert/strict';
import { findingsOf } from '../../support/lint';

const RULE = 'rename-schema';

describe(`rule ${RULE}`, () => {
  it('flags renaming an existing schema', async () => {
    const [f, ...rest] = await findingsOf(RULE, 'ALTER SCHEMA billing RENAME TO accounting;', { setup: 'CREATE SCHEMA billing;' });
    assert.deepEqual(rest, []);
    assert.match(f.message, /Renaming schema billing to accounting moves every table, view, function and type in it at once/);
  });

  it('does not flag a schema created in this migration, other renames, or a rollback', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE SCHEMA billing;\nALTER SCHEMA billing RENAME TO accounting;'), []);
    assert.deepEqual(await findingsOf(RULE, 'ALTER SCHEMA billing OWNER TO admin;'), []);
    assert.deepEqual(await findingsOf(RULE, 'ALTER SCHEMA accounting RENAME TO billing;', { path: '/m/000002_x.down.sql' }), []);
  });
});
