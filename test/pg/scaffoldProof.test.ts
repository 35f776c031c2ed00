/**
 * The proof of issue 7: every plan kind, applied phase by phase on real PostgreSQL while the old
 * and new application workloads run, with zero workload errors, zero lost or mismatched rows, no
 * query waiting for a lock longer than LOCK_WAIT_BOUND_MS, and every phase's rollback restoring what was there.
 */
import assert from 'node:assert/strict';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster, type PgMajor } from '../support/pgCluster';
import { prove, type Fixture, type ProofReport } from './scaffold/proof';
import { renameColumnFixture } from './scaffold/fixtures/renameColumn';
import { changeTypeFixture } from './scaffold/fixtures/changeType';
import { changePrimaryKeyFixture } from './scaffold/fixtures/changePrimaryKey';
import { addNotNullColumnFixture } from './scaffold/fixtures/addNotNullColumn';
import { splitColumnFixture } from './scaffold/fixtures/splitColumn';
import { mergeTablesFixture, renameTableFixture, splitTableFixture } from './scaffold/fixtures/tables';
import { addForeignKeyFixture, dropColumnFixture, dropTableFixture } from './scaffold/fixtures/constraints';

/**
 * The longest a workload query may wait for a lock, sampled from pg_stat_activity every 20 ms.
 * Every DDL transaction holds ACCESS EXCLUSIVE for milliseconds and gives up after lock_timeout
 * (2 s); a backfill holds row locks for one batch. 1 s fails any statement that blocks traffic for
 * a scan or rewrite of the table, and leaves room for batches slowed down by a busy machine.
 */
export const LOCK_WAIT_BOUND_MS = 1000;

// End-to-end query time is reported, never asserted: on a shared 2-core machine it is mostly CPU
// starvation (queries measured at 2-3 s between steps, with no migration running and lock waits
// under 200 ms). What the plan does to traffic is the lock wait, sampled from pg_stat_activity.

const ALL_RUNNERS = ['plain', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'sqitch', 'diesel'] as const;

/**
 * Each proof gets a fresh fixture: fixtures keep what their workloads wrote in closures, so one
 * reused by the PostgreSQL 14 suite after the 18 one would expect the 18 run's writes.
 */
interface ProofCase {
  make: () => Fixture;
  db: string;
}
const FIXTURES: ProofCase[] = process.env.LOCKSTEP_SCAFFOLD_ALL_RUNNERS
  ? ALL_RUNNERS.map((r) => ({ make: () => renameColumnFixture(r), db: `scaffold_rename_${r.replace('-', '_')}` }))
  : [
      { make: () => renameColumnFixture('goose'), db: 'scaffold_rename_column' },
      { make: () => renameTableFixture('plain'), db: 'scaffold_rename_table' },
      { make: () => splitTableFixture('dbmate'), db: 'scaffold_split_table' },
      { make: () => mergeTablesFixture('diesel'), db: 'scaffold_merge_tables' },
      { make: () => changeTypeFixture('golang-migrate'), db: 'scaffold_change_type' },
      { make: () => changePrimaryKeyFixture('bigint', 'flyway'), db: 'scaffold_pk_bigint' },
      { make: () => changePrimaryKeyFixture('uuid', 'dbmate'), db: 'scaffold_pk_uuid' },
      { make: () => changePrimaryKeyFixture('rename', 'sqitch'), db: 'scaffold_pk_rename' },
      { make: () => addNotNullColumnFixture('diesel'), db: 'scaffold_add_not_null' },
      { make: () => splitColumnFixture('split', 'plain'), db: 'scaffold_split_column' },
      { make: () => addForeignKeyFixture('golang-migrate'), db: 'scaffold_add_foreign_key' },
      { make: () => splitColumnFixture('merge', 'goose'), db: 'scaffold_merge_columns' },
      { make: () => dropColumnFixture('flyway'), db: 'scaffold_drop_column' },
      { make: () => dropTableFixture('sqitch'), db: 'scaffold_drop_table' },
    ].filter((x) => !process.env.LOCKSTEP_SCAFFOLD_ONLY || x.db.includes(process.env.LOCKSTEP_SCAFFOLD_ONLY));

