/**
 * The fixed-seed fuzz sample of `npm test`: 500 hostile cases through the language server and the
 * CLI. Asserts only what does not depend on machine load: no crash, every request answered,
 * bounded memory, no CLI crash or stack trace. `npm run fuzz` runs the full set (BENCHMARKS.md).
 */
import { strict as assert } from 'node:assert';
import { runFuzz } from './drive';

describe('fuzz sample (500 fixed-seed cases)', function () {
  this.timeout(600_000);

  it('never crashes, answers every request, keeps memory bounded, and the CLI never falls over', async () => {
    const figures = await runFuzz({ cases: 500, seed: 20261202, maxBytes: 8 * 1024, cliBatch: 250, answerTimeoutMs: 60_000 });
    const summary = JSON.stringify({ ...figures, serverStderr: figures.serverStderr.slice(-500) });
    assert.equal(figures.cases, 500, summary);
    assert.equal(figures.crashed, false, summary);
    assert.equal(figures.unanswered, 0, summary);
    assert.deepEqual(figures.cliFailures, [], summary);
    assert.ok(figures.peakRssMb > 0 && figures.peakRssMb < 1024, summary);
    assert.ok(figures.requests >= 500, summary);
  });
});
