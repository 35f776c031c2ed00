import { strict as assert } from 'node:assert';
import { fuzzGates, renderGates } from '../../fuzz/budgets';
import { worstWindowP99, type FuzzFigures } from '../../fuzz/drive';

const passing: FuzzFigures = {
  seed: 1, cases: 10, kinds: {}, requests: 40, unanswered: 0, errorResponses: 3, overOneSecond: 0, hovers: 20, hoversOver50ms: 0,
  hoverP50Ms: 2, hoverP99Ms: 30, hoverWorstWindowP99Ms: 40, slowHovers: [], crashed: false, serverStderr: '', peakRssMb: 200, cliRuns: 2, cliFailures: [], durationMs: 1000,
};

describe('fuzz gates (npm run fuzz exits 1 when one fails)', () => {
  it('passes figures within every budget', () => {
    const gates = fuzzGates(passing);
    assert.equal(gates.filter((g) => !g.ok).length, 0);
    assert.match(renderGates(gates), /fuzz: PASS$/);
  });

  it('fails the latency budgets as gates, not just counts', () => {
    const slow = fuzzGates({ ...passing, overOneSecond: 2, hoversOver50ms: 5, hoverWorstWindowP99Ms: 51 });
    assert.deepEqual(slow.filter((g) => !g.ok).map((g) => g.name), ['every request within 1000 ms', 'hover p99 within 50 ms at any time']);
    const text = renderGates(slow);
    assert.match(text, /^FAIL {2}hover p99 within 50 ms at any time: 5 of 20 hovers over 50 ms .*worst p99 of 500 in a row 51 ms/m);
    assert.match(text, /fuzz: FAIL \(every request within 1000 ms; hover p99 within 50 ms at any time\)$/);
  });

  it('passes a few hovers over 50 ms while every 500 in a row keep p99 within 50 ms, and still prints them', () => {
    const gates = fuzzGates({ ...passing, hoversOver50ms: 3, hoverWorstWindowP99Ms: 50 });
    assert.equal(gates.filter((g) => !g.ok).length, 0);
    assert.match(renderGates(gates), /^PASS {2}hover p99 within 50 ms at any time: 3 of 20 hovers over 50 ms/m);
  });

  it('fails on a crash, an unanswered request, a CLI failure and memory at 1 GB', () => {
    const bad = fuzzGates({ ...passing, crashed: true, unanswered: 1, cliFailures: ['x'], peakRssMb: 1024 });
    assert.deepEqual(bad.filter((g) => !g.ok).map((g) => g.name), ['no crash', 'every request answered', 'CLI never fails', 'server memory under 1024 MB']);
  });

  it('finds a slow stretch that the whole run\'s p99 hides (p99 "at any time")', () => {
    const times = [...Array(500).fill(1), ...Array(494).fill(2), ...Array(6).fill(80)];
    assert.equal(worstWindowP99(times), 80);
    assert.equal(worstWindowP99(times, 1000), 2);
    assert.equal(worstWindowP99([]), 0);
    assert.equal(worstWindowP99([3, 7], 500), 7);
  });
});
