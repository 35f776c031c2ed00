import { strict as assert } from 'node:assert';
import { applyLiveEvent, newLiveState, parseLiveLine, QUEUE_HISTORY, type LiveEvent } from '../../../server/src/run/liveEvents';

const session = (pid: number, lockWaitMs = 0) => ({ pid, applicationName: 'app', state: 'active', query: 'q', lockWaitMs });
const sample = (queue: number, blockers: number[] = []): LiveEvent => ({
  type: 'sample',
  guarded: [{ session: session(10, 1500), blockers: blockers.map((p) => session(p)), queue, oldestWaitMs: queue * 100 }],
  standbys: [{ name: 's1', replayLagMs: 40 }],
  longTransactions: 0,
});

describe('the live event stream (run/watch --events json)', () => {
  it('keeps the running statement of a run when samples add its lock wait, blockers and queue', () => {
    const state = newLiveState('run', 't');
    applyLiveEvent(state, { type: 'unit', file: 'a.sql', line: 3, statement: 'ALTER TABLE t ADD COLUMN c int;', attempt: 2, transactional: false, blocking: true });
    applyLiveEvent(state, sample(4, [77]));
    assert.equal(state.phase, 'running');
    assert.deepEqual(
      { statement: state.current?.statement, file: state.current?.file, attempt: state.current?.attempt, pid: state.current?.pid, queue: state.current?.queue, blockers: state.current?.blockers.map((b) => b.pid) },
      { statement: 'ALTER TABLE t ADD COLUMN c int;', file: 'a.sql', attempt: 2, pid: 10, queue: 4, blockers: [77] },
    );
    assert.deepEqual(state.history, [{ sample: 1, queue: 4, oldestWaitMs: 400, lockWaitMs: 1500 }]);
    assert.deepEqual(state.standbys, [{ name: 's1', replayLagMs: 40 }]);
    applyLiveEvent(state, { type: 'applied', file: 'a.sql', line: 3, attempts: 2 });
    assert.equal(state.current, undefined);
    assert.equal(state.applied, 1);
    assert.equal(state.log.at(-1), 'a.sql:3: applied after 2 tries');
  });

  it('counts successful cancels only, and ends cancelled, failed or finished as the done line says', () => {
    const state = newLiveState('watch', 't');
    applyLiveEvent(state, { type: 'cancel', pid: 10, query: 'ALTER', reason: 'r', terminated: false, ok: true });
    applyLiveEvent(state, { type: 'cancel', pid: 10, query: 'ALTER', reason: 'r', terminated: false, ok: false });
    assert.equal(state.cancels, 1);
    applyLiveEvent(state, { type: 'done', ok: false, cancelled: true, message: 'cancelled: x' });
    assert.equal(state.phase, 'cancelled');
    assert.equal(applyLiveEvent(newLiveState('run', 't'), { type: 'done', ok: false, cancelled: false, message: 'm' }).phase, 'failed');
    assert.equal(applyLiveEvent(newLiveState('run', 't'), { type: 'done', ok: true, cancelled: false, message: 'm' }).phase, 'finished');
  });

  it('a watch forgets the guarded session once no migration runs; the chart keeps the last QUEUE_HISTORY samples', () => {
    const state = newLiveState('watch', 't');
    applyLiveEvent(state, sample(1));
    assert.equal(state.current?.pid, 10);
    applyLiveEvent(state, { type: 'sample', guarded: [], standbys: [], longTransactions: 2 });
    assert.equal(state.current, undefined);
    assert.equal(state.longTransactions, 2);
    for (let i = 0; i < QUEUE_HISTORY + 5; i++) applyLiveEvent(state, sample(i));
    assert.equal(state.history.length, QUEUE_HISTORY);
    assert.equal(state.history.at(-1)?.queue, QUEUE_HISTORY + 4);
  });

  it('parses event lines and leaves plain text alone', () => {
    assert.deepEqual(parseLiveLine('{"type":"error","message":"m"}'), { type: 'error', message: 'm' });
    assert.equal(parseLiveLine('lockstep run: no migration files given'), undefined);
    assert.equal(parseLiveLine('{not json'), undefined);
    assert.equal(parseLiveLine('{"no":"type"}'), undefined);
  });
});
