import assert from 'node:assert/strict';
import { validateConfig } from '../../../server/src/config/validate';
import { findingsOf } from '../../support/lint';

const RULE = 'require-statement-timeout';
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
const STRICT = { extends: 'lockstep:strict' as const };
const TX = (body: string) => `BEGIN;\nSET LOCAL lock_timeout = '2s';\n${body}\nCOMMIT;`;
const CHECK = 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_check CHECK (user_id > 0);';

describe(`rule ${RULE}`, () => {
  it('is off by default, on with "extends": "lockstep:strict" or its own rules entry', async () => {
    assert.deepEqual(await findingsOf(RULE, TX(CHECK), { setup: ORDERS }), []);
    assert.equal((await findingsOf(RULE, TX(CHECK), { setup: ORDERS, config: STRICT })).length, 1);
    assert.equal((await findingsOf(RULE, TX(CHECK), { setup: ORDERS, config: { rules: { [RULE]: 'info' } } }))[0].severity, 'info');
    assert.deepEqual(await findingsOf(RULE, TX(CHECK), { setup: ORDERS, config: { ...STRICT, rules: { [RULE]: 'off' } } }), []);
  });

  it('reports once, on the first blocking statement, naming each missing timeout', async () => {
    const sql = TX(`${CHECK}\nALTER TABLE orders ADD COLUMN note text;`);
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: ORDERS, config: STRICT });
    assert.deepEqual(rest, []);
    assert.equal(f.statementIndex, 2);
    assert.match(f.message, /no statement_timeout .* and no idle_in_transaction_session_timeout/);
    const [onlyIdle] = await findingsOf(RULE, TX(`SET LOCAL statement_timeout = '60s';\n${CHECK}`), { setup: ORDERS, config: STRICT });
    assert.doesNotMatch(onlyIdle.message, /no statement_timeout/);
    // Outside a transaction there is no idle transaction to bound.
    const [autocommit] = await findingsOf(RULE, CHECK, { setup: ORDERS, config: { ...STRICT, runner: 'plain' } });
    assert.doesNotMatch(autocommit.message, /idle_in_transaction/);
  });

  it('is quiet when both are set, on new tables, and on statements that block no traffic', async () => {
    const both = "SET LOCAL statement_timeout = '60s';\nSET LOCAL idle_in_transaction_session_timeout = '60s';";
    assert.deepEqual(await findingsOf(RULE, TX(`${both}\n${CHECK}`), { setup: ORDERS, config: STRICT }), []);
    assert.deepEqual(await findingsOf(RULE, TX('CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN n int;'), { config: STRICT }), []);
    assert.deepEqual(await findingsOf(RULE, 'CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);', { setup: ORDERS, config: STRICT }), []);
  });

  it('the config accepts "extends" with the known presets only', () => {
    assert.deepEqual(validateConfig({ extends: 'lockstep:strict' }), { config: { extends: 'lockstep:strict' }, problems: [] });
    assert.match(validateConfig({ extends: 'eslint:recommended' }).problems[0].message, /"extends" must be one of "lockstep:recommended", "lockstep:strict"/);
  });
});
