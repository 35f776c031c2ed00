import { strict as assert } from 'node:assert';
import { batchArguments, BatchThrottle, CLEAN_TO_RECOVER, withBatchArguments } from '../../../server/src/run/throttle';

const limits = { targetLockWaitMs: 200, maxLagMs: 5000 };
const clean = { queueWaitMs: 0, lagMs: 0 };

describe('adaptive throttling of a backfill', () => {
  it('halves the batch and doubles the pause when the application waited past the target, down to one row', () => {
    const t = new BatchThrottle({ batchSize: 500, pauseMs: 100 }, limits);
    assert.deepEqual(t.afterBatch({ queueWaitMs: 201, lagMs: 0 }), { batchSize: 250, pauseMs: 200, waitForLag: false, reason: 'an application session waited 201 ms behind the batch (target 200 ms)' });
    assert.equal(t.afterBatch({ queueWaitMs: 200, lagMs: 0 }), undefined, 'at the target is not over it');
    for (let i = 0; i < 20; i++) t.afterBatch({ queueWaitMs: 1000, lagMs: 0 });
    assert.deepEqual(t.settings, { batchSize: 1, pauseMs: 30_000 });
  });

  it('replication lag over its limit shrinks the batch and asks to wait for the lag', () => {
    const t = new BatchThrottle({ batchSize: 100, pauseMs: 0 }, limits);
    const change = t.afterBatch({ queueWaitMs: 0, lagMs: 6000 });
    assert.deepEqual({ ...change, reason: undefined }, { batchSize: 50, pauseMs: 100, waitForLag: true, reason: undefined });
    assert.match(change!.reason, /replication lag 6000 ms \(limit 5000 ms\)/);
  });

  it('WAL not yet replayed over --max-lag-bytes also waits for the lag; without that limit, bytes are ignored', () => {
    const withBytes = new BatchThrottle({ batchSize: 100, pauseMs: 0 }, { ...limits, maxLagBytes: 1024 * 1024 });
    assert.equal(withBytes.afterBatch({ queueWaitMs: 0, lagMs: 0, lagBytes: 1024 * 1024 }), undefined, 'at the limit is not over it');
    const change = withBytes.afterBatch({ queueWaitMs: 0, lagMs: 0, lagBytes: 3_000_000 });
    assert.deepEqual(change, { batchSize: 50, pauseMs: 100, waitForLag: true, reason: 'replication lag 3000000 bytes of WAL (limit 1048576 bytes)' });
    assert.equal(new BatchThrottle({ batchSize: 100, pauseMs: 0 }, limits).afterBatch({ queueWaitMs: 0, lagMs: 0, lagBytes: 1e12 }), undefined);
  });

  it('steps back after CLEAN_TO_RECOVER clean batches, never past the scaffolded size and pause', () => {
    const t = new BatchThrottle({ batchSize: 500, pauseMs: 100 }, limits);
    t.afterBatch({ queueWaitMs: 900, lagMs: 0 });
    t.afterBatch({ queueWaitMs: 900, lagMs: 0 });
    assert.deepEqual(t.settings, { batchSize: 125, pauseMs: 400 });
    const changes = [];
    for (let i = 0; i < 4 * CLEAN_TO_RECOVER; i++) changes.push(t.afterBatch(clean));
    assert.deepEqual(changes.filter(Boolean).map((c) => [c!.batchSize, c!.pauseMs]), [[250, 200], [500, 100]]);
    assert.deepEqual(t.settings, { batchSize: 500, pauseMs: 100 });
    assert.equal(new BatchThrottle({ batchSize: 500, pauseMs: 100 }, limits).afterBatch(clean), undefined);
  });

  it('reads and rewrites the scaffolded CALL arguments', () => {
    const call = 'CALL "acct_backfill"(batch_size => 500, pause_ms => 100)';
    assert.deepEqual(batchArguments(call), { batchSize: 500, pauseMs: 100 });
    assert.equal(withBatchArguments(call, { batchSize: 250, pauseMs: 200 }), 'CALL "acct_backfill"(batch_size => 250, pause_ms => 200)');
    assert.equal(batchArguments('CALL "acct_verify"()'), undefined);
  });
});
