import assert from 'node:assert/strict';
import { explain } from '../../../server/src/engine';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'exclusion-constraint';
const BOOKINGS = 'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange);';
const ADD = 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);';

describe(`rule ${RULE}`, () => {
  it('flags ADD EXCLUDE with ACCESS EXCLUSIVE, as PostgreSQL takes it, and says there is no concurrent form', async () => {
    const [f, ...rest] = await findingsOf(RULE, ADD, { setup: BOOKINGS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(ADD, f), 'CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)');
    const bookings = explain(await lint(ADD, { setup: BOOKINGS }))[0].relations.find((r) => r.relation === 'bookings')!;
    assert.equal(bookings.mode, 'AccessExclusiveLock');
    assert.match(f.message, /ACCESS EXCLUSIVE lock on bookings, blocking reads and writes, and PostgreSQL has no CONCURRENTLY form/);
  });

  it('does not flag an exclusion constraint declared with the table, or added to a table created earlier in the migration', async () => {
    const create = 'CREATE TABLE rooms (id bigint PRIMARY KEY, during tstzrange, EXCLUDE USING gist (during WITH &&));';
    assert.deepEqual(await findingsOf(RULE, create), []);
    assert.deepEqual(await findingsOf(RULE, `${BOOKINGS}\n${ADD}`), []);
  });

  it('leaves UNIQUE and CHECK to their own rules', async () => {
    assert.deepEqual(await findingsOf(RULE, 'ALTER TABLE bookings ADD UNIQUE (during);', { setup: BOOKINGS }), []);
  });
});
