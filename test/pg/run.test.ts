/**
 * `lockstep run` on real PostgreSQL with an application workload running: lock-timeout retries
 * behind a blocker, the kill switch, an INVALID index left by a cancelled concurrent build, and a
 * run killed mid-way that resumes from the journal. Every wait is read from pg_locks (`waitstart`),
 * never from the wall clock of a query.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { initEngine } from '../../server/src/engine';
import { DEFAULT_RUN_OPTIONS, runMigrations, type RunEvent, type RunOptions } from '../../server/src/run/execute';
import { DEFAULT_WATCH_LIMITS } from '../../server/src/run/watch';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { dropDatabase, freshDatabase, targetOf } from './estimateFixtures';
import { batchGateSql, fileOf, inBatchGate, scaffoldedBackfill } from './runFixtures';

const DB = 'lockstep_run';
const SETUP = `
  CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, balance int NOT NULL DEFAULT 0);
  INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 2000) g;
  CREATE TABLE ledger (id bigint PRIMARY KEY, amount int NOT NULL);
`;
// A killed client's session then ends within 100 ms instead of when its statement finishes.
const NOTICE_DEAD_CLIENTS = `ALTER DATABASE ${DB} SET client_connection_check_interval = '100ms'`;

/** An application: clients writing to and reading from `accounts` in a loop, counting errors. */
class Workload {
  private stopped = false;
  private loops: Promise<void>[] = [];
  errors: string[] = [];
  writes = 0;

  constructor(private readonly clients: pg.Client[]) {}

