import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { EngineCache, catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'transaction-nesting';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const ADD = 'ALTER TABLE users ADD COLUMN plan text;';

describe(`rule ${RULE}`, () => {
  it('flags a BEGIN that is never committed (squawk#697)', async () => {
    const sql = `BEGIN;\n${ADD}`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'BEGIN;');
    assert.match(f.message, /never committed/);
  });

  it('is quiet on BEGIN … COMMIT and BEGIN … ROLLBACK', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;`, { setup: USERS }), []);
    assert.deepEqual(await findingsOf(RULE, `START TRANSACTION;\n${ADD}\nROLLBACK;`, { setup: USERS }), []);
  });

  it('flags a second BEGIN inside an open transaction', async () => {
    const sql = `BEGIN;\n${ADD}\nBEGIN;\nCOMMIT;`;
    const [f] = await findingsOf(RULE, sql, { setup: USERS });
    assert.match(f.message, /A transaction is already open here/);
  });

  it('flags BEGIN and COMMIT inside a runner transaction (goose, Flyway, dbmate, Diesel)', async () => {
    const sql = `-- +goose Up\nBEGIN;\n${ADD}\nCOMMIT;`;
    const hits = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(hits.map((f) => underlined(sql, f)), ['BEGIN;', 'COMMIT;']);
    assert.match(hits[0].message, /goose already runs this migration in a transaction/);
    assert.match(hits[0].message, /-- \+goose NO TRANSACTION/);
    assert.match(hits[1].message, /ends the transaction goose opened/);
    assert.equal((await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;`, { setup: USERS, path: 'db/V2__plan.sql' })).length, 2);
  });

  it('does not flag BEGIN/COMMIT under goose NO TRANSACTION, nor in a golang-migrate file (one multi-statement query)', async () => {
    assert.deepEqual(await findingsOf(RULE, `-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\n${ADD}\nCOMMIT;`, { setup: USERS }), []);
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD}\nCOMMIT;`, { setup: USERS, path: 'migrations/000002_plan.up.sql' }), []);
  });

  it('reports COMMIT with no transaction as info', async () => {
    const [f] = await findingsOf(RULE, `${ADD}\nCOMMIT;`, { setup: USERS });
    assert.equal(f.severity, 'info');
    assert.match(f.message, /no transaction to end/);
  });
});

describe(`rule ${RULE} with the editor's cache`, () => {
  it('re-judges BEGIN when a COMMIT is typed further down (its verdict depends on later statements, so it is never cached)', async () => {
    await initEngine();
    const cache = new EngineCache();
    const schema = catalogFromSql(USERS, DEFAULT_CONFIG);
    const run = (sql: string) => lintText(sql, { config: DEFAULT_CONFIG, cache, schema }).findings.filter((f) => f.ruleId === RULE);
    assert.equal(run(`BEGIN;\n${ADD}`).length, 1);
    assert.deepEqual(run(`BEGIN;\n${ADD}\nCOMMIT;`), []);
    assert.equal(run(`BEGIN;\n${ADD}`).length, 1);
  });
});
