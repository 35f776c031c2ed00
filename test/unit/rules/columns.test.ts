/** definedColumns: what six column-type rules read, computed once per statement and shared read-only. */
import assert from 'node:assert/strict';
import { definedColumns, retypedColumns } from '../../../server/src/rules/columns';
import { lint } from '../../support/lint';

describe('definedColumns', () => {
  it('lists the columns a CREATE TABLE or ADD COLUMN defines, once per statement, frozen', async () => {
    const { document } = await lint(
      'CREATE TABLE t (id bigserial PRIMARY KEY, owner bigint REFERENCES u (id), note varchar(20) NOT NULL, PRIMARY KEY (id));\n' +
        'ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS IDENTITY, ADD COLUMN b text;\n' +
        'INSERT INTO t (note) VALUES (1);',
    );
    const [create, alter, insert] = document.statements;
    const columns = definedColumns(create);
    assert.equal(definedColumns(create), columns, 'the same answer for the same statement');
    assert.ok(Object.isFrozen(columns), 'frozen: one rule cannot change what the next one reads');
    assert.deepEqual(
      columns.map((c) => [c.table, c.name, c.type.name, c.primaryKey, c.identity, c.references, c.added]),
      [
        ['t', 'id', 'serial8', true, false, false, false],
        ['t', 'owner', 'int8', false, false, true, false],
        ['t', 'note', 'varchar', false, false, false, false],
      ],
    );
    assert.deepEqual(definedColumns(alter).map((c) => [c.name, c.identity, c.added]), [['a', true, true], ['b', false, true]]);
    assert.deepEqual(definedColumns(insert), []);
  });
});

describe('retypedColumns', () => {
  it('lists the columns an ALTER COLUMN … TYPE retypes, once per statement, frozen', async () => {
    const { document } = await lint(
      'CREATE TABLE t (a int, b json, c timestamp);\n' +
        'ALTER TABLE t ALTER COLUMN a TYPE bigint, ADD COLUMN d int, ALTER COLUMN b TYPE jsonb;\n' +
        'INSERT INTO t (a) VALUES (1);',
    );
    const [create, alter, insert] = document.statements;
    const columns = retypedColumns(alter);
    // prefer-jsonb and prefer-timestamptz both ask about every ALTER TABLE: the second asks for the first's answer.
    assert.equal(retypedColumns(alter), columns, 'the same answer for the same statement');
    assert.ok(Object.isFrozen(columns), 'frozen: one rule cannot change what the next one reads');
    assert.deepEqual(columns.map((c) => [c.table, c.name, c.type.name]), [['t', 'a', 'int8'], ['t', 'b', 'jsonb']]);
    assert.deepEqual(retypedColumns(create), []);
    assert.deepEqual(retypedColumns(insert), []);
  });
});
