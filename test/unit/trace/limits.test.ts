/**
 * The trace's limits, through the real worker (dist/traceWorker.js): a runaway statement is stopped
 * at the per-statement limit and reported, the statements before it keep their results, and
 * `COPY … PROGRAM` is refused at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getPriority } from 'node:os';
import { LOW_PRIORITY_NICE, type TraceRequest } from '../../../server/src/trace/protocol';
import { COPY_PROGRAM_REFUSED } from '../../../server/src/trace/shadowRun';
import { traceInWorker } from '../../../server/src/trace/traceClient';
import { ensureBuilt, REPO_ROOT } from '../cli/distCli';

const WORKER = join(REPO_ROOT, 'dist', 'traceWorker.js');

describe('trace limits (worker thread)', function () {
  this.timeout(300_000);
  before(ensureBuilt);

  it('stops a runaway statement at the per-statement limit, names the limit, and keeps the rest of the report', async () => {
    const request: TraceRequest = {
      jobs: [
        {
          namespace: 'lockstep_trace_1',
          setup: [],
          steps: [
            { index: 0, sql: 'CREATE TABLE t (id int)', mode: 'observe' },
            { index: 1, sql: "COPY t TO PROGRAM 'sleep 1000'", mode: 'observe' },
            { index: 2, sql: 'CREATE INDEX t_id ON t (id)', mode: 'observe' },
            // A statement that never ends (PGlite is single-threaded: only the main thread can stop it).
            { index: 3, sql: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r', mode: 'apply' },
            { index: 4, sql: 'DROP TABLE t', mode: 'observe' },
          ],
        },
      ],
    };
    const response = await traceInWorker(request, { workerPath: WORKER, statementTimeoutMs: 2_000, startupTimeoutMs: 240_000 });
    const steps = response.jobs[0].steps;
    assert.deepEqual(
      steps.map((s) => [s.index, s.outcome]),
      [
        [0, 'observed'],
        [1, 'failed'],
        [2, 'observed'],
        [3, 'failed'],
        [4, 'failed'],
      ],
    );
    assert.equal(steps[1].error, COPY_PROGRAM_REFUSED);
    assert.equal(steps[3].error, "did not finish within 2 s (the trace's per-statement limit) and was stopped");
    assert.match(steps[4].error ?? '', /^not run: did not finish within 2 s/);
    assert.equal(response.stopped, steps[3].error);
    assert.match(response.serverVersion, /^\d+\.\d+/);
    assert.equal(response.workerPriority, undefined, 'the CLI\'s trace keeps its priority');
  });

  it('a low-priority trace lowers its own thread only (the language server\'s)', async () => {
    const request: TraceRequest = { jobs: [{ namespace: 'lockstep_trace_1', setup: [], steps: [{ index: 0, sql: 'CREATE TABLE t (id int)', mode: 'observe' }] }], lowPriority: true };
    const before = getPriority();
    const response = await traceInWorker(request, { workerPath: WORKER, startupTimeoutMs: 240_000 });
    assert.deepEqual(response.jobs[0].steps.map((s) => s.outcome), ['observed']);
    // Linux only: elsewhere a nice value is the whole process's, and the worker leaves it.
    assert.equal(response.workerPriority, process.platform === 'linux' ? Math.max(before, LOW_PRIORITY_NICE) : undefined);
    assert.equal(getPriority(), before, 'this thread is not lowered');
  });
});
