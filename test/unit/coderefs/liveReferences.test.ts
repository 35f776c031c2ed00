/** The language server's copy of the index: lookups stay right as the worker replaces files after the first lookup grouped them. */
import assert from 'node:assert/strict';
import { LiveReferences } from '../../../server/src/coderefs/liveReferences';
import type { FileRefs, ShippedReference } from '../../../server/src/coderefs/protocol';

const ref = (table: string, line: number, rest: Partial<ShippedReference> = {}): ShippedReference => ({
  start: 0, end: 1, table, access: 'read', source: 'sql-string', line, column1: 1, endLine: line, endColumn1: 2, ...rest,
});
const file = (name: string, references: ShippedReference[]): FileRefs => ({ file: `/ws/${name}`, path: name, references });
const where = (live: LiveReferences, table: string, column?: string) => live.lookup(table, column).references.map((r) => `${r.path}:${r.line}`).sort();

describe('LiveReferences', () => {
  it('answers by table and column, "every column" references included unless the column is ignored', () => {
    const live = new LiveReferences();
    live.replaceFiles([
      file('a.ts', [ref('users', 1, { column: 'email' }), ref('users', 2, { column: 'name' })]),
      file('b.rb', [ref('users', 3, { everyColumn: true, exceptColumns: ['name'] }), ref('posts', 4)]),
    ]);
    assert.deepEqual(where(live, 'users', 'email'), ['a.ts:1', 'b.rb:3']);
    assert.deepEqual(where(live, 'users', 'name'), ['a.ts:2']);
    assert.deepEqual(where(live, 'posts'), ['b.rb:4']);
    assert.equal(live.lookup('users', 'email').references[0].file, '/ws/a.ts');
  });

  it('keeps its grouping up to date when a file changes, loses its references, or appears after the first lookup', () => {
    const live = new LiveReferences();
    live.replaceFiles([file('a.ts', [ref('users', 1, { column: 'email' })]), file('b.ts', [ref('users', 5, { column: 'email' })])]);
    assert.deepEqual(where(live, 'users', 'email'), ['a.ts:1', 'b.ts:5']);
    live.replaceFiles([file('a.ts', [ref('users', 9, { column: 'login' }), ref('orders', 2)])]);
    assert.deepEqual(where(live, 'users', 'email'), ['b.ts:5']);
    assert.deepEqual(where(live, 'users', 'login'), ['a.ts:9']);
    live.replaceFiles([file('b.ts', []), file('c.ts', [ref('orders', 7)])]);
    assert.deepEqual(where(live, 'users'), ['a.ts:9']);
    assert.deepEqual(where(live, 'orders'), ['a.ts:2', 'c.ts:7']);
  });
});
