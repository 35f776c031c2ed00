import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { findingsOf, lint } from '../../support/lint';

const RULE = 'domain-check';
const SETUP = 'CREATE DOMAIN amount AS numeric;\nCREATE TABLE invoices (id bigint PRIMARY KEY, total amount);\nCREATE TABLE refunds (id bigint PRIMARY KEY, value amount);';
const ADD = 'ALTER DOMAIN amount ADD CONSTRAINT amount_nonneg CHECK (VALUE >= 0);';

describe(`rule ${RULE}`, () => {
  it('flags ALTER DOMAIN … ADD CONSTRAINT: SHARE on every table using the domain, each scanned (from the model)', async () => {
    const [f, ...rest] = await findingsOf(RULE, ADD, { setup: SETUP });
    assert.deepEqual(rest, []);
    const relations = explain(await lint(ADD, { setup: SETUP }))[0].relations;
    assert.deepEqual(relations.map((r) => [r.relation, r.mode, r.scan]), [['invoices', 'ShareLock', true], ['refunds', 'ShareLock', true]]);
    assert.match(f.message, /takes a SHARE lock on invoices, blocking writes \(INSERT\/UPDATE\/DELETE\), a SHARE lock on refunds/);
    assert.match(f.message, /add CHECK constraints on the tables NOT VALID/);
  });

  it('flags VALIDATE on a domain too: unlike a table, it blocks writes just like the add', async () => {
    const setup = `${SETUP}\nALTER DOMAIN amount ADD CONSTRAINT amount_nonneg CHECK (VALUE >= 0) NOT VALID;`;
    const [f] = await findingsOf(RULE, 'ALTER DOMAIN amount VALIDATE CONSTRAINT amount_nonneg;', { setup });
    assert.match(f.message, /VALIDATE on a domain blocks writes just like the add/);
  });

  it('does not flag ADD CONSTRAINT … NOT VALID or DROP CONSTRAINT (nothing is checked)', async () => {
    assert.deepEqual(await findingsOf(RULE, ADD.replace(';', ' NOT VALID;'), { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, 'ALTER DOMAIN amount DROP CONSTRAINT amount_nonneg;', { setup: SETUP }), []);
  });

  it('reports CREATE DOMAIN … CHECK as info, and a plain CREATE DOMAIN not at all', async () => {
    const [f] = await findingsOf(RULE, "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');");
    assert.equal(f.severity, 'info');
    assert.deepEqual(await findingsOf(RULE, 'CREATE DOMAIN email AS text;'), []);
  });

  it('does not flag a domain only used by tables created in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${SETUP}\n${ADD}`), []);
  });

  it('still flags a domain whose tables Lockstep has not seen, from the model\'s reason', async () => {
    const [f] = await findingsOf(RULE, ADD);
    assert.match(f.message, /every table with a column of this domain is checked while SHARE blocks writes/);
  });
});
