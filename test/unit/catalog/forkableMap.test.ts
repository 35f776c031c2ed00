/** ForkableMap behaves as a Map (order included) on every side of a fork tree, and forks stay independent. */
import { strict as assert } from 'node:assert';
import { ForkableMap } from '../../../server/src/catalog/forkableMap';
import { hashOf } from '../../../server/src/catalog/hashTrie';
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

  it('matches a Map with thousands of keys, deep tries, collisions of slots and renumbering', () => {
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

  type Inside = { index: object | undefined; order: { root: object | undefined }; nextOrder: number };
  const inside = <K extends string | number, V>(m: ForkableMap<K, V>) => m as unknown as Inside;

  /** The trie nodes (branches, collisions, order blocks) a map reaches, not its entries. */
  function nodesOf<K extends string | number, V>(map: ForkableMap<K, V>): Set<object> {
    const nodes = new Set<object>();
    const stack: unknown[] = [inside(map).index, inside(map).order.root];
    while (stack.length > 0) {
      const node = stack.pop() as { slots?: unknown[]; leaves?: unknown[] } | undefined;
      if (!node || typeof node !== 'object' || nodes.has(node)) continue;
      const children = node.slots ?? node.leaves;
      if (!children) continue;
      nodes.add(node);
      stack.push(...children);
    }
    return nodes;
  }

  it('a fork shares every node, and a change copies only its key\'s path (20,000 entries)', () => {
    const map = new ForkableMap<string, number>(Array.from({ length: 20_000 }, (_, i) => [`rel${i}`, i] as const));
    const before = nodesOf(map);
    const fork = map.fork();
    assert.deepEqual(nodesOf(fork), before, 'the fork reaches exactly the original\'s nodes');
    fork.set('rel5', -5);
    fork.set('rel_new', 1);
    fork.delete('rel7');
    const fresh = [...nodesOf(fork)].filter((n) => !before.has(n));
    // Three changes, each at most a path of the key trie (≤ 4 levels here) and one of the order trie (≤ 3).
    assert.ok(fresh.length > 0 && fresh.length <= 3 * 7, `${fresh.length} nodes copied`);
    assert.deepEqual(nodesOf(map), before, 'the original still reaches its own nodes, unchanged');
    assert.equal(map.get('rel5'), 5);
    assert.equal(map.get('rel7'), 7);
    assert.equal(map.has('rel_new'), false);
    assert.equal(map.size, 20_000);
    assert.equal(fork.size, 20_000);
    assert.deepEqual([...fork.keys()].slice(-2), ['rel19999', 'rel_new']);
  });

  it('changes between two forks copy a path once, then change that side\'s own nodes in place', () => {
    const map = new ForkableMap<string, number>(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i] as const));
    const fork = map.fork();
    const shared = inside(fork).index;
    fork.set('k1', -1);
    const own = inside(fork).index;
    assert.notEqual(own, shared, 'the first change after a fork copies the root');
    for (let i = 0; i < 1000; i++) fork.set('k1', i);
    assert.equal(inside(fork).index, own, 'later changes reuse it');
    assert.equal(inside(map).index, shared, 'the original keeps its root');
    const again = fork.fork();
    fork.set('k2', -2);
    assert.notEqual(inside(fork).index, own, 'after another fork the root is shared again, so copied');
    assert.equal(inside(again).index, own, 'and the new fork keeps it');
    assert.equal(again.get('k2'), 2);
    assert.equal(fork.get('k1'), 999);
    assert.equal(map.get('k1'), 1);
  });

  it('replacing a value leaves the order untouched: only a new key or a delete changes it', () => {
    const map = new ForkableMap<string, number>(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i] as const));
    const fork = map.fork();
    const order = inside(fork).order;
    fork.set('k10', -10);
    fork.set('k1500', -1500);
    assert.equal(inside(fork).order, order, 'the same order trie after two replacements');
    fork.set('k_new', 1);
    assert.notEqual(inside(fork).order, order, 'a new key takes a place');
    assert.deepEqual([...fork].slice(0, 1), [['k0', 0]]);
    assert.deepEqual([...fork].slice(10, 11), [['k10', -10]]);
  });

  it('keeps Map order and isolation down a chain of 5,000 forks (set, delete, set again)', () => {
    const next = random(5);
    let map = new ForkableMap<string, number>();
    let model = new Map<string, number>();
    const kept: Array<{ map: ForkableMap<string, number>; entries: Array<[string, number]> }> = [];
    for (let file = 0; file < 5000; file++) {
      map = map.fork();
      model = new Map(model);
      for (let change = 0; change < 4; change++) {
        const key = `t${Math.floor(next() * 800)}`;
        if (next() < 0.3) assert.equal(map.delete(key), model.delete(key), `delete ${key} at fork ${file}`);
        else {
          map.set(key, file);
          model.set(key, file);
        }
      }
      if (file % 250 === 0) kept.push({ map, entries: [...model] });
    }
    assert.deepEqual([...map], [...model]);
    assert.equal(map.size, model.size);
    for (const [i, k] of kept.entries()) {
      assert.deepEqual([...k.map], k.entries, `fork ${i * 250} unchanged by every later fork`);
      assert.equal(k.map.size, k.entries.length);
    }
  });

  it('keys whose hashes collide', () => {
    const [a, b] = ['rel_512789', 'rel_749192'];
    assert.equal(hashOf(a), hashOf(b), 'the two keys share a 32-bit hash');
    const map = new ForkableMap<string, number>(Array.from({ length: 100 }, (_, i) => [`x${i}`, i] as const));
    map.set(a, 1);
    const fork = map.fork();
    fork.set(b, 2);
    assert.equal(fork.get(a), 1);
    assert.equal(fork.get(b), 2);
    assert.equal(map.has(b), false, 'the original has no second key');
    fork.set(a, 10);
    assert.equal(map.get(a), 1);
    assert.equal(fork.delete(a), true);
    assert.equal(fork.get(b), 2);
    assert.equal(fork.has(a), false);
    fork.set(a, 3);
    assert.deepEqual([...fork].slice(-2), [[b, 2], [a, 3]]);
    assert.equal(fork.size, 102);
    assert.deepEqual([...map].slice(-1), [[a, 1]]);
  });

  it('keys that share a colliding pair\'s low hash bits go beside the collision, at any depth', () => {
    const [a, b] = ['rel_512789', 'rel_749192'];
    const h = hashOf(a);
    const candidates = Array.from({ length: 20_000 }, (_, i) => `near${i}`);
    // One key sharing the pair's first 5 bits (its slot in the root), one sharing the first 10.
    const five = candidates.find((k) => (hashOf(k) & 31) === (h & 31) && ((hashOf(k) >>> 5) & 31) !== ((h >>> 5) & 31))!;
    const ten = candidates.find((k) => (hashOf(k) & 1023) === (h & 1023))!;
    assert.ok(five && ten, 'keys found');
    const map = new ForkableMap<string, number>([[a, 1], [b, 2]]);
    const fork = map.fork();
    fork.set(five, 3);
    fork.set(ten, 4);
    assert.deepEqual([...fork], [[a, 1], [b, 2], [five, 3], [ten, 4]]);
    assert.deepEqual([...map], [[a, 1], [b, 2]], 'the original is untouched');
    assert.equal(fork.delete(b), true);
    assert.equal(fork.delete(a), true);
    assert.equal(fork.get(ten), 4);
    assert.equal(fork.get(five), 3);
    assert.equal(fork.has(a), false);
    fork.set(a, 5);
    assert.deepEqual([...fork], [[five, 3], [ten, 4], [a, 5]]);
    assert.equal(map.get(b), 2);
  });

  it('renumbers the order after many deletes: iteration stays O(size), order unchanged', () => {
    const next = random(9);
    const map = new ForkableMap<number, number>(Array.from({ length: 300 }, (_, i) => [i, i] as const));
    const model = new Map(map);
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(next() * 400);
      if (next() < 0.5) assert.equal(map.delete(key), model.delete(key));
      else {
        map.set(key, step);
        model.set(key, step);
      }
      assert.ok(inside(map).nextOrder <= 2 * model.size + 33, `order numbers stay near the size, step ${step}`);
    }
    assert.deepEqual([...map], [...model]);
  });
});
