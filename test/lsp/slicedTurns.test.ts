/**
 * Sliced computations share the event loop: one slice, then the event loop, then the next slice
 * (of whichever computation waits longest), and a pause lasts until the connection has taken
 * every message that came in. Counted in turns of the event loop, never timed.
 */
import { strict as assert } from 'node:assert';
import { countingMessages } from '../../server/src/lsp/messageCount';
import { runSliced } from '../../server/src/lsp/slicedLint';

/** Counts turns of the event loop (check phases) until stopped. */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (running = false) };
}

function* steps(name: string, count: number, log: { name: string; turn: number }[], turns: () => number): Generator<void, string> {
  for (let i = 0; i < count; i++) {
    log.push({ name, turn: turns() });
    yield;
  }
  return name;
}

describe('sliced computations take turns on the event loop', () => {
  it('never run two slices in one turn of the event loop, and take turns in order', async () => {
    const turns = turnCounter();
    const log: { name: string; turn: number }[] = [];
    // sliceMs 0: every step is a slice of its own, so every step is followed by a pause.
    const results = await Promise.all(['a', 'b', 'c'].map((name) => runSliced(steps(name, 6, log, turns.now), () => true, 0)));
    turns.stop();
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.equal(log.length, 18);
    const perTurn = new Map<number, number>();
    for (const { turn } of log) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    assert.deepEqual([...perTurn.values()].filter((n) => n > 1), [], 'two slices ran in the same turn: a request would wait for both');
    // After the first slices, the three take turns: no one runs twice while another waits.
    const order = log.map((l) => l.name).join('');
    assert.ok(!/(.)\1/.test(order.slice(1)), `not round robin: ${order}`);
  });

  it('pause until the connection has taken every message waiting (one per turn, as vscode-jsonrpc takes them)', async () => {
    const handled: number[] = [];
    let stepsRun = 0;
    function* work(): Generator<void, void> {
      stepsRun++;
      // Twelve messages arrive while this slice runs; the connection takes one per turn.
      let left = 12;
      const take = () => {
        const notification = { jsonrpc: '2.0', method: 'x' };
        countingMessages.messageStrategy!.handleMessage(notification, () => {
          handled.push(stepsRun);
        });
        if (--left > 0) setImmediate(take);
      };
      setImmediate(take);
      yield;
      stepsRun++;
    }
    await runSliced(work(), () => true, 0);
    assert.equal(handled.length, 12);
    assert.ok(handled.every((s) => s === 1), `the next slice ran before every message was taken: ${handled.join(',')}`);
  });
});
