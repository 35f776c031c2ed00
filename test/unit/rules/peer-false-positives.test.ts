/**
 * The peer false positives the rules landscape lists, each by name: what other linters get
 * wrong, and what Lockstep (from its lock model, verified against real PostgreSQL) says instead.
 */
import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { findingsOf, lint, underlined } from '../../support/lint';

/** Every finding of every rule but the ones named (for "nothing flags this"). */
async function allFindings(sql: string, setup?: string, pgVersion = 16) {
  return (await lint(sql, { setup, config: { pgVersion } })).findings;
}

describe('peer false positives, done right', () => {
  describe('an index or constraint on a table created earlier in the same migration is not flagged (squawk#349)', () => {
    const create = 'CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint, number text, total numeric, during tstzrange);';
    const statements = [
      'CREATE INDEX invoices_account_idx ON invoices (account_id);',
      'CREATE UNIQUE INDEX invoices_number_idx ON invoices (number);',
      'ALTER TABLE invoices ADD CONSTRAINT invoices_number_key UNIQUE (number);',
      'ALTER TABLE invoices ADD CONSTRAINT invoices_total_check CHECK (total >= 0);',
      'ALTER TABLE invoices ADD CONSTRAINT invoices_account_fk FOREIGN KEY (account_id) REFERENCES invoices (id);',
      'ALTER TABLE invoices ADD CONSTRAINT invoices_no_overlap EXCLUDE USING gist (during WITH &&);',
      'ALTER TABLE invoices ALTER COLUMN number SET NOT NULL;',
    ];
    for (const stmt of statements) {
      it(`does not flag ${stmt}`, async () => {
        const findings = await allFindings(`${create}\n${stmt}`);
        // foreign-key-needs-index is about the key's own index, not about locking the new table.
        assert.deepEqual(findings.filter((f) => f.ruleId !== 'foreign-key-needs-index').map((f) => `${f.ruleId}: ${f.message}`), []);
      });
    }

    it('flags the same statements when the table comes from an earlier migration', async () => {
      for (const stmt of statements) assert.ok((await allFindings(stmt, create)).length > 0, stmt);
    });
  });

  describe('constant defaults are not rewrites on PostgreSQL 11+ (squawk#390, #388, #645, #277, #200)', () => {
    const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
    for (const column of [
      'active boolean NOT NULL DEFAULT true',
      'tags text[] NOT NULL DEFAULT ARRAY[]::text[]',
      'created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP',
      "since timestamptz DEFAULT now() - interval '1 day'",
      "day date DEFAULT (now() AT TIME ZONE 'utc')::date",
    ]) {
      it(`ADD COLUMN ${column}: no rewrite, no volatile-default finding`, async () => {
        const sql = `ALTER TABLE users ADD COLUMN ${column};`;
        assert.deepEqual(await findingsOf('volatile-default', sql, { setup: USERS, config: { pgVersion: 11 } }), []);
        const [users] = explain(await lint(sql, { setup: USERS })).flatMap((i) => i.relations);
        assert.equal(users.rewrite, false);
      });
    }

    it('any non-volatile function: a user function declared STABLE or IMMUTABLE is not a rewrite; one declared VOLATILE is', async () => {
      const fn = (volatility: string) => `CREATE FUNCTION default_plan() RETURNS text LANGUAGE sql ${volatility} AS $$ SELECT 'free' $$;`;
      const add = 'ALTER TABLE users ADD COLUMN plan text DEFAULT default_plan();';
      for (const volatility of ['STABLE', 'IMMUTABLE']) {
        assert.deepEqual(await findingsOf('volatile-default', `${fn(volatility)}\n${add}`, { setup: USERS }), [], volatility);
      }
      const [f] = await findingsOf('volatile-default', `${fn('VOLATILE')}\n${add}`, { setup: USERS });
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /the volatile default_plan\(\)/);
      // Declared in an earlier migration counts the same.
      assert.deepEqual(await findingsOf('volatile-default', add, { setup: `${USERS}\n${fn('STABLE')}` }), []);
    });

    it('before PostgreSQL 11 the same constant default does rewrite', async () => {
      const [f] = await findingsOf('volatile-default', 'ALTER TABLE users ADD COLUMN active boolean DEFAULT true;', { setup: USERS, config: { pgVersion: 10 } });
      assert.match(f.message, /before PostgreSQL 11/);
    });
  });

  describe('binary-coercible type changes are not rewrites (strong_migrations#174, #128)', () => {
    const SETUP = 'CREATE TABLE accounts (id bigint PRIMARY KEY, handle varchar(100), balance numeric(10,2), network cidr, opened_at timestamp);';
    for (const change of ['handle TYPE varchar(200)', 'handle TYPE text', 'balance TYPE numeric(14,2)', 'network TYPE inet']) {
      it(`${change}: no rewrite in the model, no type-change-rewrite finding`, async () => {
        const sql = `ALTER TABLE accounts ALTER COLUMN ${change};`;
        assert.deepEqual(await findingsOf('type-change-rewrite', sql, { setup: SETUP }), []);
        assert.equal(explain(await lint(sql, { setup: SETUP }))[0].relations[0].rewrite, false);
      });
    }

    it('numeric with a different scale does rewrite', async () => {
      assert.equal((await findingsOf('type-change-rewrite', 'ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12,4);', { setup: SETUP })).length, 1);
    });

    it('timestamp → timestamptz is explained: it rewrites unless the session TimeZone is UTC (PG 12+)', async () => {
      const sql = 'ALTER TABLE accounts ALTER COLUMN opened_at TYPE timestamptz;';
      const [f] = await findingsOf('type-change-rewrite', sql, { setup: SETUP });
      assert.equal(f.severity, 'info');
      assert.match(f.message, /timestamp → timestamptz rewrites the table unless the session TimeZone is UTC \(PG 12\+ then skips the rewrite\)/);
    });
  });

  describe('lock_timeout is not demanded for statements that only touch objects created in the same migration (squawk#673)', () => {
    it('CREATE TABLE, then ALTER, index, constraint and drop on it: no require-lock-timeout finding', async () => {
      const sql = [
        'CREATE TABLE drafts (id bigint PRIMARY KEY, title text);',
        'ALTER TABLE drafts ADD COLUMN body text NOT NULL;',
        'CREATE INDEX drafts_title_idx ON drafts (title);',
        'ALTER TABLE drafts ADD CONSTRAINT drafts_title_check CHECK (title <> \'\');',
        'DROP INDEX drafts_title_idx;',
      ].join('\n');
      assert.deepEqual(await findingsOf('require-lock-timeout', sql), []);
    });

    it('but a new table referencing an existing one locks that one, and is flagged', async () => {
      const sql = 'CREATE TABLE drafts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));';
      const [f] = await findingsOf('require-lock-timeout', sql, { setup: 'CREATE TABLE users (id bigint PRIMARY KEY);' });
      assert.match(f.message, /SHARE ROW EXCLUSIVE lock on users/);
    });
  });

  it('VALIDATE in the same transaction as its NOT VALID add is flagged', async () => {
    const setup = 'CREATE TABLE orders (id bigint PRIMARY KEY, amount int);';
    const sql = 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;\nCOMMIT;';
    const [f] = await findingsOf('validate-in-same-transaction', sql, { setup });
    assert.equal(underlined(sql, f), 'VALIDATE CONSTRAINT orders_amount_check');
  });

  describe('ADD UNIQUE, CHECK and EXCLUDE are ACCESS EXCLUSIVE, as real PostgreSQL takes them (pgfence states SHARE ROW EXCLUSIVE)', () => {
    const SETUP = 'CREATE TABLE bookings (id bigint PRIMARY KEY, code text, seats int, during tstzrange);';
    for (const [constraint, rule] of [
      ['CONSTRAINT bookings_code_key UNIQUE (code)', 'unique-constraint-needs-index'],
      ['CONSTRAINT bookings_seats_check CHECK (seats > 0)', 'require-not-valid'],
      ['CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)', 'exclusion-constraint'],
    ]) {
      it(`ADD ${constraint.split(' ')[2]}: the model and the ${rule} message say ACCESS EXCLUSIVE`, async () => {
        const sql = `ALTER TABLE bookings ADD ${constraint};`;
        const bookings = explain(await lint(sql, { setup: SETUP }))[0].relations.find((r) => r.relation === 'bookings')!;
        assert.equal(bookings.mode, 'AccessExclusiveLock');
        const [f] = await findingsOf(rule, sql, { setup: SETUP });
        assert.match(f.message, /ACCESS EXCLUSIVE lock on bookings, blocking reads and writes/);
      });
    }
  });
});
