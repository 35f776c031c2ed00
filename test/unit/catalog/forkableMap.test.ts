/** ForkableMap behaves as a Map (order included) on every side of a fork tree, and forks stay independent. */
import { strict as assert } from 'node:assert';
import { ForkableMap } from '../../../server/src/catalog/forkableMap';
import { random } from '../../support/random';

function assertSame(actual: ForkableMap<number, string>, expected: Map<number, string>, step: string, keys = 60): void {
  assert.deepEqual([...actual], [...expected], `entries in order, ${step}`);
  assert.equal(actual.size, expected.size, `size, ${step}`);
  for (let k = 0; k < keys; k++) {
    assert.equal(actual.has(k), expected.has(k), `has(${k}), ${step}`);
    assert.equal(actual.get(k), expected.get(k), `get(${k}), ${step}`);
  }
}

describe('ForkableMap', () => {
  it('matches a Map through 20,000 random sets, deletes and forks, in insertion order', () => {
    const next = random(14);
    // Pairs of (forkable, model); forking copies the model, so each pair must stay equal on its own.
    const sides: Array<{ map: ForkableMap<number, string>; model: Map<number, string> }> = [{ map: new ForkableMap(), model: new Map() }];
    for (let step = 0; step < 20_000; step++) {
      const side = sides[Math.floor(next() * sides.length)];
      const key = Math.floor(next() * 60);
      const op = next();
      if (op < 0.5) {
        const value = `v${step}`;
        side.map.set(key, value);
        side.model.set(key, value);
      } else if (op < 0.85) {
        assert.equal(side.map.delete(key), side.model.delete(key), `delete(${key}) result at step ${step}`);
      } else if (sides.length < 12) {
        sides.push({ map: side.map.fork(), model: new Map(side.model) });
      } else {
        sides.splice(Math.floor(next() * sides.length), 1, { map: side.map.fork(), model: new Map(side.model) });
      }
      if (step % 97 === 0) for (const [i, s] of sides.entries()) assertSame(s.map, s.model, `side ${i} at step ${step}`);
    }
    for (const [i, s] of sides.entries()) assertSame(s.map, s.model, `side ${i} at the end`);
  });

  it('matches a Map with thousands of keys, where layers fold into middle tiers and tiers into a new base', () => {
    const next = random(41);
    const keys = 3000;
    const sides: Array<{ map: ForkableMap<number, string>; model: Map<number, string> }> = [{ map: new ForkableMap(), model: new Map() }];
    for (let step = 0; step < 60_000; step++) {
      const side = sides[Math.floor(next() * sides.length)];
      const key = Math.floor(next() * keys);
      const op = next();
      if (op < 0.6) {
        side.map.set(key, `v${step}`);
        side.model.set(key, `v${step}`);
      } else if (op < 0.9) {
        assert.equal(side.map.delete(key), side.model.delete(key), `delete(${key}) result at step ${step}`);
      } else if (sides.length < 6) {
        sides.push({ map: side.map.fork(), model: new Map(side.model) });
      } else {
        sides.splice(Math.floor(next() * sides.length), 1, { map: side.map.fork(), model: new Map(side.model) });
      }
      if (step % 2000 === 0) for (const [i, s] of sides.entries()) assertSame(s.map, s.model, `side ${i} at step ${step}`, keys);
    }
    for (const [i, s] of sides.entries()) assertSame(s.map, s.model, `side ${i} at the end`, keys);
  });

  it('a chain of 3,000 forks (schema history) copies at most ∛n per fork and keeps at most two tiers', () => {
    type Inside = { base: Map<number, number> | Inside; replaced: Map<number, number>; deleted: Set<number>; added: Map<number, number> };
    const inside = (m: ForkableMap<number, number>) => m as unknown as Inside;
    let map = new ForkableMap<number, number>(Array.from({ length: 30_000 }, (_, i) => [i, i] as const));
    const model = new Map(map);
    let tiered = 0;
    for (let file = 0; file < 3000; file++) {
      map = map.fork();
      const layer = inside(map).replaced.size + inside(map).deleted.size + inside(map).added.size;
      assert.ok(layer <= Math.max(32, Math.cbrt(model.size)) + 4, `fork ${file} copied a layer of ${layer}`);
      const base = inside(map).base;
      if (!(base instanceof Map)) {
        tiered++;
        assert.ok(base.base instanceof Map, 'a middle tier sits on a plain Map');
      }
      // Each file: two new keys, one replaced, one deleted (as a migration adds, alters and drops).
      for (const [k, v] of [[100_000 + 2 * file, file], [100_001 + 2 * file, file]] as const) {
        map.set(k, v);
        model.set(k, v);
      }
      map.set(file * 7, -file);
      model.set(file * 7, -file);
      map.delete(file * 7 + 3);
      model.delete(file * 7 + 3);
    }
    assert.ok(tiered > 0, 'middle tiers were used');
    assert.deepEqual([...map], [...model]);
  });

  it('keeps a replaced key in place and moves a deleted-then-set key to the end, across a fork', () => {
    const map = new ForkableMap<string, number>([['a', 1], ['b', 2], ['c', 3]]);
    const fork = map.fork();
    fork.set('a', 10);
    fork.delete('b');
    fork.set('b', 20);
    assert.deepEqual([...fork], [['a', 10], ['c', 3], ['b', 20]]);
    assert.deepEqual([...map], [['a', 1], ['b', 2], ['c', 3]], 'the original is untouched');
    assert.equal(JSON.stringify(fork), JSON.stringify(new Map([['a', 10], ['c', 3], ['b', 20]]), (_k, v) => (v instanceof Map ? [...v] : v)), 'serialized as its entries');
  });

  it('a fork copies at most its layer: forking a 10,000-entry map after one change leaves the base shared', () => {
    const map = new ForkableMap<number, number>(Array.from({ length: 10_000 }, (_, i) => [i, i] as const));
    map.set(3, -3);
    const fork = map.fork() as unknown as { base: Map<number, number>; replaced: Map<number, number> };
    assert.equal(fork.base, (map as unknown as { base: Map<number, number> }).base, 'the same base object');
    assert.equal(fork.replaced.size, 1);
  });

  it('a fork shares its layer until one side changes: only the side that changes copies it', () => {
    type Layer = { replaced: Map<string, number>; deleted: Set<string>; added: Map<string, number> };
    const layer = (m: ForkableMap<string, number>) => m as unknown as Layer;
    const map = new ForkableMap<string, number>([['a', 1], ['b', 2], ['c', 3]]);
    map.set('a', 10);
    map.delete('b');
    map.set('d', 4);
    const fork = map.fork();
    const shared = layer(map);
    assert.equal(layer(fork).replaced, shared.replaced, 'replaced: shared, not copied');
    assert.equal(layer(fork).deleted, shared.deleted, 'deleted: shared');
    assert.equal(layer(fork).added, shared.added, 'added: shared');
    // Reads and a delete of an absent key leave the layer shared.
    assert.equal(fork.get('a'), 10);
    assert.equal(fork.delete('b'), false);
    assert.equal(layer(fork).added, shared.added, 'still shared after reads');
    fork.delete('c');
    assert.notEqual(layer(fork).deleted, layer(map).deleted, 'the changed side has its own layer');
    assert.deepEqual([...fork], [['a', 10], ['d', 4]]);
    assert.deepEqual([...map], [['a', 10], ['c', 3], ['d', 4]], 'the other side does not see the change');
    map.set('e', 5);
    assert.deepEqual([...fork], [['a', 10], ['d', 4]], 'nor the other way round');
    assert.deepEqual([...map], [['a', 10], ['c', 3], ['d', 4], ['e', 5]]);
  });
});
