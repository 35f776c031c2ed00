import assert from 'node:assert/strict';
import type pg from 'pg';
import { DEFAULT_WATCH_LIMITS, LockWatch, type WatchEvent } from '../../../server/src/run/watch';

/** A stand-in for the watch's session whose pg_cancel_backend reply is held until the test releases it. */
function heldCancelClient() {
  let release: () => void = () => undefined;
  const reply = new Promise<void>((resolve) => (release = resolve));
  const client = {
    async query(text: string) {
      if (text.includes('pg_cancel_backend')) {
        await reply;
        return { rows: [{ ok: true }] };
      }
      if (text.includes('pg_stat_replication')) return { rows: [] };
      return { rows: [{ pid: 42, application_name: 'migration', state: 'active', query: 'ALTER TABLE t ADD COLUMN c int', blocked_by: [], lock_wait_ms: 0, transaction_ms: 10 }] };
    },
  };
  return { client: client as unknown as pg.Client, release };
}

describe('LockWatch.cancelsSettled', () => {
  it('waits for a cancel whose reply has not arrived, so the run learns the watch sent it before it decides', async () => {
    const { client, release } = heldCancelClient();
    const events: WatchEvent[] = [];
    const watch = new LockWatch(client, 180000, DEFAULT_WATCH_LIMITS, (s) => s.pid === 42, (e) => events.push(e));
    const cancelling = watch.cancelNow('test');
    // Let the sample run and the cancel go out; its reply is still held.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    let settled = false;
    const waiting = watch.cancelsSettled().then(() => (settled = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'settled before the cancel was reported');
    assert.equal(events.filter((e) => e.kind === 'cancel').length, 0);
    release();
    await waiting;
    assert.deepEqual(
      events.filter((e) => e.kind === 'cancel').map((e) => e.kind === 'cancel' && [e.pid, e.ok]),
      [[42, true]],
    );
    assert.equal(await cancelling, 1);
  });
});
