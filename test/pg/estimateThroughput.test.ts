/**
 * Where the default throughput figures come from, and a check that they predict this machine.
 * A private PostgreSQL 18 cluster with durable settings (fsync, synchronous_commit and
 * full_page_writes on, shared_buffers 128MB — PostgreSQL's defaults, unlike the fast test clusters)
 * gets a table of known size; the estimator predicts a validation scan, a rewrite and an index
 * build; then they run for real and are timed. The measured MB/s are printed (docs/estimate.md
 * quotes them; LOCKSTEP_THROUGHPUT_ROWS=3000000 reproduces the documented run), and each
 * prediction must be within a factor of 8 of the measured time: wide enough for a busy 2-core
 * machine, narrow enough to catch a wrong unit, a forgotten index rebuild or a wrong size.
 */
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { estimateMigration } from '../../server/src/db/estimate';
import { ReadOnlySession } from '../../server/src/db/session';
import { DEFAULT_THROUGHPUT, MB } from '../../server/src/db/throughput';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { targetOf } from './estimateFixtures';

const ROWS = Number(process.env.LOCKSTEP_THROUGHPUT_ROWS ?? 400_000);
const FACTOR = 8;
const DURABLE = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', shared_buffers: '128MB' };

const STEPS = [
  { sql: 'ALTER TABLE bench ADD CONSTRAINT amount_positive CHECK (amount >= 0);', kind: 'scan', figure: 'scanMBps' },
  { sql: 'ALTER TABLE bench ALTER COLUMN account TYPE bigint USING account + 0;', kind: 'rewrite', figure: 'rewriteMBps' },
  { sql: 'CREATE INDEX bench_note_idx ON bench (note);', kind: 'index build', figure: 'indexBuildMBps' },
] as const;

describe('throughput defaults vs a real PostgreSQL 18 with durable settings', function () {
  this.timeout(300_000);
  let cluster: PgCluster;
  let db: pg.Client;

  before(async () => {
    cluster = await startCluster(18, { settings: DURABLE });
    db = await cluster.client();
    await db.query('CREATE TABLE bench (id bigint, account bigint, amount numeric, note text)');
    await db.query(`INSERT INTO bench SELECT g, g % 5000, (g % 1000) / 10.0, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
    await db.query('VACUUM ANALYZE bench');
  });
  after(async () => {
    await db?.end();
    await cluster?.stop();
  });

  it('predicts each kind of work within a factor of the measured time, and prints the measured MB/s', async () => {
    const heapMB = Number((await db.query("SELECT pg_relation_size('bench') AS b")).rows[0].b) / MB;
    const measured: Record<string, number> = {};
    for (const step of STEPS) {
      // Predict against the table as it is now (the rewrite follows the scan, the index the rewrite).
      const session = await ReadOnlySession.open(targetOf(cluster.connectionString()));
      const report = await estimateMigration(session, { text: step.sql, config: DEFAULT_CONFIG }).finally(() => session.close());
      const [work] = report.statements[0].work;
      assert.equal(work.kind, step.kind);
      const started = process.hrtime.bigint();
      await db.query(step.sql);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      measured[step.figure] = heapMB / seconds;
      const ratio = seconds / work.seconds;
      console.log(
        `      ${step.kind.padEnd(12)} ${heapMB.toFixed(1)} MB heap: predicted ${work.seconds.toFixed(3)} s, took ${seconds.toFixed(3)} s ` +
          `(${(heapMB / seconds).toFixed(0)} MB/s; default ${DEFAULT_THROUGHPUT[step.figure]} MB/s)`,
      );
      assert.ok(ratio > 1 / FACTOR && ratio < FACTOR, `${step.kind}: predicted ${work.seconds} s, measured ${seconds} s`);
    }
    assert.equal(Object.keys(measured).length, 3);
  });
});
