/**
 * createdEarlier / schemasNaming: the schema a statement names a relation in decides whether the
 * relation is new in this migration. schemasNaming is memoised per statement and name (several
 * rules ask the same question), so the answers must still differ by name and by statement.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { createdEarlier, schemasNaming } from '../../../server/src/document/model';
import { initEngine, lintText } from '../../../server/src/engine';

before(() => initEngine({ hostGrammars: false }));

describe('createdEarlier and schemasNaming', () => {
  const sql = [
    'CREATE TABLE admin.users (id int);',
    'CREATE TABLE orders (id int);',
    'ALTER TABLE admin.users ADD COLUMN a int, ALTER COLUMN id SET NOT NULL;',
    'ALTER TABLE users ADD COLUMN b int;',
    'CREATE INDEX orders_id ON public.orders (id);',
  ].join('\n');
  let doc: ReturnType<typeof lintText>['document'];
  before(() => {
    doc = lintText(sql, { config: DEFAULT_CONFIG }).document;
    assert.equal(doc.statements.length, 5);
  });

  it('answers per name and per statement, asked in any order and again', () => {
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(schemasNaming(doc.statements[2].ast, 'users'), ['admin']);
      assert.deepEqual(schemasNaming(doc.statements[2].ast, 'orders'), [undefined]);
      assert.deepEqual(schemasNaming(doc.statements[3].ast, 'users'), [undefined]);
      assert.deepEqual(schemasNaming(doc.statements[4].ast, 'orders'), ['public']);
    }
  });

  it('admin.users is new for the statement that names admin.users, not for the one that names public users', () => {
    for (let round = 0; round < 2; round++) {
      assert.equal(createdEarlier(doc, 'users', 2), true);
      assert.equal(createdEarlier(doc, 'users', 3), false);
      assert.equal(createdEarlier(doc, 'orders', 4), true);
      assert.equal(createdEarlier(doc, 'orders', 1), false, 'not before it was created');
    }
  });
});
