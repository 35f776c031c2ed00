/** The estimator's pure half: lock modes from the lock model, figures from a made-up snapshot. */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../../server/src/config/types';
import { buildReport } from '../../../server/src/db/estimate';
import type { EstimateReport, StatementEstimate } from '../../../server/src/db/report';
import { initEngine } from '../../../server/src/engine';
import { lock, MB, relation, session, snapshot } from './snapshots';

const ORDERS_DDL = 'CREATE TABLE orders (id bigint NOT NULL, amount integer, note text);\nCREATE INDEX orders_amount_idx ON orders USING btree (amount);';

/** Round figures, so the expected durations read as arithmetic (the defaults are tested in config.test.ts). */
const THROUGHPUT = { rewriteMBps: 100, scanMBps: 800, indexBuildMBps: 130 };

function estimate(sql: string, snap = snapshot([relation('orders', { heapBytes: 100 * MB, totalBytes: 120 * MB, indexes: [index('orders_amount_idx')] })], { schemaSql: ORDERS_DDL }), config: Partial<LockstepConfig> = {}): EstimateReport {
  return buildReport({ text: sql, config: { ...DEFAULT_CONFIG, estimate: THROUGHPUT, ...config } }, snap);
}

function index(name: string) {
  return { name, definition: `CREATE INDEX ${name} ON public.orders USING btree (amount)`, columns: ['amount'], unique: false, primary: false, valid: true, bytes: 20 * MB };
}

const only = (report: EstimateReport): StatementEstimate => {
  assert.equal(report.statements.length, 1, JSON.stringify(report.statements.map((s) => s.summary)));
  return report.statements[0];
};

