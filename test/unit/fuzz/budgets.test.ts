import { strict as assert } from 'node:assert';
import { fuzzGates, renderGates } from '../../fuzz/budgets';
import type { FuzzFigures } from '../../fuzz/drive';

const passing: FuzzFigures = {
  seed: 1, cases: 10, kinds: {}, requests: 40, unanswered: 0, errorResponses: 3, overOneSecond: 0, hovers: 20, hoversOver50ms: 0,
  hoverP50Ms: 2, hoverP99Ms: 30, crashed: false, serverStderr: '', peakRssMb: 200, cliRuns: 2, cliFailures: [], durationMs: 1000,
};

describe('fuzz gates (npm run fuzz exits 1 when one fails)', () => {
  it('passes figures within every budget', () => {
    const gates = fuzzGates(passing);
    assert.equal(gates.filter((g) => !g.ok).length, 0);
    assert.match(renderGates(gates), /fuzz: PASS$/);
  });

  it('fails the latency budgets as gates, not just counts', () => {
    const slow = fuzzGates({ ...passing, overOneSecond: 2, hoversOver50ms: 5 });
    assert.deepEqual(slow.filter((g) => !g.ok).map((g) => g.name), ['every request within 1000 ms', 'every hover within 50 ms']);
    const text = renderGates(slow);
    assert.match(text, /^FAIL {2}every hover within 50 ms: 5 of 20 hovers over 50 ms/m);
    assert.match(text, /fuzz: FAIL \(every request within 1000 ms; every hover within 50 ms\)$/);
  });

  it('fails on a crash, an unanswered request, a CLI failure and memory at 1 GB', () => {
    const bad = fuzzGates({ ...passing, crashed: true, unanswered: 1, cliFailures: ['x'], peakRssMb: 1024 });
    assert.deepEqual(bad.filter((g) => !g.ok).map((g) => g.name), ['no crash', 'every request answered', 'CLI never fails', 'server memory under 1024 MB']);
  });
});
