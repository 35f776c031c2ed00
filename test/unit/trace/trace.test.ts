/**
 * The trace: replaying a migration on embedded PostgreSQL (PGlite, in-process here; the CLI runs
 * it in a worker) and comparing what it does with the lock model.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import { compareTrace, compareTraceSteps, setupStatements, traceJob } from '../../../server/src/trace/plan';
import { runTrace } from '../../../server/src/trace/shadowRun';

describe('trace on embedded PostgreSQL (PGlite)', function () {
  this.timeout(120_000);
  let db: PGlite;
  before(async () => {
    await initEngine();
    db = new PGlite();
    await db.waitReady;
  });
  after(() => db?.close());

  const SETUP = 'CREATE TABLE users (id int PRIMARY KEY, email varchar(50));\nCREATE INDEX users_email_idx ON users (email);';

  async function trace(sql: string, namespace: string, setupSql = SETUP) {
    const config = DEFAULT_CONFIG;
    const setup = setupStatements([{ path: 'V1__setup.sql', text: setupSql }], config);
    const result = lintText(sql, { config, path: 'V2__change.sql', schema: lintText(setupSql, { config }).document.catalog });
    const response = await runTrace(db, { jobs: [traceJob(result, namespace, setup)] });
    return compareTrace(result, response.jobs[0], response);
  }

  it('compares a statement at a time (the language server slices it): one step per statement, the same report', async () => {
    const config = DEFAULT_CONFIG;
    const sql = 'ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_note_idx ON users (note);\nALTER TABLE nowhere ADD COLUMN x int;\n';
    const setup = setupStatements([{ path: 'V1__setup.sql', text: SETUP }], config);
    const result = lintText(sql, { config, path: 'V2__change.sql', schema: lintText(SETUP, { config }).document.catalog });
    const response = await runTrace(db, { jobs: [traceJob(result, 'steps', setup)] });
    const steps = compareTraceSteps(result, response.jobs[0], response);
    let yields = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) yields++;
    assert.equal(yields, response.jobs[0].steps.length);
    assert.equal(yields, 3);
    assert.deepEqual(next.value, compareTrace(result, response.jobs[0], response));
    assert.equal(next.value.statements[2].outcome, 'failed');
  });

  it('observes a rewrite with its index locks, exactly as the model predicts', async () => {
    const report = await trace('ALTER TABLE users ALTER COLUMN id TYPE bigint;', 'rewrite');
    const [s] = report.statements;
    assert.equal(s.outcome, 'observed');
    assert.deepEqual(s.observed, {
      locks: { users: 'AccessExclusiveLock', users_email_idx: 'AccessExclusiveLock', users_pkey: 'AccessExclusiveLock' },
      // users_email_idx is rebuilt into a new file; users_pkey (on the retyped column) is created anew.
      rewritten: ['users', 'users_email_idx'],
      scanned: ['users'],
    });
    assert.equal(s.agrees, true, s.differences.join('\n'));
    assert.match(report.engine, /^PostgreSQL 18\.\d+ \(embedded PGlite\)$/);
  });

  it('applies statements cumulatively, so later ones see earlier ones', async () => {
    const report = await trace('ALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX users_nick_idx ON users (nick);', 'cumulative');
    assert.deepEqual(report.statements.map((s) => [s.outcome, s.agrees]), [['observed', true], ['observed', true]]);
    assert.deepEqual(report.statements[1].observed?.locks, { users: 'ShareLock', users_nick_idx: 'AccessExclusiveLock' });
  });

  it('runs CONCURRENTLY outside a transaction, skips BEGIN/COMMIT and down sections', async () => {
    const sql = '-- migrate:up\nBEGIN;\nCREATE INDEX CONCURRENTLY users_id_email ON users (id, email);\nCOMMIT;\n-- migrate:down\nDROP INDEX users_id_email;';
    const report = await trace(sql, 'outcomes');
    assert.deepEqual(report.statements.map((s) => s.outcome), ['skipped', 'applied', 'skipped', 'skipped']);
  });

  it('reports a statement that fails on the shadow schema, and setup it could not run', async () => {
    const report = await trace('ALTER TABLE missing ADD COLUMN c int;', 'failures', 'CREATE EXTENSION no_such_extension;');
    assert.equal(report.statements[0].outcome, 'failed');
    assert.match(report.statements[0].error ?? '', /does not exist/);
    assert.equal(report.setupFailures.length, 1);
  });

  it('says what differs when the observation and the model disagree', async () => {
    const report = await trace('ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();', 'disagree');
    const s = report.statements[0];
    // Tamper with the prediction to prove the comparison would catch a wrong model.
    const wrong = compareTrace(
      { ...lintText('ALTER TABLE users ADD COLUMN created timestamptz DEFAULT random();', { config: DEFAULT_CONFIG, schema: lintText(SETUP, { config: DEFAULT_CONFIG }).document.catalog }) },
      { setupFailures: [], steps: [{ index: 0, outcome: 'observed', effects: s.observed }] },
      { serverVersion: '18', jobs: [], startupMs: 0 },
    );
    assert.equal(s.agrees, true);
    assert.equal(wrong.statements[0].agrees, false);
    assert.ok(wrong.statements[0].differences.some((d) => /users: the model predicted a rewrite, none was observed/.test(d)), wrong.statements[0].differences.join('\n'));
  });
});
