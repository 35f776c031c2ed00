import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { hoverAt, initEngine, lintText } from '../../../server/src/engine';
import { baseName } from '../../../server/src/parse/ast';

describe('a quoted identifier containing "."', () => {
  before(() => initEngine());

  it('is one name, not schema-qualified, in lock effects and hovers', () => {
    const sql = 'CREATE TABLE orders (id int);\nCREATE TABLE "my.orders" (id int);\nALTER TABLE app."my.orders" ADD COLUMN c int NOT NULL DEFAULT 0;\nCREATE INDEX i ON "my.orders" (id);\n';
    const result = lintText(sql, { config: DEFAULT_CONFIG });
    assert.deepEqual(
      result.document.statements.map((s) => s.locks.effects.map((e) => e.object)),
      [['orders'], ['"my.orders"'], ['"my.orders"'], ['i', '"my.orders"']],
    );
    const hover = hoverAt(result, sql.indexOf('ALTER TABLE') + 2, DEFAULT_CONFIG) ?? '';
    assert.match(hover, /\| "my\.orders" \| ACCESS EXCLUSIVE \|/);
    assert.doesNotMatch(hover, /\| orders \|/);
  });

  it('baseName keeps a quoted dotted name whole and is idempotent', () => {
    assert.equal(baseName('app."my.orders"'), '"my.orders"');
    assert.equal(baseName(baseName('app."my.orders"')), '"my.orders"');
    assert.equal(baseName('"a""b.c"'), '"a""b.c"');
    assert.equal(baseName('app.orders'), 'orders');
  });
});
