import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { findingsOf, lint, underlined, type LintCase } from '../../support/lint';

const RULE = 'concurrent-in-transaction';
const SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_id_idx ON orders (id);';
const CIC = 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);';
const OTHER = 'ALTER TABLE orders ADD COLUMN note text;';

/** Underlined text of each finding of this rule. */
async function flagged(sql: string, opts: LintCase = {}): Promise<string[]> {
  return (await findingsOf(RULE, sql, { setup: SETUP, ...opts })).map((f) => underlined(sql, f));
}

describe(`rule ${RULE}`, () => {
  describe('explicit transactions', () => {
    it('flags CREATE INDEX CONCURRENTLY between BEGIN and COMMIT, as an error that says how to fix it', async () => {
      const sql = `BEGIN;\n${CIC}\nCOMMIT;`;
      const [f, ...rest] = await findingsOf(RULE, sql, { setup: SETUP });
      assert.deepEqual(rest, []);
      assert.equal(underlined(sql, f), CIC);
      assert.equal(f.severity, 'error');
      assert.match(f.message, /^CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
      assert.match(f.message, /move it out of the BEGIN … COMMIT block/);
    });

    it('does not flag it after the transaction ends (COMMIT or ROLLBACK)', async () => {
      assert.deepEqual(await flagged(`BEGIN;\n${OTHER}\nCOMMIT;\n${CIC}`), []);
      assert.deepEqual(await flagged(`BEGIN;\nROLLBACK;\n${CIC}`), []);
    });

    it('flags DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and VACUUM inside BEGIN, but not ANALYZE', async () => {
      const inside = ['DROP INDEX CONCURRENTLY orders_id_idx;', 'REINDEX INDEX CONCURRENTLY orders_id_idx;', 'VACUUM orders;'];
      const sql = `BEGIN;\n${inside.join('\n')}\nANALYZE orders;\nCOMMIT;`;
      assert.deepEqual(await flagged(sql), inside);
    });

    // BUG (reported): PostgreSQL 14+ refuses DETACH PARTITION … CONCURRENTLY in a transaction block (25001).
    it('flags ALTER TABLE … DETACH PARTITION … CONCURRENTLY inside BEGIN', async () => {
      const setup =
        'CREATE TABLE events (day date) PARTITION BY RANGE (day);\n' +
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
      const detach = 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;';
      assert.deepEqual(await flagged(`BEGIN;\n${detach}\nCOMMIT;`, { setup }), [detach]);
    });

    it('plain statements inside BEGIN are not its business', async () => {
      assert.deepEqual(await flagged(`BEGIN;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n${OTHER}\nCOMMIT;`), []);
    });
  });

  describe('transactions opened by the migration runner', () => {
    it('goose: flagged, with the NO TRANSACTION opt-out in the message', async () => {
      const sql = `-- +goose Up\n${CIC}\n`;
      const [f] = await findingsOf(RULE, sql, { setup: SETUP });
      assert.equal(underlined(sql, f), CIC);
      assert.match(f.message, /goose runs this migration in a transaction/);
      assert.match(f.message, /-- \+goose NO TRANSACTION/);
    });

    it('goose: not flagged with -- +goose NO TRANSACTION', async () => {
      assert.deepEqual(await flagged(`-- +goose NO TRANSACTION\n-- +goose Up\n${CIC}\n`), []);
    });

    it('dbmate: flagged under -- migrate:up, not under -- migrate:up transaction:false', async () => {
      const [f] = await findingsOf(RULE, `-- migrate:up\n${CIC}\n`, { setup: SETUP });
      assert.match(f.message, /dbmate runs this migration in a transaction/);
      assert.match(f.message, /transaction:false/);
      assert.deepEqual(await flagged(`-- migrate:up transaction:false\n${CIC}\n`), []);
    });

    it('Flyway: a script holding only the CONCURRENTLY statement runs outside a transaction; mixed with another statement it does not', async () => {
      const path = 'db/migration/V3__idx.sql';
      assert.deepEqual(await flagged(CIC, { path }), []);
      const sql = `${CIC}\n${OTHER}`;
      const [f] = await findingsOf(RULE, sql, { setup: SETUP, path });
      assert.equal(underlined(sql, f), CIC);
      assert.match(f.message, /Flyway/);
    });

    it('golang-migrate: one statement per file is fine, two statements run as one implicit transaction', async () => {
      const path = 'migrations/0003_x.up.sql';
      assert.deepEqual(await flagged(CIC, { path }), []);
      const sql = `${CIC}\n${OTHER}`;
      const [f] = await findingsOf(RULE, sql, { setup: SETUP, path });
      assert.equal(underlined(sql, f), CIC);
      assert.match(f.message, /golang-migrate/);
      assert.match(f.message, /alone in its own migration file/);
    });

    it('Diesel: up.sql runs in a transaction', async () => {
      const [f] = await findingsOf(RULE, CIC, { setup: SETUP, path: 'migrations/2024-01-01-000000_idx/up.sql' });
      assert.match(f.message, /Diesel/);
      assert.match(f.message, /run_in_transaction = false/);
    });

    it('a plain SQL file runs in autocommit: not flagged', async () => {
      assert.deepEqual(await flagged(CIC, { path: 'migrations/001_idx.sql' }), []);
      assert.deepEqual(await flagged(CIC), []);
    });
  });

  describe('the transaction setting overrides the runner', () => {
    it('"never" un-wraps a goose file', async () => {
      assert.deepEqual(await flagged(`-- +goose Up\n${CIC}\n`, { config: { transaction: 'never' } }), []);
    });

    it('"never" does not hide an explicit BEGIN', async () => {
      assert.deepEqual(await flagged(`BEGIN;\n${CIC}\nCOMMIT;`, { config: { transaction: 'never' } }), [CIC]);
    });

    it('"always" wraps a plain file', async () => {
      assert.deepEqual(await flagged(CIC, { config: { transaction: 'always' } }), [CIC]);
    });
  });

  describe('PostgreSQL versions', () => {
    const enumSetup = "CREATE TYPE mood AS ENUM ('happy', 'sad');";
    const addValue = "ALTER TYPE mood ADD VALUE 'ecstatic';";

    it('ALTER TYPE … ADD VALUE inside BEGIN fails before PostgreSQL 12 only', async () => {
      const sql = `BEGIN;\n${addValue}\nCOMMIT;`;
      assert.deepEqual(await flagged(sql, { setup: enumSetup, config: { pgVersion: 11 } }), [addValue]);
      assert.deepEqual(await flagged(sql, { setup: enumSetup, config: { pgVersion: 12 } }), []);
    });

    it('REINDEX CONCURRENTLY carries a "needs PostgreSQL 12" note on 11, and none on 12', async () => {
      const sql = 'REINDEX INDEX CONCURRENTLY orders_id_idx;';
      const notes = async (pgVersion: number) => explain(await lint(sql, { setup: SETUP, config: { pgVersion } }))[0].notes;
      assert.ok((await notes(11)).some((n) => /needs PostgreSQL 12/.test(n)));
      assert.ok(!(await notes(12)).some((n) => /needs PostgreSQL 12/.test(n)));
    });
  });
});
