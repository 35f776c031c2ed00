import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'validate-in-same-transaction';
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);';
const ADD_FK = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
const ADD_CHECK = 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;';
const VALIDATE_FK = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;';

describe(`rule ${RULE}`, () => {
  it('flags VALIDATE after its NOT VALID add inside BEGIN … COMMIT, naming the lock the add still holds', async () => {
    const sql = `BEGIN;\n${ADD_FK}\n${VALIDATE_FK}\nCOMMIT;`;
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'VALIDATE CONSTRAINT orders_user_fk');
    assert.match(f.message, /still holds a SHARE ROW EXCLUSIVE lock on orders, blocking writes/);
    assert.match(f.message, /COMMIT after the NOT VALID add and VALIDATE in a new transaction/);
  });

  it('a CHECK added NOT VALID holds ACCESS EXCLUSIVE, and says so', async () => {
    const sql = `BEGIN;\n${ADD_CHECK}\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;\nCOMMIT;`;
    const [f] = await findingsOf(RULE, sql, { setup: SETUP });
    assert.match(f.message, /ACCESS EXCLUSIVE lock on orders, blocking reads and writes/);
  });

  it('flags it when the runner wraps the file in one transaction (Flyway), with the move-to-next-migration fix', async () => {
    const [f] = await findingsOf(RULE, `${ADD_FK}\n${VALIDATE_FK}`, { setup: SETUP, path: 'db/migration/V7__orders_fk.sql' });
    assert.match(f.message, /Flyway runs this whole migration in one transaction: move the VALIDATE into the next migration/);
  });

  it('flags both in one ALTER TABLE statement', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID, VALIDATE CONSTRAINT orders_amount_check;';
    const [f] = await findingsOf(RULE, `BEGIN;\n${sql}\nCOMMIT;`, { setup: SETUP });
    assert.match(f.message, /\(this same statement\)/);
  });

  it('does not flag VALIDATE after a COMMIT, nor in autocommit', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${ADD_FK}\nCOMMIT;\n${VALIDATE_FK}`, { setup: SETUP }), []);
    assert.deepEqual(await findingsOf(RULE, `${ADD_FK}\n${VALIDATE_FK}`, { setup: SETUP }), []);
  });

  it('does not flag VALIDATE of a constraint from an earlier migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${VALIDATE_FK}\nCOMMIT;`, { setup: `${SETUP}\n${ADD_FK}` }), []);
  });

  it('does not flag a table created earlier in the migration (nobody else can be waiting)', async () => {
    assert.deepEqual(await findingsOf(RULE, `BEGIN;\n${SETUP}\n${ADD_FK}\n${VALIDATE_FK}\nCOMMIT;`), []);
  });

  it('goose: flagged in the up section, not when the file opts out of the transaction', async () => {
    const goose = (header: string) => `${header}-- +goose Up\n${ADD_FK}\n${VALIDATE_FK}\n`;
    assert.equal((await findingsOf(RULE, goose(''), { setup: SETUP })).length, 1);
    assert.deepEqual(await findingsOf(RULE, goose('-- +goose NO TRANSACTION\n'), { setup: SETUP }), []);
  });
});