  start(): void {
    this.loops = this.clients.map(async (c, i) => {
      while (!this.stopped) {
        try {
          if (i % 2 === 0) await c.query("INSERT INTO accounts (email) VALUES ('w' || clock_timestamp())");
          else await c.query('UPDATE accounts SET balance = balance + 1 WHERE id = (SELECT max(id) FROM accounts)');
          this.writes++;
        } catch (error) {
          this.errors.push((error as Error).message);
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

/** The longest lock wait of any application session, sampled from pg_locks.waitstart. */
class WaitSampler {
  longestMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    private readonly applicationName: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(async () => {
        const { rows } = await this.client.query(
          `SELECT coalesce(max(extract(epoch FROM clock_timestamp() - l.waitstart) * 1000), 0) AS ms
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.application_name = $1`,
          [this.applicationName],
        );
        this.longestMs = Math.max(this.longestMs, Number(rows[0].ms));
      });
    }, 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }
}

async function appClients(cluster: PgCluster, n: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = await cluster.client(DB);
    await c.query("SET application_name = 'app'");
    clients.push(c);
  }
  return clients;
}

async function until(what: string, check: () => Promise<boolean>, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const waitingOnLock = (c: pg.Client, applicationName: string) => async () =>
  (await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [applicationName])).rows[0].n > 0;

describe('lockstep run on real PostgreSQL 18, with the application running', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let admin: pg.Client;

  before(async () => {
    await initEngine();
    cluster = await sharedCluster(18);
  });
  beforeEach(async () => {
    await freshDatabase(cluster, DB, SETUP, NOTICE_DEAD_CLIENTS);
    admin = await cluster.client(DB);
  });
  afterEach(async () => {
    await admin.end();
    await dropDatabase(cluster, DB);
  });

  // Generous connect timeouts: a busy 2-core machine can take seconds to fork a backend.
  const url = () => `${cluster.connectionString(DB)}?connect_timeout=60`;
  const target = () => targetOf(url());

  /** A report holding ACCESS SHARE on accounts in an open transaction, while the application writes and its waits are sampled. */
  async function blockedTraffic() {
    const blocker = await cluster.client(DB);
    await blocker.query("SET application_name = 'report'; BEGIN; SELECT count(*) FROM accounts");
    const app = await appClients(cluster, 4);
    const workload = new Workload(app);
    const sampler = new WaitSampler(admin, 'app');
    workload.start();
    sampler.start();
    const end = async () => {
      await workload.stop();
      await sampler.stop();
      await blocker.end().catch(() => undefined);
      for (const c of app) await c.end();
    };
    return { blocker, workload, sampler, end };
  }

  function options(events: RunEvent[], over: Partial<RunOptions> = {}): RunOptions {
    return {
      ...DEFAULT_RUN_OPTIONS,
      backoffBaseMs: 100,
      backoffMaxMs: 400,
      retries: 50,
      watch: { ...DEFAULT_WATCH_LIMITS, maxQueueWaitMs: 1000 },
      onEvent: (e) => events.push(e),
      ...over,
    };
  }

  it('retries behind a blocker on lock_timeout, names the blocker, and completes once it is gone; the application never errs', async () => {
    const { blocker, workload, sampler, end } = await blockedTraffic();
    const events: RunEvent[] = [];
    try {
      const run = runMigrations(target(), [fileOf('add_note.sql', 'ALTER TABLE accounts ADD COLUMN note text;\n')], options(events, { lockTimeoutMs: 200 }));
      await until('two tries timed out', async () => events.filter((e) => e.kind === 'retry').length >= 2);
      await blocker.query('COMMIT');
      const report = await run;
      await workload.stop();
      await sampler.stop();

      assert.equal(report.ok, true, report.error);
      const [unit] = report.units;
      assert.equal(unit.status, 'applied');
      assert.ok(unit.attempts >= 3, `attempts ${unit.attempts}`);
      assert.ok(unit.retries.every((r) => r.reason.startsWith('lock_timeout (200 ms)')));
      assert.ok(unit.retries.some((r) => r.blockers.some((b) => b.includes('(report)'))), JSON.stringify(unit.retries));
      const columns = await admin.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'");
      assert.equal(columns.rowCount, 1);
      assert.deepEqual(workload.errors, []);
      assert.ok(workload.writes > 0);
      // Each try queued the application for at most the lock_timeout: far under the kill switch's 1 s + 1 s.
      assert.ok(sampler.longestMs < 2000, `longest application lock wait ${sampler.longestMs} ms`);
    } finally {
      await end();
    }
  });

  it('the kill switch cancels the migration when the application queues behind it, and the run retries until it completes', async () => {
    const { blocker, workload, sampler, end } = await blockedTraffic();
    const events: RunEvent[] = [];
    try {
      // A lock_timeout far longer than the kill switch's limit: only the watch can stop the wait.
      const run = runMigrations(target(), [fileOf('add_flag.sql', 'ALTER TABLE accounts ADD COLUMN flag boolean;\n')], options(events, { lockTimeoutMs: 60_000 }));
      await until('the kill switch fired twice', async () => events.filter((e) => e.kind === 'watch' && e.event.kind === 'cancel').length >= 2);
      await blocker.query('COMMIT');
      const report = await run;
      await workload.stop();
      await sampler.stop();

      assert.equal(report.ok, true, report.error);
      assert.ok(report.cancels >= 2);
      const [unit] = report.units;
      assert.ok(unit.retries.length >= 2 && unit.retries.every((r) => r.reason.startsWith('the kill switch cancelled it')), JSON.stringify(unit.retries));
      assert.ok(unit.longestQueue >= 1, 'the watch saw the application queue behind the migration');
      const cancels = events.flatMap((e) => (e.kind === 'watch' && e.event.kind === 'cancel' ? [e.event] : []));
      assert.ok(cancels.every((c) => /ALTER TABLE accounts ADD COLUMN flag/.test(c.query)), 'only the migration was ever cancelled');
      const columns = await admin.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'flag'");
      assert.equal(columns.rowCount, 1);
      assert.deepEqual(workload.errors, []);
      assert.ok(sampler.longestMs < 2000, `longest application lock wait ${sampler.longestMs} ms (threshold 1 s + 1 s)`);
    } finally {
      await end();
    }
  });

  it('an INVALID index left by a concurrent build killed mid-way is dropped concurrently and built again', async () => {
    const blocker = await cluster.client(DB);
    const build = await cluster.client(DB);
    try {
      // The build waits for the open write transaction before it can finish; cancelling it then leaves the index INVALID.
      await blocker.query('BEGIN; UPDATE accounts SET balance = balance WHERE id = 1');
      await build.query("SET application_name = 'first-build'");
      const failed = build.query('CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email)').then(
        () => 'built',
        (e: Error) => e.message,
      );
      await until('the first build waits', waitingOnLock(admin, 'first-build'));
      await admin.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'first-build'");
      assert.match(await failed, /canceling statement/);
      await blocker.query('COMMIT');
      const before = await admin.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass");
      assert.equal(before.rows[0].indisvalid, false);

      const events: RunEvent[] = [];
      const report = await runMigrations(
        target(),
        [fileOf('index_email.sql', 'CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n')],
        options(events),
      );
      assert.equal(report.ok, true, report.error);
      assert.ok(events.some((e) => e.kind === 'invalid-index' && /dropped the INVALID index accounts_email_idx before the build/.test(e.action)));
      const after = await admin.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass");
      assert.equal(after.rows[0].indisvalid, true);
    } finally {
      await blocker.end();
      await build.end();
    }
  });

  it('a run killed mid-way resumes from the journal: no unit applied twice, none skipped (counts and checksums)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-'));
    const batch = (from: number, to: number, pause = '') =>
      `BEGIN;\nINSERT INTO ledger SELECT g, g * 7 FROM generate_series(${from}, ${to}) g;${pause}\nCOMMIT;\n`;
    const text = batch(1, 1000) + batch(1001, 2000, "\nSELECT pg_sleep(30) WHERE current_setting('application_name') = 'lockstep-run' AND NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'resume_now');") + batch(2001, 3000);
    writeFileSync(join(dir, 'backfill.sql'), text);
    const cli = join(__dirname, '../../dist/cli.js');
    try {
      const child = spawn(process.execPath, [cli, 'run', '--db', url(), 'backfill.sql'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((r) => child.on('exit', r));
      await until('the second batch runs', async () => {
        if (child.exitCode !== null) throw new Error(`lockstep run exited ${child.exitCode}: ${stderr}`);
        return (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'")).rows[0].n > 0;
      });
      child.kill('SIGKILL');
      await exited;
      // The server notices the dead client and rolls its open transaction back.
      await until('the killed session is gone', async () => (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lockstep-run'")).rows[0].n === 0);
      const partial = await admin.query('SELECT count(*)::int AS n FROM ledger');
      assert.equal(partial.rows[0].n, 1000, 'only the first batch committed');

      await admin.query('CREATE TABLE resume_now ()');
      const events: RunEvent[] = [];
      const resumed = await runMigrations(target(), [{ ...fileOf('backfill.sql', text) }], options(events));
      assert.equal(resumed.ok, true, resumed.error);
      assert.deepEqual(resumed.units.map((u) => u.status), ['skipped', 'applied', 'applied']);
      const { rows } = await admin.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, sum(amount)::bigint AS total FROM ledger');
      assert.deepEqual(rows[0], { n: 3000, ids: 3000, total: String(7 * ((3000 * 3001) / 2)) });
      const journal = await admin.query("SELECT unit, state FROM lockstep.run_journal ORDER BY unit");
      assert.deepEqual(journal.rows, [{ unit: 0, state: 'done' }, { unit: 1, state: 'done' }, { unit: 2, state: 'done' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lockstep watch around another tool cancels its blocked ALTER before the application waits past the limit, and exits with the tool\'s code', async () => {
    const { blocker, workload, sampler, end } = await blockedTraffic();
    // "Another tool": a plain node-postgres client running one ALTER with no lock_timeout at all.
    const tool = `const pg = require(${JSON.stringify(require.resolve('pg'))}); const c = new pg.Client(process.argv[1]);
      c.connect().then(() => c.query('ALTER TABLE accounts ADD COLUMN other text')).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
    try {
      const cli = join(__dirname, '../../dist/cli.js');
      const child = spawn(process.execPath, [cli, 'watch', '--db', url(), '--max-queue-wait', '1s', '--', process.execPath, '-e', tool, url()], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      await workload.stop();
      await sampler.stop();
      assert.equal(code, 3, stderr);
      assert.match(stderr, /kill switch: cancelled pid \d+ \(ALTER TABLE accounts ADD COLUMN other text\): a session queued behind it had waited \d+ ms/);
      assert.match(stderr, /canceling statement due to user request/);
      assert.deepEqual(workload.errors, []);
      assert.ok(sampler.longestMs < 2000, `longest application lock wait ${sampler.longestMs} ms (threshold 1 s + 1 s)`);
    } finally {
      await end();
    }
  });

  it('run --events json streams the blocked statement and its blocker, and "cancel" on stdin stops it with nothing applied', async () => {
    const blocker = await cluster.client(DB);
    await blocker.query("SET application_name = 'report'; BEGIN; SELECT count(*) FROM accounts");
    const blockerPid = Number((await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-events-'));
    try {
      writeFileSync(join(dir, 'add.sql'), 'ALTER TABLE accounts ADD COLUMN note text;\n');
      const cli = join(__dirname, '../../dist/cli.js');
      const child = spawn(process.execPath, [cli, 'run', '--db', url(), '--events', 'json', '--format', 'json', '--lock-timeout', '600s', 'add.sql'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('exit', r));
      const events = () => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      // A sample that shows the run's session waiting for the blocker: what the editor's panel shows.
      await until('a sample naming the blocker', async () => events().some((e) => e.type === 'sample' && e.guarded[0]?.blockers.some((b: { pid: number }) => b.pid === blockerPid)));
      assert.ok(await waitingOnLock(admin, 'lockstep-run')());
      child.stdin.write('cancel\n');
      assert.equal(await exited, 1, stderr);
      const done = events().at(-1);
      assert.deepEqual(done, { type: 'done', ok: false, cancelled: true, message: 'cancelled: cancelled from the editor' });
      assert.equal(JSON.parse(stdout).cancelledByUser, true);
      const column = await admin.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'");
      assert.equal(column.rows[0].n, 0, 'nothing was applied');
      assert.deepEqual(stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{')), [], 'every stderr line is an event');
    } finally {
      await blocker.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a backfill the application waits behind halves its batches (adaptive throttling): counted from its progress, every row filled once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-throttle-'));
    const ROWS = 1500;
    const gate = await cluster.client(DB);
    const app = await cluster.client(DB);
    try {
      const { file } = await scaffoldedBackfill(dir, admin, (f) => runMigrations(target(), [f], options([])), { rows: ROWS, batchSize: 500, pauseMs: 1000 });
      // While the test holds advisory lock 42, a batch stops at its first row (holding its table lock).
      await admin.query(batchGateSql());
      await gate.query('SELECT pg_advisory_lock(42)');

      const events: RunEvent[] = [];
      const run = runMigrations(target(), [file], options(events, { watch: { ...DEFAULT_WATCH_LIMITS, maxQueueWaitMs: 600_000 }, throttle: { targetLockWaitMs: 200, maxLagMs: 5000 } }));
      await until('the first batch to stop at the gate', inBatchGate(admin, 'lockstep-run'));
      // The application: a report that takes SHARE on people queues behind the batch's ROW EXCLUSIVE.
      await app.query("SET application_name = 'app'; BEGIN");
      const report = app.query('LOCK TABLE people IN SHARE MODE');
      await until('the watch to see the application wait past the target', async () =>
        events.some((e) => e.kind === 'watch' && e.event.kind === 'sample' && (e.event.sample.guarded[0]?.queue.oldestWaitMs ?? 0) > 200),
      );
      await gate.query('SELECT pg_advisory_unlock(42)');
      await report;
      await app.query('COMMIT');
      const result = await run;
      assert.equal(result.ok, true, result.error);

      const throttles = events.flatMap((e) => (e.kind === 'throttle' ? [e.change] : []));
      assert.ok(throttles.length >= 1, 'the batch size changed');
      assert.equal(throttles[0].batchSize, 250);
      assert.match(throttles[0].reason, /an application session waited \d+ ms behind the batch \(target 200 ms\)/);
      // Rows per batch, from the progress notices: the first batch ran at 500; after the re-call, batches of at most 250 until the next change.
      const first = events.findIndex((e) => e.kind === 'throttle');
      const recall = events.findIndex((e, i) => i > first && e.kind === 'unit');
      assert.ok(recall > first, 'the procedure was called again');
      const next = events.findIndex((e, i) => i > recall && e.kind === 'throttle');
      const rows = events.flatMap((e) => (e.kind === 'progress' ? [e.progress.rowsChanged] : []));
      assert.equal(rows[0], 500);
      const window = events.slice(recall, next < 0 ? undefined : next).flatMap((e) => (e.kind === 'progress' ? [e.progress.rowsChanged] : []));
      const before = events.slice(0, recall).filter((e) => e.kind === 'progress').map((e) => (e as Extract<RunEvent, { kind: 'progress' }>).progress.rowsChanged).at(-1)!;
      const sizes = window.map((n, i) => n - (i === 0 ? before : window[i - 1]));
      assert.ok(sizes.length >= 1 && sizes.every((n) => n > 0 && n <= 250), `batch sizes after the re-call: ${sizes.join(', ')}`);
      const fills = await admin.query('SELECT count(*)::int AS fills, count(DISTINCT id)::int AS ids FROM fills');
      assert.deepEqual(fills.rows[0], { fills: ROWS, ids: ROWS });
    } finally {
      await gate.end();
      await app.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a scaffolded backfill reports progress, and a run killed mid-backfill resumes it: every row filled exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-run-backfill-'));
    const cli = join(__dirname, '../../dist/cli.js');
    const ROWS = 20_000;
    try {
      const { backfill, file } = await scaffoldedBackfill(dir, admin, (f) => runMigrations(target(), [f], options([])), { rows: ROWS, batchSize: 500, pauseMs: 100 });

      const child = spawn(process.execPath, [cli, 'run', '--db', url(), join('migrations', backfill)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((r) => child.on('exit', r));
      const progressTable = backfill.replace(/^\d+_/, '').replace(/_backfill\.sql$/, '_progress');
      await until('a few batches committed', async () => {
        if (child.exitCode !== null) throw new Error(`lockstep run exited ${child.exitCode}: ${stderr}`);
        const { rows } = await admin.query(`SELECT coalesce(max(rows_done), 0)::int AS n FROM ${progressTable}`).catch(() => ({ rows: [{ n: 0 }] }));
        return rows[0].n >= 2000;
      });
      child.kill('SIGKILL');
      await exited;
      await until('the killed session is gone', async () => (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lockstep-run'")).rows[0].n === 0);
      assert.match(stderr, /backfill_people: \d+ % \(\d+ rows changed, up to \d+ of \d+\)/, 'the CLI printed progress');
      const before = (await admin.query('SELECT count(*)::int AS n FROM fills')).rows[0].n;
      assert.ok(before > 0 && before < ROWS, `${before} rows filled before the kill`);

      const events: RunEvent[] = [];
      const resumed = await runMigrations(target(), [file], options(events));
      assert.equal(resumed.ok, true, resumed.error);
      assert.equal(resumed.units[0].status, 'applied');
      const progress = events.flatMap((e) => (e.kind === 'progress' ? [e.progress] : []));
      assert.ok(progress.length > 0);
      assert.equal(progress[progress.length - 1].endKey, String(ROWS));
      assert.ok(progress[0].rowsChanged > before, 'the resumed call continued from the rows already done');
      const { rows } = await admin.query(`SELECT count(*)::int AS fills, count(DISTINCT id)::int AS ids, (SELECT count(*)::int FROM people WHERE email_address IS DISTINCT FROM email) AS wrong FROM fills`);
      assert.deepEqual(rows[0], { fills: ROWS, ids: ROWS, wrong: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