function suite(version: PgMajor, fixtures: ProofCase[]): void {
  describe(`scaffold: expand → migrate → contract under live load (PostgreSQL ${version})`, function () {
    this.timeout(600_000);
    let cluster: PgCluster;
    const reports: ProofReport[] = [];

    before(async () => {
      cluster = await sharedCluster(version);
    });

    after(() => {
      if (!reports.length) return;
      console.log('\n    kind                      runner          files  v1 ops  v2 ops  lock wait  latency  retries  wall');
      for (const r of reports) {
        console.log(
          `    ${r.kind.padEnd(25)} ${r.runner.padEnd(15)} ${String(r.files).padStart(5)} ${String(r.operations.v1).padStart(7)} ${String(r.operations.v2).padStart(7)} ${r.maxLockWaitMs.toFixed(0).padStart(6)} ms ${r.maxLatencyMs.toFixed(0).padStart(5)} ms ${String(r.lockTimeoutRetries).padStart(8)} ${(r.wallMs / 1000).toFixed(1).padStart(5)} s`,
        );
        if (process.env.LOCKSTEP_SCAFFOLD_VERBOSE) {
          console.log(`      slowest: ${r.slowest}, during ${r.slowestDuring}`);
          console.log(`      longest lock wait: ${r.worstLockWait || 'none seen'}`);
          for (const t of r.timeline) console.log(`        ${t.what}: ${(t.end - t.start).toFixed(0)} ms`);
          for (const n of r.notices.filter((x) => /backfill/.test(x)).slice(0, 30)) console.log(`        notice at ${n}`);
        }
      }
    });

    for (const { make, db } of fixtures) {
      const { kind, runner } = make();
      it(`${kind} with ${runner} files`, async () => {
        const report = await prove(cluster, make(), db);
        reports.push(report);
        assert.deepEqual(report.errors, [], 'workload errors');
        assert.deepEqual(report.mismatches, [], 'lost or mismatched rows');
        assert.deepEqual(report.rollbackProblems, [], 'rollbacks');
        assert.equal(report.lintFindings, 0, 'the generated files lint clean');
        assert.ok(report.operations.v1 > 50 && report.operations.v2 > 50, `both workloads ran (${report.operations.v1}, ${report.operations.v2})`);
        assert.ok(report.maxLockWaitMs < LOCK_WAIT_BOUND_MS, `a workload query waited ${report.maxLockWaitMs.toFixed(0)} ms for a lock (${report.worstLockWait})`);
      });
    }
  });
}

/**
 * `npm test` runs the lean share: the merge plan (the most adversarial workloads: both insert
 * orders, deletes, joins) under load on PostgreSQL 18. `npm run test:scaffold-load`
 * (LOCKSTEP_SCAFFOLD_LOAD=1) runs every kind on 18 and on 14, and the broken plan it must reject.
 */
const FULL = !!process.env.LOCKSTEP_SCAFFOLD_LOAD || !!process.env.LOCKSTEP_SCAFFOLD_ONLY || !!process.env.LOCKSTEP_SCAFFOLD_ALL_RUNNERS;
const LEAN = FIXTURES.filter((x) => x.db === 'scaffold_merge_tables');

if (ORACLE_VERSIONS.includes(18)) suite(18, FULL ? FIXTURES : LEAN);

// The proof must be able to fail: the same plan with its sync trigger left out loses v2's writes.
if (ORACLE_VERSIONS.includes(18) && FULL && !process.env.LOCKSTEP_SCAFFOLD_ONLY) {
  describe('scaffold proof: a broken plan fails it', function () {
    this.timeout(600_000);
    it('rename-column without its sync trigger: v1 and v2 see different data', async () => {
      const cluster = await sharedCluster(18);
      const sabotaged = prove(cluster, renameColumnFixture('golang-migrate'), 'scaffold_sabotaged', (result) => {
        for (const f of result.files) f.content = f.content.replace(/^CREATE TRIGGER [^;]*;$/gm, '');
      });
      // Either the checks under load see the shapes disagree, or the plan's own verify step refuses to contract.
      const outcome = await sabotaged.then(
        (report) => [...report.mismatches, ...report.errors].join('\n'),
        (err: Error) => err.message,
      );
      assert.match(outcome, /differ|is .* for v1 but|sees \d+ rows/);
    });
  });
}
// PostgreSQL 14 too (the oldest version the suites cover): every kind, in the load script.
if (ORACLE_VERSIONS.includes(14) && FULL) {
  suite(14, FIXTURES.map((x) => ({ make: x.make, db: x.db.replace(/^scaffold_/, 'scaffold14_') })));
}
