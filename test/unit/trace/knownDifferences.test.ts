/**
 * The differences docs/trace.md lists as depending on the data, reproduced on embedded PostgreSQL:
 * each happens exactly as documented, is marked explained, and nothing else is.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import { compareTrace, setupStatements, traceJob } from '../../../server/src/trace/plan';
import { renderTraceText } from '../../../server/src/trace/render';
import { runTrace } from '../../../server/src/trace/shadowRun';

describe('trace: differences that depend on the data (docs/trace.md)', function () {
  this.timeout(120_000);
  let db: PGlite;
  before(async () => {
    await initEngine();
    db = new PGlite();
    await db.waitReady;
  });
  after(() => db?.close());

  const SETUP = `CREATE TABLE users (id serial PRIMARY KEY, name text);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int REFERENCES users (id), note text);
INSERT INTO users (name) VALUES ('a'), ('b');`;

  async function traceAll(sql: string, namespace: string) {
    const setup = setupStatements([{ path: 'V1__setup.sql', text: SETUP }], DEFAULT_CONFIG);
    const result = lintText(sql, { config: DEFAULT_CONFIG, path: 'V2__change.sql', schema: lintText(SETUP, { config: DEFAULT_CONFIG }).document.catalog });
    const response = await runTrace(db, { jobs: [traceJob(result, namespace, setup)] });
    return compareTrace(result, response.jobs[0], response).statements;
  }

  const trace = async (sql: string, namespace: string) => (await traceAll(sql, namespace))[0];

  it('no-rows: an INSERT … SELECT that inserts nothing draws no sequence value and checks no foreign key', async () => {
    const s = await trace("INSERT INTO orders (user_id, note) SELECT id, 'x' FROM users WHERE name = 'nobody';", 'no_rows');
    assert.equal(s.agrees, false);
    assert.ok(s.differences.includes('orders_id_seq: model RowExclusiveLock, observed no lock'), s.differences.join('\n'));
    assert.deepEqual(s.explained, ['no-rows']);
  });

  it('planner-scan: a query whose plan never fetches a row never reads the table the model expects it to scan', async () => {
    const s = await trace('SELECT * FROM orders LIMIT 0;', 'planner');
    assert.ok(s.differences.includes('orders: the model predicted a scan, none was observed'), s.differences.join('\n'));
    assert.deepEqual(s.explained, ['planner-scan']);
  });

  it('fk-check-rows: validating a foreign key on a column with no value yet never reads the referenced table', async () => {
    const fk = await traceAll('ALTER TABLE orders ADD COLUMN owner_id int;\nALTER TABLE orders ADD CONSTRAINT orders_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id);', 'fk_rows');
    assert.equal(fk[0].agrees, true, fk[0].differences.join('\n'));
    assert.ok(fk[1].differences.includes('users: the model predicted a scan, none was observed'), fk[1].differences.join('\n'));
    assert.deepEqual(fk[1].explained, ['fk-check-rows']);
  });

  it('fk-check-rows: ADD COLUMN … REFERENCES with a default checks the key, but on an empty table never reads the referenced table', async () => {
    const [s] = await traceAll('ALTER TABLE orders ADD COLUMN buyer_id int DEFAULT 1 REFERENCES users (id);', 'fk_column');
    assert.ok(s.differences.includes('users: the model predicted a scan, none was observed'), s.differences.join('\n'));
    assert.deepEqual(s.explained, ['fk-check-rows']);
  });

  it('a difference in DDL is never explained away', async () => {
    const s = await trace('ALTER TABLE users ADD COLUMN c int;', 'ddl');
    assert.equal(s.agrees, true);
    const wrong = compareTrace(
      lintText('ALTER TABLE users ADD COLUMN c int DEFAULT random();', { config: DEFAULT_CONFIG, schema: lintText(SETUP, { config: DEFAULT_CONFIG }).document.catalog }),
      { setupFailures: [], steps: [{ index: 0, outcome: 'observed', effects: s.observed }] },
      { serverVersion: '18', jobs: [], startupMs: 0 },
    ).statements[0];
    assert.equal(wrong.agrees, false);
    assert.equal(wrong.explained, undefined);
  });
  it('unseen-objects: a partition a function made with dynamic SQL is locked by ALTER TABLE on its parent; the model cannot name it', async () => {
    const sql = `CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
CREATE FUNCTION make_partition(d date) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', 'events_' || to_char(d, 'YYYYMMDD'), d, d + 1);
END $$;
SELECT make_partition('2026-12-02');
ALTER TABLE events ADD COLUMN note text;`;
    const result = lintText(sql, { config: DEFAULT_CONFIG, path: 'V2__partitions.sql' });
    const response = await runTrace(db, { jobs: [traceJob(result, 'unseen', [])] });
    const report = compareTrace(result, response.jobs[0], response);
    const [, , select, alter] = report.statements;
    // The SELECT runs DDL in the function's body: observed, not compared (like a CALL).
    assert.match(select.unpredicted ?? '', /SELECT calls make_partition, whose body runs DDL/);
    assert.ok(alter.differences.includes('events_20261202: model no lock, observed AccessExclusiveLock'), alter.differences.join('\n'));
    assert.deepEqual(alter.explained, ['unseen-objects']);
    // It depends on the function's body, not on the data, and the report says so.
    const text = renderTraceText([{ displayPath: 'V2__partitions.sql', text: sql, report }]);
    assert.match(text, /observed ≠ model, depends on code the model does not read \(unseen-objects; see docs\/trace\.md\)/);
    assert.doesNotMatch(text, /depends on the data/);
    // The same observation against a file that never ran such code is a gap, not explained.
    const plain = compareTrace(
      lintText('CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nALTER TABLE events ADD COLUMN note text;', { config: DEFAULT_CONFIG }),
      { setupFailures: [], steps: [{ index: 1, outcome: 'observed', effects: alter.observed }] },
      { serverVersion: '18', jobs: [], startupMs: 0 },
    ).statements[0];
    assert.equal(plain.agrees, false);
    assert.equal(plain.explained, undefined);
  });
});
