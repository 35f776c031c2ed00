/**
 * What a one-shot lint builds per file besides its statements' own work: the 20,000-file Flyway
 * folder pays it 20,000 times. A Flyway file's pre-pass (does any statement need a transaction?)
 * reads one shared empty schema instead of building one per file, and a CREATE TABLE's key names
 * (asked by that pre-pass, the statement's lock analysis and the schema replay) are worked out once.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogCounts, keyNameCounts, tableKeyNames } from '../../../server/src/catalog/catalog';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { parseSync } from 'libpg-query';

before(() => initEngine({ hostGrammars: false }));

function counted<T>(counter: { [k: string]: number }, key: string, run: () => T): { value: T; count: number } {
  const before = counter[key];
  const value = run();
  return { value, count: counter[key] - before };
}

describe('per-file setup of a one-shot lint', () => {
  const schema = catalogFromSql('CREATE TABLE t0 (id bigint PRIMARY KEY, name text);', DEFAULT_CONFIG);
  const file = (i: number) =>
    [`CREATE TABLE t${i} (id bigint PRIMARY KEY, name text UNIQUE);`, `CREATE INDEX t${i}_name_idx ON t${i} (name);`, `ALTER TABLE t0 ADD COLUMN c${i} text;`].join('\n');

  it('a Flyway file builds one schema (its copy of the one before it), none for the transaction pre-pass', () => {
    lintText(file(99), { path: '/m/V99__step.sql', config: DEFAULT_CONFIG, schema });
    for (let i = 1; i <= 5; i++) {
      const { value, count } = counted(catalogCounts, 'built', () => lintText(file(i), { path: `/m/V${i}__step.sql`, config: DEFAULT_CONFIG, schema }));
      assert.equal(value.document.runner, 'flyway');
      assert.equal(count, 1, `file ${i}`);
      assert.ok(value.document.catalog.relation(`t${i}_pkey`) && value.document.catalog.relation(`t${i}_name_key`));
    }
  });

  it("the pre-pass's shared schema stays empty, and the verdict is the same as with a schema of its own", () => {
    const concurrent = lintText('CREATE INDEX CONCURRENTLY i ON t0 (name);\nCREATE INDEX CONCURRENTLY j ON t0 (id);', { path: '/m/V9__idx.sql', config: DEFAULT_CONFIG, schema });
    assert.equal(concurrent.document.statements[0].inTransaction, false);
    const wrapped = lintText(file(7), { path: '/m/V7__step.sql', config: DEFAULT_CONFIG, schema });
    assert.equal(wrapped.document.statements[0].inTransaction, true);
    const again = lintText('CREATE INDEX CONCURRENTLY k ON t0 (name);', { path: '/m/V10__idx.sql', config: DEFAULT_CONFIG });
    assert.equal(again.document.statements[0].inTransaction, false);
    assert.equal(again.document.catalog.relation('t7'), undefined);
  });

  it("a CREATE TABLE's key names are worked out once per lint", () => {
    const { value, count } = counted(keyNameCounts, 'computed', () => lintText(file(11), { path: '/m/V11__step.sql', config: DEFAULT_CONFIG, schema }));
    assert.equal(value.document.runner, 'flyway');
    assert.equal(count, 1);
  });

  it('key names are kept per element list and table name', () => {
    const elements = (parseSync('CREATE TABLE a (id int PRIMARY KEY UNIQUE, x text UNIQUE);').stmts![0].stmt as { CreateStmt: { tableElts: unknown } }).CreateStmt.tableElts;
    const first = tableKeyNames('a', elements);
    assert.equal(tableKeyNames('a', elements), first);
    const other = tableKeyNames('b', elements);
    assert.notEqual(other, first);
    assert.deepEqual([...first.values()].sort(), ['a_pkey', 'a_x_key', null].sort());
    assert.deepEqual([...other.values()].sort(), ['b_pkey', 'b_x_key', null].sort());
  });
});
