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
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine, lintText } from '../../server/src/engine';
import { DEFAULT_RUN_OPTIONS, runMigrations, type RunEvent, type RunFile, type RunOptions } from '../../server/src/run/execute';
import { renderRunText } from '../../server/src/run/report';
import { RUN_APPLICATION_NAME } from '../../server/src/run/sessions';
import { unitsOf } from '../../server/src/run/units';
import { DEFAULT_WATCH_LIMITS, type WatchSample } from '../../server/src/run/watch';
import { ORACLE_VERSIONS, type PgCluster } from '../support/pgCluster';
import { startPrimary, startStandby } from '../support/pgStandby';
import { targetOf, until } from './estimateFixtures';

const VERSIONS = process.env.LOCKSTEP_PG_VERSIONS ? ORACLE_VERSIONS : [18 as const];
const DB = 'lockstep_lag';
const STANDBY = 'lockstep_standby';
const ROWS = 2000;
const BATCH = 500;
const MAX_LAG_MS = 2000;
/** Watch samples (250 ms apart) in which the paused backfill must not move. */
const SAMPLES_PAUSED = 8;
/** Ceiling for every wait on a condition: generous, a loaded 2-core machine is slow. */
const PATIENCE_MS = 180_000;

function fileOf(name: string, text: string): RunFile {
  const units = unitsOf(lintText(text, { path: name, config: DEFAULT_CONFIG }).document);
  if (!units.ok) throw new Error(units.problem);
  return { displayPath: name, text, units: units.units };
}

