/**
 * naturalCompare reads digit runs in place: the same answers as splitting both names into runs (the
 * reference below, the previous implementation), and no allocation per comparison.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { naturalCompare } from '../../../server/src/history/naturalCompare';

function byRuns(a: string, b: string): number {
  const chunk = /(\d+|\D+)/g;
  const left = a.match(chunk) ?? [];
  const right = b.match(chunk) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === y) continue;
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    if (xDigits && yDigits) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['0', '0', '1', '2', '9', 'V', 'v', '_', '__', '.', '-', 'a', 'é', '٣', '😀', '/'];

describe('naturalCompare', () => {
  it('answers as the split into runs did, value for value, on 50,000 random pairs', () => {
    const next = random(14);
    const name = () => Array.from({ length: Math.floor(next() * 9) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    for (let n = 0; n < 50_000; n++) {
      const a = name();
      const b = next() < 0.3 ? a.replace(/\d/, '0$&') : name();
      assert.equal(naturalCompare(a, b), byRuns(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });

  it('orders migration names as before', () => {
    const names = ['V10__b.sql', 'V2__a.sql', 'V1_1__x.sql', 'V1__x.sql', 'V01__x.sql', 'V1.2__y.sql', '', 'V', '20240101_init.sql', '9_z.sql'];
    assert.deepEqual([...names].sort(naturalCompare), [...names].sort(byRuns));
  });

  it('allocates nothing: a million comparisons of long names make no young-generation collection', () => {
    // In a child process, so that nothing else allocates meanwhile; the split into runs made ~20.
    const script = `
      const { PerformanceObserver, constants } = require('node:perf_hooks');
      const { naturalCompare } = require(${JSON.stringify(join(__dirname, '../../../server/src/history/naturalCompare.ts'))});
      const names = Array.from({ length: 1000 }, (_, i) => 'migrations/V' + i + '_' + (i % 7) + '__add_column_' + i + '.sql');
      let sum = 0;
      for (let i = 0; i < 20000; i++) sum += naturalCompare(names[i % 1000], names[(i * 7) % 1000]); // warm up (compiles)
      let minor = 0;
      const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++; });
      observer.observe({ entryTypes: ['gc'] });
      for (let i = 0; i < 1000000; i++) sum += naturalCompare(names[i % 1000], names[(i * 7) % 1000]);
      setTimeout(() => { observer.disconnect(); process.stdout.write(String(minor)); }, 50);
    `;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(Number(run.stdout) <= 1, `${run.stdout} young-generation collections`);
  });
});
