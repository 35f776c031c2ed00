/**
 * The engine reuses a statement's lock analysis and its cacheable rules' hits when nothing they read
 * of the schema changed (server/src/document/readVersions.ts, ruleReuse.ts), not only when every
 * earlier statement is the same: a
 * column renamed on one table keeps the analyses of later statements on other tables. Whatever it
 * reuses, each relint must equal a lint from scratch, and a statement that reads the changed
 * relation (directly, through a partition's copy or a renamed table) must be analysed again.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { catalogFromSql, EngineCache, explain, initEngine, lintText, type LintResult } from '../../server/src/engine';
import type { Catalog } from '../../server/src/catalog/catalog';
import { relint as relintWith, TWO_TABLES } from './relintPair';
import { columnsOnlyTarget } from '../../server/src/document/readVersions';
import { parseChunk } from '../../server/src/parse/pgParser';
import type { AstNode } from '../../server/src/parse/ast';

const path = '/nonexistent/lockstep-readsets/V2__edit.sql';
const relint = (before: string, after: string, schema?: Catalog, patching = true) => relintWith(path, before, after, schema, patching);

/** The findings and the lock facts hovers show. */
function fingerprint(result: LintResult): string {
  return JSON.stringify({ findings: result.findings, impacts: explain(result) });
}

function ast(sql: string): AstNode {
  const outcome = parseChunk({ kind: 'sql', text: sql, span: { start: 0, end: sql.length } } as Parameters<typeof parseChunk>[0]);
  assert.ok(outcome.ok);
  return outcome.statements[0].ast as AstNode;
}

describe('lock analyses and rule hits reused by what they read of the schema', () => {
  before(() => initEngine());

  it('a column renamed on table a: the later statements on table b keep their analyses', () => {
    // A whole relint (a column-only edit is patched otherwise: columnPatch.test.ts).
    const { second, stats, fresh } = relint(TWO_TABLES, TWO_TABLES.replace('ADD COLUMN note', 'ADD COLUMN note_renamed'), undefined, false);
    assert.equal(stats.patched, false);
    // Only the edited statement: the five after it read b, whose version did not move.
    assert.equal(stats.analyzed, 1);
    assert.equal(stats.reusedByReads, 5);
    // And their cacheable rules' hits.
    assert.equal(stats.linted, 1);
    assert.equal(stats.reusedLintsByReads, 5);
    assert.equal(fingerprint(second), fingerprint(fresh));
  });

  it('a later statement on table a that reads the renamed column is analysed again, and its findings change', () => {
    // The table comes from earlier migrations, so its type change is reported.
    const schema = catalogFromSql('CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY, y varchar(10));\n', DEFAULT_CONFIG);
    const before = `ALTER TABLE a ADD COLUMN note varchar(10);
ALTER TABLE b ALTER COLUMN y TYPE varchar(20);
ALTER TABLE a ALTER COLUMN note TYPE varchar(20);
UPDATE b SET y = 'z' WHERE id < 10;
`;
    const { first, second, stats, fresh } = relint(before, before.replace('ADD COLUMN note', 'ADD COLUMN note2'), schema, false);
    // The edited statement and the type change on a; the statements on b are kept (a whole relint).
    assert.equal(stats.analyzed, 2);
    assert.equal(stats.reusedByReads, 2);
    assert.equal(stats.linted, 2, 'the rules run again on the statements analysed again');
    assert.equal(fingerprint(second), fingerprint(fresh));
    const typeChange = (r: LintResult) => r.findings.filter((f) => f.statementIndex === 2).map((f) => f.ruleId);
    assert.deepEqual(typeChange(first), [], 'varchar(10) to varchar(20) of a known column: no rewrite');
    assert.deepEqual(typeChange(second), ['type-change-rewrite'], 'the column is no longer known: it may rewrite');
  });

  it('columns copied to a partition or moved by a table rename: the statements reading them are analysed again', () => {
    const schema = catalogFromSql('CREATE TABLE p (id int, v text) PARTITION BY RANGE (id);\nCREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint);\n', DEFAULT_CONFIG);
    const partition = `ALTER TABLE p ADD COLUMN note varchar(10);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
ALTER TABLE b ADD COLUMN other text;
ALTER TABLE p1 ALTER COLUMN note TYPE varchar(20);
`;
    const renamed = `ALTER TABLE a ADD COLUMN note varchar(10);
ALTER TABLE a RENAME TO c;
ALTER TABLE b ADD COLUMN other text;
ALTER TABLE c ALTER COLUMN note TYPE varchar(20);
`;
    for (const before of [partition, renamed]) {
      const { first, second, fresh } = relint(before, before.replace('ADD COLUMN note', 'ADD COLUMN note2'), schema);
      assert.equal(fingerprint(second), fingerprint(fresh), before);
      assert.notEqual(fingerprint(second), fingerprint(first), 'the last statement sees another schema');
    }
  });

  it('an edit that changes nothing the later statements read, then back: each relint equals a lint from scratch', () => {
    const texts = [
      TWO_TABLES,
      TWO_TABLES.replace('ADD COLUMN note varchar(10)', 'ADD COLUMN note varchar(10) NOT NULL'),
      TWO_TABLES.replace('ADD COLUMN note', 'ADD COLUMN y'),
      // The same column name on b now: b's later statements read another schema.
      TWO_TABLES.replace('ALTER TABLE a ADD COLUMN note', 'ALTER TABLE b ADD COLUMN note'),
      TWO_TABLES.replace('ALTER TABLE a ADD COLUMN note varchar(10)', 'ALTER TABLE b DROP COLUMN y'),
      TWO_TABLES.replace('ALTER TABLE a ADD COLUMN note varchar(10)', 'ALTER TABLE b RENAME COLUMN y TO w'),
      TWO_TABLES,
    ];
    const cache = new EngineCache();
    for (const text of texts) {
      const result = lintText(text, { path, config: DEFAULT_CONFIG, cache });
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), text);
    }
  });

  it('only ALTER TABLE commands that change nothing but that table\'s columns move a single relation\'s version', () => {
    assert.equal(columnsOnlyTarget(ast('ALTER TABLE s.a ADD COLUMN c text NOT NULL DEFAULT \'x\'')), 'a');
    assert.equal(columnsOnlyTarget(ast('ALTER TABLE a ALTER COLUMN c SET NOT NULL, ALTER COLUMN d TYPE int')), 'a');
    for (const sql of [
      'ALTER TABLE a ADD COLUMN c serial',
      'ALTER TABLE a ADD COLUMN c bigint GENERATED ALWAYS AS IDENTITY',
      'ALTER TABLE a ADD COLUMN c int PRIMARY KEY',
      'ALTER TABLE a ADD COLUMN c int UNIQUE',
      'ALTER TABLE a ADD COLUMN c int REFERENCES b (id)',
      'ALTER TABLE a ADD COLUMN c int CHECK (c > 0)',
      'ALTER TABLE a ADD COLUMN c text, ADD CONSTRAINT k CHECK (c <> \'\')',
      'ALTER TABLE a DROP COLUMN c',
      'ALTER TABLE a RENAME COLUMN c TO d',
      'CREATE INDEX i ON a (c)',
    ]) assert.equal(columnsOnlyTarget(ast(sql)), undefined, sql);
  });
});
