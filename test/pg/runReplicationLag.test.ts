/**
 * A backfill pauses while a standby lags, and resumes when it catches up. A hot standby streams
 * from a private primary over loopback (test/support/pgStandby.ts: a base backup through the
 * low-level API, since the embedded binaries have no pg_basebackup). The test pauses its replay
 * (`pg_wal_replay_pause()`), so the replay lag the primary reports grows for as long as the test
 * wants. Nothing is asserted on the clock: the pause is read from the run's events (its throttle
 * change, the watch samples) and from row counts, and the backfill's result from counts and
 * checksums on the primary and on the standby.
 *
 * PostgreSQL 18 unless LOCKSTEP_PG_VERSIONS names others.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { initEngine } from '../../server/src/engine';
import { DEFAULT_RUN_OPTIONS, runMigrations, type RunEvent, type RunOptions } from '../../server/src/run/execute';
import { renderRunText } from '../../server/src/run/report';
import { RUN_APPLICATION_NAME } from '../../server/src/run/sessions';
import { DEFAULT_WATCH_LIMITS, type WatchSample } from '../../server/src/run/watch';
import { ORACLE_VERSIONS, type PgCluster } from '../support/pgCluster';
import { startPrimary, startStandby } from '../support/pgStandby';
import { targetOf, until } from './estimateFixtures';
import { batchGateSql, scaffoldedBackfill } from './runFixtures';

const VERSIONS = process.env.LOCKSTEP_PG_VERSIONS ? ORACLE_VERSIONS : [18 as const];
const STANDBY = 'lockstep_standby';
const ROWS = 4000;
const BATCH = 500;
const MAX_LAG_MS = 2000;
const MAX_LAG_BYTES = 1024 * 1024;
/** Written by "the application" while replay is paused, for the byte measure: well over MAX_LAG_BYTES of WAL. */
const TRAFFIC = "INSERT INTO traffic (payload) SELECT repeat('x', 1000) FROM generate_series(1, 3000)";
/** Watch samples (250 ms apart) in which the paused backfill must not move. */
const SAMPLES_PAUSED = 8;
/** Ceiling for every wait on a condition: generous, a loaded 2-core machine is slow. */
const PATIENCE_MS = 180_000;

const samplesOf = (events: RunEvent[]): WatchSample[] => events.flatMap((e) => (e.kind === 'watch' && e.event.kind === 'sample' ? [e.event.sample] : []));

/** The two measures of lag the run can pause on: `replay_lag` (--max-lag), and WAL bytes not replayed (--max-lag-bytes). */
const MEASURES = {
  time: {
    limits: { targetLockWaitMs: 600_000, maxLagMs: MAX_LAG_MS },
    over: (sample: WatchSample) => (standbyIn(sample)?.replayLagMs ?? 0) > MAX_LAG_MS,
    shown: (sample: WatchSample) => `${standbyIn(sample)?.replayLagMs} ms`,
    reason: `replication lag \\d+ ms \\(limit ${MAX_LAG_MS} ms\\)`,
  },
  bytes: {
    limits: { targetLockWaitMs: 600_000, maxLagMs: 600_000, maxLagBytes: MAX_LAG_BYTES },
    over: (sample: WatchSample) => (standbyIn(sample)?.replayLagBytes ?? 0) > MAX_LAG_BYTES,
    shown: (sample: WatchSample) => `${standbyIn(sample)?.replayLagBytes} bytes`,
    reason: `replication lag \\d+ bytes of WAL \\(limit ${MAX_LAG_BYTES} bytes\\)`,
  },
} as const;
const standbyIn = (sample: WatchSample) => sample.standbys.find((s) => s.name === STANDBY);
const count = async (c: pg.Client, sql: string): Promise<number> => Number((await c.query(sql)).rows[0].n);

/** Every row's new column, in key order, as one checksum: equal on primary and standby once replay caught up. */
const CHECKSUM = "SELECT md5(string_agg(id || ':' || coalesce(email_address, '-'), ',' ORDER BY id)) AS sum FROM people";
const FILLED = 'SELECT count(*)::int AS n FROM people WHERE email_address IS NOT NULL';