const samplesOf = (events: RunEvent[]): WatchSample[] => events.flatMap((e) => (e.kind === 'watch' && e.event.kind === 'sample' ? [e.event.sample] : []));
const lagOf = (sample: WatchSample) => sample.standbys.find((s) => s.name === STANDBY)?.replayLagMs ?? 0;
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
      const admin = await primary.client();
      await admin.query(`CREATE DATABASE ${DB}`).finally(() => admin.end());
      const replica = await standby.client();
      await until('the standby to replay CREATE DATABASE', async () => (await count(replica, `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${DB}'`)) === 1, PATIENCE_MS).finally(() => replica.end());
    });
    after(async () => {
      await standby?.stop();
      await primary?.stop();
    });

    it('no batch runs while the standby replays nothing; once it replays again, the backfill completes with every row filled once, on both servers', async () => {
      const p = primary!;
      const s = standby!;
      const target = () => targetOf(`${p.connectionString(DB)}?connect_timeout=60`);
      const options = (events: RunEvent[], over: Partial<RunOptions> = {}): RunOptions => ({
        ...DEFAULT_RUN_OPTIONS,
        watch: DEFAULT_WATCH_LIMITS,
        onEvent: (e) => events.push(e),
        ...over,
      });
      const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-lag-'));
      const cli = join(__dirname, '../../dist/cli.js');
      const admin = await p.client(DB);
      const gate = await p.client(DB);
      const replica = await s.client(DB);
      try {
        mkdirSync(join(dir, 'migrations'));
        writeFileSync(join(dir, 'migrations/0001_people.sql'), 'CREATE TABLE people (id bigserial PRIMARY KEY, email text NOT NULL);\n');
        const scaffold = spawnSync(process.execPath, [cli, 'scaffold', 'rename-column', '--table', 'people', '--column', 'email', '--to', 'email_address', '--dir', 'migrations', '--batch-size', String(BATCH), '--pause-ms', '100'], { cwd: dir, encoding: 'utf8' });
        assert.equal(scaffold.status, 0, scaffold.stderr);
        const read = (f: string) => readFileSync(join(dir, 'migrations', f), 'utf8');
        const expand = readdirSync(join(dir, 'migrations')).find((f) => f.endsWith('_expand.sql'))!;
        const backfill = readdirSync(join(dir, 'migrations')).find((f) => f.endsWith('_backfill.sql'))!;
        assert.equal((await runMigrations(target(), [fileOf('0001_people.sql', read('0001_people.sql'))], options([]))).ok, true);
        await admin.query(`INSERT INTO people (email) SELECT 'p' || g || '@example.com' FROM generate_series(1, ${ROWS}) g; ANALYZE people`);
        assert.equal((await runMigrations(target(), [fileOf(expand, read(expand))], options([]))).ok, true);
        // Each fill is counted per row (a batch done twice would count twice). While the test holds advisory
        // lock 42, the second batch stops at its first row: the run is mid-backfill, with committed work unreplayed.
        await admin.query(`
          CREATE TABLE fills (id bigint NOT NULL);
          CREATE FUNCTION count_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO fills VALUES (NEW.id); RETURN NULL; END $$;
          CREATE TRIGGER count_fill AFTER UPDATE ON people FOR EACH ROW WHEN (OLD.email_address IS NULL AND NEW.email_address IS NOT NULL) EXECUTE FUNCTION count_fill();
          CREATE FUNCTION gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock_shared(42); PERFORM pg_advisory_unlock_shared(42); RETURN NEW; END $$;
          CREATE TRIGGER gate BEFORE UPDATE ON people FOR EACH ROW WHEN (NEW.id = ${BATCH + 1}) EXECUTE FUNCTION gate();`);
        await until('the standby to replay the setup', async () => (await replica.query("SELECT to_regclass('fills') IS NOT NULL AS ok")).rows[0].ok, PATIENCE_MS);
        await gate.query('SELECT pg_advisory_lock(42)');

        // The slowed standby: it still receives WAL, and replays none of it.
        await replica.query('SELECT pg_wal_replay_pause()');
        const events: RunEvent[] = [];
        const run = runMigrations(
          target(),
          [fileOf(join('migrations', backfill), read(backfill))],
          options(events, { watch: { ...DEFAULT_WATCH_LIMITS, maxQueueWaitMs: 600_000 }, throttle: { targetLockWaitMs: 600_000, maxLagMs: MAX_LAG_MS } }),
        );
        await until('the watch to see the standby lag past the limit', async () => samplesOf(events).some((sample) => lagOf(sample) > MAX_LAG_MS), PATIENCE_MS);
        await gate.query('SELECT pg_advisory_unlock(42)');

        const lagThrottle = () => {
          const index = events.findIndex((e) => e.kind === 'throttle' && e.change.waitForLag);
          return index < 0 ? undefined : { index };
        };
        const { index: lagPause } = await until('the run to pause the backfill for the lag', async () => lagThrottle(), PATIENCE_MS).catch((error: Error) => {
          throw new Error(`${error.message}; run events: ${events.filter((e) => e.kind !== 'watch').map((e) => e.kind).join(', ')}`);
        });
        const change = (events[lagPause] as Extract<RunEvent, { kind: 'throttle' }>).change;
        assert.match(change.reason, new RegExp(`replication lag \\d+ ms \\(limit ${MAX_LAG_MS} ms\\)`));
        // The CALL is cancelled at the batch boundary; then the run's session stays idle.
        await until('the backfill CALL to stop', async () => (await count(admin, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${RUN_APPLICATION_NAME}' AND state = 'active'`)) === 0, PATIENCE_MS);
        const filledAtPause = await count(admin, 'SELECT count(*)::int AS n FROM fills');
        assert.ok(filledAtPause >= BATCH && filledAtPause < ROWS, `${filledAtPause} rows filled when the backfill paused`);
        const samplesAtPause = samplesOf(events).length;
        await until(`${SAMPLES_PAUSED} more watch samples`, async () => samplesOf(events).length >= samplesAtPause + SAMPLES_PAUSED, PATIENCE_MS);
        const paused = samplesOf(events).slice(samplesAtPause);
        assert.ok(paused.every((sample) => lagOf(sample) > MAX_LAG_MS), `lag in the samples of the pause: ${paused.map(lagOf).join(', ')} ms`);
        assert.equal(await count(admin, 'SELECT count(*)::int AS n FROM fills'), filledAtPause, 'no batch ran while the standby lagged');
        assert.equal(events.slice(lagPause + 1).filter((e) => e.kind === 'unit' || e.kind === 'progress').length, 0, 'the backfill was not called again');
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
        assert.ok((result.standbys.find((sb) => sb.name === STANDBY)?.replayLagMs ?? 0) > MAX_LAG_MS, JSON.stringify(result.standbys));
        const text = renderRunText(result);
        assert.match(text, /throttled to batches of \d+ rows, \d+ ms apart: replication lag \d+ ms \(limit 2000 ms\); paused [\d.]+ s until every standby was back under the lag limit/);
        assert.match(text, new RegExp(`standby ${STANDBY}: largest replay lag seen [\\d.]+ s`));
      } finally {
        await replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
        await replica.end();
        await gate.end();
        await admin.end();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
