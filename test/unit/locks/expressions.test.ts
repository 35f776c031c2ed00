import assert from 'node:assert/strict';
import { parseSync } from 'libpg-query';
import { initEngine } from '../../../server/src/engine';
import { defaultVolatility, typeChangeRewrites } from '../../../server/src/locks/expressions';
import { typeInfo, type AstNode } from '../../../server/src/parse/ast';

before(() => initEngine());

/** The DEFAULT expression of `ALTER TABLE t ADD COLUMN c <type> DEFAULT <expr>`. */
function defaultOf(expr: string): AstNode {
  const stmt = parseSync(`ALTER TABLE t ADD COLUMN c text DEFAULT ${expr}`).stmts![0].stmt as AstNode;
  return stmt.AlterTableStmt.cmds[0].AlterTableCmd.def.ColumnDef.constraints[0].Constraint.raw_expr;
}

function type(sql: string) {
  const stmt = parseSync(`ALTER TABLE t ALTER COLUMN c TYPE ${sql}`).stmts![0].stmt as AstNode;
  return typeInfo(stmt.AlterTableStmt.cmds[0].AlterTableCmd.def.ColumnDef.typeName);
}

describe('default volatility', () => {
  for (const expr of ['true', "ARRAY[]::text[]", 'CURRENT_TIMESTAMP', "now() - interval '1 day'", "'{}'::jsonb", '0', "lower('X')"]) {
    it(`${expr} is not volatile`, () => assert.equal(defaultVolatility(defaultOf(expr)).volatile, false));
  }
  for (const expr of ['random()', 'gen_random_uuid()', 'clock_timestamp()', "nextval('s')", 'random() * 10']) {
    it(`${expr} is volatile`, () => assert.equal(defaultVolatility(defaultOf(expr)).volatile, true));
  }
  it('an unknown function is "maybe", naming it', () => {
    assert.deepEqual(defaultVolatility(defaultOf('my_func()')), { volatile: 'maybe', culprit: 'my_func()' });
  });
});

describe('type changes that rewrite', () => {
  const opts = { pgVersion: 16 };
  const cases: Array<[string, string, boolean | 'maybe']> = [
    ['varchar(100)', 'varchar(200)', false],
    ['varchar(100)', 'varchar', false],
    ['varchar(100)', 'text', false],
    ['text', 'varchar', false],
    ['numeric(10,2)', 'numeric(12,2)', false],
    ['numeric(10,2)', 'numeric', false],
    ['cidr', 'inet', false],
    ['varchar(200)', 'varchar(100)', true],
    ['numeric(10,2)', 'numeric(12,4)', true],
    ['int', 'bigint', true],
    ['text', 'jsonb', true],
    ['timestamp', 'timestamptz', 'maybe'],
  ];
  for (const [from, to, rewrites] of cases) {
    it(`${from} → ${to}: ${rewrites}`, () => assert.equal(typeChangeRewrites(type(from), type(to), opts).rewrite, rewrites));
  }
  it('timestamp → timestamptz depends on TimeZone, and always rewrites before PG 12', () => {
    assert.equal(typeChangeRewrites(type('timestamp'), type('timestamptz'), { pgVersion: 16, timeZoneIsUtc: true }).rewrite, false);
    assert.equal(typeChangeRewrites(type('timestamp'), type('timestamptz'), { pgVersion: 11, timeZoneIsUtc: true }).rewrite, true);
    assert.match(typeChangeRewrites(type('timestamp'), type('timestamptz'), opts).reason, /TimeZone is UTC/);
  });
  it('without the current type, text is "maybe" and bigint is a rewrite', () => {
    assert.equal(typeChangeRewrites(undefined, type('text'), opts).rewrite, 'maybe');
    assert.equal(typeChangeRewrites(undefined, type('bigint'), opts).rewrite, true);
  });
});