describe('estimate (pure): durations, blockers, risk, timeline', () => {
  before(() => initEngine());

  it('sizes a rewrite from the heap and the indexes it rebuilds', () => {
    const s = only(estimate('ALTER TABLE orders ALTER COLUMN amount TYPE bigint;'));
    assert.equal(s.work.length, 1);
    const [w] = s.work;
    assert.equal(w.kind, 'rewrite');
    assert.equal(w.certain, true, 'the live schema says amount is integer, so int → bigint certainly rewrites');
    // 100 MB at 100 MB/s, plus one index rebuild over 100 MB at 130 MB/s.
    assert.ok(Math.abs(w.seconds - (1 + 100 / 130)) < 1e-9, String(w.seconds));
    assert.equal(s.seconds, w.seconds);
    assert.match(w.basis, /100 MB at 100 MB\/s \+ 1 index rebuild at 130 MB\/s/);
  });

  it('uses the configured throughput', () => {
    const s = only(estimate('ALTER TABLE orders ALTER COLUMN amount TYPE bigint;', undefined, { estimate: { ...THROUGHPUT, rewriteMBps: 50, indexBuildMBps: 200 } }));
    assert.ok(Math.abs(s.seconds - (2 + 0.5)) < 1e-9, String(s.seconds));
  });

  it('a metadata-only change does no long work; a scan and an index build are sized by the heap', () => {
    assert.deepEqual(only(estimate('ALTER TABLE orders ADD COLUMN status text;')).work, []);
    const scan = only(estimate('ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0);'));
    assert.equal(scan.work[0].kind, 'scan');
    assert.ok(Math.abs(scan.seconds - 100 / 800) < 1e-9);
    const build = only(estimate('CREATE INDEX orders_note_idx ON orders (note);'));
    assert.equal(build.work[0].kind, 'index build');
    assert.ok(Math.abs(build.seconds - 100 / 130) < 1e-9);
    const concurrently = only(estimate('CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);'));
    assert.ok(Math.abs(concurrently.seconds - 200 / 130) < 1e-9, 'two passes');
  });

  it('CREATE INDEX CONCURRENTLY IF NOT EXISTS over an existing INVALID index: a no-op that keeps it INVALID, with a note; the INVALID index is reported', () => {
    const invalid = { ...index('orders_note_idx'), valid: false };
    const snap = snapshot([relation('orders', { heapBytes: 100 * MB, totalBytes: 120 * MB, indexes: [index('orders_amount_idx'), invalid] })], { schemaSql: ORDERS_DDL });
    const report = estimate('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_note_idx ON orders (note);', snap);
    const s = only(report);
    assert.deepEqual(s.work, [], 'no build');
    assert.equal(s.seconds, 0);
    assert.ok(s.notes.some((n) => /already has an INVALID index named orders_note_idx .*IF NOT EXISTS skips the build and the index stays INVALID/.test(n)), JSON.stringify(s.notes));
    assert.ok(report.notes.some((n) => /^orders has an INVALID index orders_note_idx/.test(n)), JSON.stringify(report.notes));
    // Without IF NOT EXISTS (or under another name) it is a build again.
    assert.equal(only(estimate('CREATE INDEX CONCURRENTLY orders_note2_idx ON orders (note);', snap)).work[0].kind, 'index build');
    assert.equal(only(estimate('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_note2_idx ON orders (note);', snap)).work[0].kind, 'index build');
    // No INVALID index, no note.
    assert.ok(!estimate('CREATE INDEX CONCURRENTLY orders_note2_idx ON orders (note);').notes.some((n) => /INVALID/.test(n)));
  });

  it('reports sessions holding a conflicting lock as what it waits for, and earlier waiters as what it queues behind', () => {
    const locks = [lock(101, 'AccessShareLock'), lock(102, 'RowExclusiveLock', false, { state: 'active', query: 'UPDATE orders SET note = 1' })];
    const snap = snapshot([relation('orders', { locks })], { schemaSql: ORDERS_DDL });
    const alter = only(estimate('ALTER TABLE orders ADD COLUMN status text;', snap)).relations.find((r) => r.relation === 'orders')!;
    assert.deepEqual(alter.waitsFor.map((b) => [b.pid, b.mode, b.granted]), [[101, 'AccessShareLock', true]]);
    assert.deepEqual(alter.queuesBehind.map((b) => [b.pid, b.mode, b.granted]), [[102, 'RowExclusiveLock', false]]);
    assert.equal(alter.activeSessions, 1);
    // SHARE (CREATE INDEX) does not conflict with ACCESS SHARE, but does with ROW EXCLUSIVE.
    const build = only(estimate('CREATE INDEX i ON orders (note);', snap)).relations.find((r) => r.relation === 'orders')!;
    assert.deepEqual(build.waitsFor, []);
    assert.deepEqual(build.queuesBehind.map((b) => b.pid), [102]);
  });

  it('risk: high when it would queue behind a live session with no lock_timeout, medium with one', () => {
    const snap = snapshot([relation('orders', { locks: [lock(7, 'AccessShareLock', true, { application: 'billing', xactAgeSeconds: 600 })] })], { schemaSql: ORDERS_DDL });
    const bare = only(estimate('ALTER TABLE orders ADD COLUMN status text;', snap));
    assert.equal(bare.risk, 'high');
    assert.match(bare.reasons.join(' '), /would wait for pid 7 \(billing, idle in transaction, transaction open 10 min/);
    const bounded = estimate("SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN status text;", snap);
    const s = only(bounded);
    assert.equal(s.lockTimeoutMs, 2000);
    assert.equal(s.risk, 'medium');
    assert.match(s.reasons.join(' '), /lock_timeout \(2000 ms\) ends the wait/);
  });

  it('risk by how long reads or writes are blocked: ≥ 10 s high, 1–10 s medium, less low', () => {
    const sized = (heapMB: number) => snapshot([relation('orders', { heapBytes: heapMB * MB, totalBytes: heapMB * MB })], { schemaSql: 'CREATE TABLE orders (id bigint, amount integer);' });
    const rewrite = 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;';
    assert.equal(only(estimate(rewrite, sized(2000))).risk, 'high'); // 20 s
    assert.equal(only(estimate(rewrite, sized(300))).risk, 'medium'); // 3 s
    const low = only(estimate(rewrite, sized(10))); // 0.1 s
    assert.equal(low.risk, 'low');
    assert.match(low.reasons[0], /only briefly/);
    assert.match(only(estimate(rewrite, sized(2000))).reasons[0], /ACCESS EXCLUSIVE on orders \(1\.95 GB\) blocks reads, writes and DDL for about 20 s, while it rewrites the table\./);
  });

  it('inside a transaction a lock is held to COMMIT: the timeline and the risk count the later statements', () => {
    const big = snapshot([relation('orders', { heapBytes: 1500 * MB, totalBytes: 1500 * MB })], { schemaSql: 'CREATE TABLE orders (id bigint, amount integer, note text);' });
    const report = estimate('BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nCREATE INDEX orders_note_idx ON orders (note);\nCOMMIT;', big);
    assert.deepEqual(report.statements.map((s) => s.line), [2, 3], 'BEGIN and COMMIT lock nothing and get no row');
    const [add, build] = report.statements;
    assert.equal(add.seconds, 0);
    const held = 1500 / 130;
    assert.ok(Math.abs(add.relations[0].heldSeconds - held) < 1e-9, 'ACCESS EXCLUSIVE held through the index build');
    assert.equal(add.risk, 'high');
    assert.match(add.reasons[0], /blocks reads, writes and DDL for about 12 s and keeps it until its transaction commits\./);
    assert.equal(build.startSeconds, 0);
    const orders = report.timeline.filter((seg) => seg.relation === 'orders');
    assert.deepEqual(orders.map((seg) => [seg.mode, seg.firstPosition, seg.lastPosition, seg.heldByTransaction]), [['AccessExclusiveLock', 0, 1, true]]);
    assert.ok(Math.abs(orders[0].end - held) < 1e-9);
  });

  it('autocommit statements hold their locks only while they run, one after another', () => {
    const report = estimate('CREATE INDEX a ON orders (note);\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);');
    const [first, second] = report.timeline;
    assert.equal(first.mode, 'ShareLock');
    assert.equal(second.mode, 'AccessExclusiveLock');
    assert.ok(Math.abs(first.end - 100 / 130) < 1e-9);
    assert.equal(second.start, first.end);
    assert.ok(Math.abs(report.totalSeconds - (100 / 130 + 100 / 800)) < 1e-9);
  });

  it('tables created by the migration need no figures and carry no risk', () => {
    const report = estimate('CREATE TABLE fresh (id int);\nCREATE INDEX fresh_idx ON fresh (id);\nALTER TABLE fresh ADD COLUMN v text DEFAULT random()::text;');
    for (const s of report.statements) {
      assert.equal(s.risk, 'low');
      assert.deepEqual(s.work, []);
      assert.ok(s.relations.every((r) => r.created));
    }
    assert.deepEqual(report.timeline, []);
  });

  it('a relation the database lacks is reported, not guessed', () => {
    const report = estimate('ALTER TABLE ghosts ADD COLUMN x int;', snapshot([], { missing: ['ghosts'] }));
    const s = only(report);
    assert.equal(s.relations[0].missing, true);
    assert.match(report.notes.join(' '), /Not in the database \(yet\): ghosts/);
  });

  it("the server's version replaces the configured one: GRANT locks the table on 18, not on 14", () => {
    const sql = 'GRANT SELECT ON orders TO reporting;';
    const on18 = estimate(sql, snapshot([relation('orders')], { schemaSql: ORDERS_DDL }), { pgVersion: 14 });
    assert.equal(on18.pgVersion, 18);
    assert.equal(on18.configuredPgVersion, 14);
    assert.deepEqual(only(on18).relations.map((r) => [r.relation, r.mode]), [['orders', 'AccessShareLock']]);
    assert.match(on18.notes[0], /Analysed for PostgreSQL 18, the server's version, instead of 14/);
    const server14 = snapshot([relation('orders')], { schemaSql: ORDERS_DDL, server: { version: '14.23', versionNum: 140023, major: 14, database: 'app', user: 'app', inRecovery: false } });
    const on14 = estimate(sql, server14, { pgVersion: 18 });
    assert.equal(on14.pgVersion, 14);
    assert.deepEqual(on14.statements, [], 'PostgreSQL 14 takes no table lock for GRANT');
  });

  it('clamps a server outside the versions the lock model knows, and says so', () => {
    const future = snapshot([relation('orders')], { schemaSql: ORDERS_DDL, server: { version: '19.0', versionNum: 190000, major: 19, database: 'app', user: 'app', inRecovery: false } });
    const report = estimate('ALTER TABLE orders ADD COLUMN x int;', future);
    assert.equal(report.pgVersion, 18);
    assert.match(report.notes.join(' '), /runs PostgreSQL 19; Lockstep's lock model covers 10–18, so 18 was assumed/);
  });

  it('counts a partitioned table’s index build once, over all its partitions', () => {
    const ddl = [
      'CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);',
      "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
      "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
    ].join('\n');
    const snap = snapshot([relation('events', { kind: 'partitioned table', heapBytes: 260 * MB, totalBytes: 260 * MB, partitions: 2 })], { schemaSql: ddl });
    const s = only(estimate('CREATE INDEX events_at_idx ON events (at);', snap));
    assert.deepEqual(s.work.map((w) => [w.relation, w.kind]), [['events', 'index build']]);
    assert.ok(Math.abs(s.seconds - 2) < 1e-9, String(s.seconds));
  });

  it('CONCURRENTLY builds must outwait long transactions: medium', () => {
    const snap = snapshot([relation('orders')], { schemaSql: ORDERS_DDL, longTransactions: [session(55, { xactAgeSeconds: 3600, application: 'report-job' })] });
    const s = only(estimate('CREATE INDEX CONCURRENTLY i ON orders (note);', snap));
    assert.equal(s.risk, 'medium');
    assert.match(s.reasons.join(' '), /waits for every older transaction to finish, and pid 55 \(report-job/);
  });

  it('a lock that spares reads and writes but must wait is medium', () => {
    const snap = snapshot([relation('orders', { locks: [lock(9, 'ShareUpdateExclusiveLock', true, { backendType: 'autovacuum worker', application: '' })] })], { schemaSql: ORDERS_DDL });
    const s = only(estimate('ALTER TABLE orders SET (fillfactor = 90);', snap));
    assert.equal(s.risk, 'medium');
    assert.match(s.reasons[0], /blocks no reads or writes/);
  });
});