for (const version of VERSIONS) {
  describe(`lockstep run pauses a backfill while a streaming standby lags (PostgreSQL ${version})`, function () {
    this.timeout(600_000);
    let primary: PgCluster | undefined;
    let standby: PgCluster | undefined;

    before(async () => {
      await initEngine();
      primary = await startPrimary(version);
      // Replies every second (default 10 s): the primary's replay_lag follows the paused replay closely.
      standby = await startStandby(primary, { name: STANDBY, settings: { wal_receiver_status_interval: '1s' } });
    });
    after(async () => {
      await standby?.stop();
      await primary?.stop();
    });

    for (const [measure, { limits, over, shown, reason }] of Object.entries(MEASURES)) {
      it(`${measure} lag: no batch runs while the standby replays nothing; once it replays again, the backfill completes with every row filled once, on both servers`, async () => {
        const p = primary!;
        const s = standby!;
        const DB = `lockstep_lag_${measure}`;
        const created = await p.client();
        await created.query(`CREATE DATABASE ${DB}`).finally(() => created.end());
        const standbyAdmin = await s.client();
        await until('the standby to replay CREATE DATABASE', async () => (await count(standbyAdmin, `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${DB}'`)) === 1, PATIENCE_MS).finally(() => standbyAdmin.end());
        const target = () => targetOf(`${p.connectionString(DB)}?connect_timeout=60`);
        const options = (events: RunEvent[], overrides: Partial<RunOptions> = {}): RunOptions => ({
          ...DEFAULT_RUN_OPTIONS,
          watch: DEFAULT_WATCH_LIMITS,
          onEvent: (e) => events.push(e),
          ...overrides,
        });
        const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-lag-'));
        const admin = await p.client(DB);
        const gate = await p.client(DB);
        const replica = await s.client(DB);
        try {
          const { file } = await scaffoldedBackfill(dir, admin, (f) => runMigrations(target(), [f], options([])), { rows: ROWS, batchSize: BATCH, pauseMs: 200 });
          // While the test holds advisory lock 42, the second batch stops at its first row: the run is mid-backfill, with committed work unreplayed.
          await admin.query(`
            ${batchGateSql(`NEW.id = ${BATCH + 1}`)}
            CREATE TABLE traffic (id bigserial PRIMARY KEY, payload text NOT NULL);`);
          await until('the standby to replay the setup', async () => (await replica.query("SELECT to_regclass('traffic') IS NOT NULL AS ok")).rows[0].ok, PATIENCE_MS);
          await gate.query('SELECT pg_advisory_lock(42)');

          // The slowed standby: it still receives WAL, and replays none of it.
          await replica.query('SELECT pg_wal_replay_pause()');
          const events: RunEvent[] = [];
          const run = runMigrations(
            target(),
            [file],
            options(events, { watch: { ...DEFAULT_WATCH_LIMITS, maxQueueWaitMs: 600_000 }, throttle: limits }),
          );
          if (measure === 'bytes') await admin.query(TRAFFIC);
          await until('the watch to see the standby lag past the limit', async () => samplesOf(events).some(over), PATIENCE_MS);
          await gate.query('SELECT pg_advisory_unlock(42)');

          const lagThrottle = () => {
            const index = events.findIndex((e) => e.kind === 'throttle' && e.change.waitForLag);
            return index < 0 ? undefined : { index };
          };
          const { index: lagPause } = await until('the run to pause the backfill for the lag', async () => lagThrottle(), PATIENCE_MS).catch((error: Error) => {
            throw new Error(`${error.message}; run events: ${events.filter((e) => e.kind !== 'watch').map((e) => e.kind).join(', ')}`);
          });
          const change = (events[lagPause] as Extract<RunEvent, { kind: 'throttle' }>).change;
          assert.match(change.reason, new RegExp(`^${reason}$`));
          // The CALL is cancelled at the batch boundary (a batch that began meanwhile rolls back, or commits first); then the run's session stays idle.
          await until('the backfill CALL to stop', async () => (await count(admin, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${RUN_APPLICATION_NAME}' AND state = 'active'`)) === 0, PATIENCE_MS);
          const filledAtPause = await count(admin, 'SELECT count(*)::int AS n FROM fills');
          assert.ok(filledAtPause >= BATCH && filledAtPause < ROWS, `${filledAtPause} rows filled when the backfill paused`);
          const samplesAtPause = samplesOf(events).length;
          const eventsAtPause = events.length;
          await until(`${SAMPLES_PAUSED} more watch samples`, async () => samplesOf(events).length >= samplesAtPause + SAMPLES_PAUSED, PATIENCE_MS);
          const paused = samplesOf(events).slice(samplesAtPause);
          assert.ok(paused.every(over), `lag in the samples of the pause: ${paused.map(shown).join(', ')}`);
          assert.equal(await count(admin, 'SELECT count(*)::int AS n FROM fills'), filledAtPause, 'no batch ran while the standby lagged');
          assert.equal(events.slice(eventsAtPause).filter((e) => e.kind === 'unit' || e.kind === 'progress').length, 0, 'the backfill was not called again');
          assert.equal(await count(replica, FILLED), 0, 'the standby replayed none of the backfill');

          await replica.query('SELECT pg_wal_replay_resume()');
          const result = await run;
          assert.equal(result.ok, true, result.error);
          assert.ok(
            events.slice(lagPause + 1).some((e) => e.kind === 'unit'),
            'the backfill was called again once the standby was back under the limit',
          );
          const fills = await admin.query(`SELECT count(*)::int AS fills, count(DISTINCT id)::int AS ids, (SELECT count(*)::int FROM people WHERE email_address IS DISTINCT FROM email) AS wrong FROM fills`);
          assert.deepEqual(fills.rows[0], { fills: ROWS, ids: ROWS, wrong: 0 });
          const expected = (await admin.query("SELECT md5(string_agg(id || ':' || email, ',' ORDER BY id)) AS sum FROM people")).rows[0].sum;
          assert.equal((await admin.query(CHECKSUM)).rows[0].sum, expected);
          await until('the standby to replay the whole backfill', async () => (await count(replica, FILLED)) === ROWS, PATIENCE_MS);
          assert.equal((await replica.query(CHECKSUM)).rows[0].sum, expected, 'the standby holds the same rows');

          // The report records the pause and the lag that caused it.
          const unit = result.units[0];
          const recorded = unit.throttles.find((t) => t.lagWaitMs !== undefined);
          assert.ok(recorded, `throttles in the report: ${JSON.stringify(unit.throttles)}`);
          assert.equal(recorded.reason, change.reason);
          assert.ok(over({ guarded: [], longTransactions: [], standbys: result.standbys }), `largest lag in the report: ${JSON.stringify(result.standbys)}`);
          const text = renderRunText(result);
          assert.match(text, new RegExp(`throttled to batches of \\d+ rows, \\d+ ms apart: ${reason}; paused [\\d.]+ s until every standby was back under the lag limit`));
          assert.match(text, new RegExp(`standby ${STANDBY}: largest replay lag seen [\\d.]+ s, \\d+ bytes of WAL`));
        } finally {
          await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
          await replica.end();
          await gate.end();
          await admin.end();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
