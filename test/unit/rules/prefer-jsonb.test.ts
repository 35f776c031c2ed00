import assert from 'node:assert/strict';
import { findingsOf, underlined } from '../../support/lint';

const RULE = 'prefer-jsonb';

describe(`rule ${RULE}`, () => {
  it('reports json columns in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE as info', async () => {
    const sql = 'CREATE TABLE events (id bigint, payload json);\nALTER TABLE events ADD COLUMN meta json;\nALTER TABLE events ALTER COLUMN payload TYPE json;';
    const hits = await findingsOf(RULE, sql);
    assert.equal(hits.length, 3);
    assert.equal(underlined(sql, hits[0]), 'payload json');
    assert.equal(hits[0].severity, 'info');
    assert.match(hits[0].message, /no equality operator/);
    assert.match(hits[0].message, /Use jsonb/);
  });

  it('does not report jsonb, json[] stays reported, and rollbacks are quiet', async () => {
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE events (id bigint, payload jsonb);'), []);
    assert.deepEqual(await findingsOf(RULE, 'CREATE TABLE events (id bigint, payload json);', { path: 'migrations/1_events.down.sql' }), []);
  });
});
