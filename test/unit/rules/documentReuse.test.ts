/**
 * sameData decides whether the previous lint's lock indexes can be kept (rules/documentReuse.ts):
 * it must never call two values the same when their JSON differs, and must see equal lock facts
 * built separately as the same (else every relint would rebuild the indexes).
 */
import { strict as assert } from 'node:assert';
import { sameData } from '../../../server/src/rules/documentReuse';
import { random } from '../../support/random';

/** Small random JSON-ish values, with the shapes that trip equality: undefined fields, NaN, -0, key order, arrays vs objects. */
function value(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth > 2 || r < 0.35) return [0, -0, 1, NaN, 'a', 'b', '', true, false, null, undefined][Math.floor(next() * 11)];
  if (r < 0.6) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of ['x', 'y', 'z']) if (next() < 0.6) out[next() < 0.5 ? key : key.toUpperCase()] = value(next, depth + 1);
  return next() < 0.2 ? Object.fromEntries(Object.entries(out).reverse()) : out;
}

describe('documentReuse: sameData', () => {
  it('never says the same where JSON differs, and agrees on equal plain data (5,000 random pairs)', () => {
    const next = random(77);
    let same = 0;
    for (let n = 0; n < 5000; n++) {
      const a = value(next);
      // Half the pairs are a value and a separately built copy of it (JSON equal), half unrelated.
      const b = next() < 0.5 ? JSON.parse(JSON.stringify(a) ?? 'null') : value(next);
      const json = (JSON.stringify(a) ?? '') === (JSON.stringify(b) ?? '');
      if (sameData(a, b)) {
        same++;
        assert.ok(json, `sameData says same but JSON differs: ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
      }
    }
    assert.ok(same > 1000, `only ${same} pairs were found the same`);
  });

  it('lock effects built separately are the same; a changed mode, key order or extra field is not', () => {
    const effect = () => ({ object: 'accounts', kind: 'table', mode: 'ACCESS EXCLUSIVE', rewrite: false, scan: 'maybe' });
    assert.equal(sameData([effect(), effect()], [effect(), effect()]), true);
    assert.equal(sameData([effect()], [{ ...effect(), mode: 'SHARE' }]), false);
    assert.equal(sameData([effect()], [{ ...effect(), created: true }]), false);
    const { object, ...rest } = effect();
    assert.equal(sameData(effect(), { ...rest, object }), false, 'another key order serialises differently');
    assert.equal(sameData([effect()], { 0: effect() }), false);
  });
});
