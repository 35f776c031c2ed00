/**
 * A column-only edit (renaming the column an `ALTER TABLE t ADD COLUMN` adds) takes the patch path
 * (server/src/document/columnPatch.ts): only the later statements whose analysis read t are analysed
 * again, the rest are carried over. Each relint must equal a lint from scratch, the cross-statement
 * rules' verdicts included, and after any mix of such patches, ordinary ones and whole relints.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { catalogFromSql, EngineCache, explain, initEngine, lintText, type LintResult } from '../../server/src/engine';
import { Catalog } from '../../server/src/catalog/catalog';
import { changesSchema } from '../../server/src/document/columnPatch';
import { buildTraceOf } from '../../server/src/document/model';
import { relint as relintWith, TWO_TABLES } from './relintPair';
import { catalogDigest } from '../../server/src/fixes/window';
import { foldState, hashString } from '../../server/src/document/forwardState';
// @ts-ignore: a plain .mjs module
import { generateMigration } from '../../bench/migration.mjs';

const path = '/nonexistent/lockstep-columnpatch/V2__edit.sql';
const relint = (before: string, after: string, schema?: Catalog, patching = true) => relintWith(path, before, after, schema, patching);

/** The findings, the lock facts hovers show, and the schema after the file. */
function fingerprint(result: LintResult): string {
  const schema = JSON.stringify(JSON.parse(catalogDigest(result.document.catalog)), (key, value) => (key === 'location' ? undefined : value));
  return JSON.stringify({ findings: result.findings, impacts: explain(result), schema });
}

describe('a column-only edit is patched: only the statements that read its table are analysed again', function () {
  this.timeout(120_000);
  before(() => initEngine());

  it('a column renamed on table a: patched, one statement analysed, the five on b carried over', () => {
    const { second, stats, fresh } = relint(TWO_TABLES, TWO_TABLES.replace('ADD COLUMN note', 'ADD COLUMN note_renamed'));
    assert.equal(stats.patched, true);
    assert.equal(stats.analyzed, 1);
    assert.equal(stats.reusedAnalyses, 0, 'no lookup for the statements carried over');
    assert.equal(stats.linted, 1);
    assert.equal(fingerprint(second), fingerprint(fresh));
  });

  it('a later statement that reads the renamed column: analysed again, its verdict and findings as from scratch', () => {
    const schema = catalogFromSql('CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY, y varchar(10));\n', DEFAULT_CONFIG);
    const before = `ALTER TABLE a ADD COLUMN note varchar(10);
ALTER TABLE b ALTER COLUMN y TYPE varchar(20);
ALTER TABLE a ALTER COLUMN note TYPE varchar(20);
UPDATE b SET y = 'z' WHERE id < 10;
`;
    const { first, second, stats, fresh } = relint(before, before.replace('ADD COLUMN note', 'ADD COLUMN note2'), schema);
    assert.equal(fingerprint(second), fingerprint(fresh));
    const typeChange = (r: LintResult) => r.findings.filter((f) => f.statementIndex === 2).map((f) => f.ruleId);
    assert.deepEqual(typeChange(first), []);
    assert.deepEqual(typeChange(second), ['type-change-rewrite']);
    // Its lock facts changed (it may rewrite now): the lock indexes are rebuilt by a whole relint.
    assert.equal(stats.patched, false);
  });

  it('a later statement whose verdict changes but not its lock facts: patched, relinted, findings as from scratch', () => {
    const schema = catalogFromSql('CREATE TABLE a (id bigint PRIMARY KEY);\n', DEFAULT_CONFIG);
    const before = `ALTER TABLE a ADD COLUMN note text;
ALTER TABLE a ADD COLUMN IF NOT EXISTS note text;
SELECT 1;
`;
    const { first, second, stats, fresh } = relint(before, before.replace('ADD COLUMN note text', 'ADD COLUMN other text'), schema);
    assert.equal(fingerprint(second), fingerprint(fresh));
    assert.notEqual(JSON.stringify(explain(second)[1]), JSON.stringify(explain(first)[1]), 'the IF NOT EXISTS no longer skips');
    assert.equal(stats.patched, true);
    assert.equal(stats.changedLater, 1);
    assert.equal(stats.analyzed, 2);
  });

  it('a lock window quoting the renamed statement: the statements it is quoted in are relinted', () => {
    const schema = catalogFromSql('CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);\n', DEFAULT_CONFIG);
    const before = `SET lock_timeout = '2s';
BEGIN;
ALTER TABLE accounts ADD COLUMN status text;
UPDATE orders SET id = id + 1;
ALTER TABLE orders ADD COLUMN total numeric;
COMMIT;
`;
    const { first, second, stats, fresh } = relint(before, before.replace('ADD COLUMN status', 'ADD COLUMN state'), schema);
    assert.equal(stats.patched, true);
    assert.equal(fingerprint(second), fingerprint(fresh));
    const quoting = (r: LintResult, name: string) => r.findings.filter((f) => f.statementIndex !== 2 && f.message.includes(`ADD COLUMN ${name}`)).length;
    assert.ok(quoting(first, 'status') > 0, 'a later statement\'s finding quotes the edited one');
    assert.equal(quoting(second, 'state'), quoting(first, 'status'));
    assert.equal(quoting(second, 'status'), 0);
  });

  it('a RENAME or PARTITION OF after the edit that names the table: a whole relint', () => {
    const schema = catalogFromSql('CREATE TABLE p (id int, v text) PARTITION BY RANGE (id);\nCREATE TABLE a (id bigint PRIMARY KEY);\n', DEFAULT_CONFIG);
    const partition = `ALTER TABLE p ADD COLUMN note varchar(10);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
ALTER TABLE p1 ALTER COLUMN note TYPE varchar(20);
`;
    const renamed = `ALTER TABLE a ADD COLUMN note varchar(10);
ALTER TABLE a RENAME TO c;
ALTER TABLE c ALTER COLUMN note TYPE varchar(20);
`;
    for (const before of [partition, renamed]) {
      const { second, stats, fresh } = relint(before, before.replace('ADD COLUMN note', 'ADD COLUMN note2'), schema);
      assert.equal(stats.patched, false, before);
      assert.equal(fingerprint(second), fingerprint(fresh), before);
    }
  });

  it('after a column patch the kept checkpoints are stale in that table: an analysis reading it is never trusted from them', () => {
    const schema = catalogFromSql('CREATE TABLE t (id bigint PRIMARY KEY);\n', DEFAULT_CONFIG);
    // More schema changes between the two ADDs than a checkpoint spans (lazyCatalog.ts CHECKPOINT_EVERY).
    const fillers = Array.from({ length: 140 }, (_, i) => `CREATE TABLE filler_${i} (id int);`).join('\n');
    const v0 = `ALTER TABLE t ADD COLUMN c1 text;\n${fillers}\nALTER TABLE t ADD COLUMN c2 text;\nALTER TABLE t ADD COLUMN IF NOT EXISTS c1 text;\n`;
    const v1 = v0.replace('ADD COLUMN c1 text', 'ADD COLUMN c9 text');
    const v2 = v1.replace('ADD COLUMN c2 text', 'ADD COLUMN c3 text');
    const cache = new EngineCache();
    lintText(v0, { path, config: DEFAULT_CONFIG, cache, schema });
    const steps: [string, boolean][] = [
      [v1, true],
      // The schema before c2 comes from a checkpoint that still has c1: the IF NOT EXISTS reads t, so a whole relint.
      [v2, false],
    ];
    for (const [text, patched] of steps) {
      const result = lintText(text, { path, config: DEFAULT_CONFIG, cache, schema });
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG, schema })));
      assert.equal(cache.stats.patched, patched);
    }
  });

  it('a column renamed in a goose down section, and back: each relint equals a lint from scratch', () => {
    const goosePath = '/nonexistent/lockstep-columnpatch/20240101000000_down.sql';
    const v0 = `-- +goose Up
CREATE TABLE accounts (id bigint PRIMARY KEY);
ALTER TABLE accounts ADD COLUMN status text;
-- +goose Down
ALTER TABLE accounts ADD COLUMN note varchar(5);
ALTER TABLE accounts ALTER COLUMN note TYPE varchar(10);
ALTER TABLE accounts DROP COLUMN status;
`;
    const cache = new EngineCache();
    lintText(v0, { path: goosePath, config: DEFAULT_CONFIG, cache });
    for (const text of [v0.replace('ADD COLUMN note', 'ADD COLUMN other'), v0, v0.replace('ADD COLUMN status', 'ADD COLUMN state'), v0]) {
      const result = lintText(text, { path: goosePath, config: DEFAULT_CONFIG, cache });
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path: goosePath, config: DEFAULT_CONFIG })));
    }
  });

  it('folding a key into a fingerprint without its decimal text: the same number as hashing the text', () => {
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const keys = [1, 9, 10, 99, 100, 10_000, 999_999_999, 1_000_000_000, 1_000_000_001, 1_999_999_999, 4_000_000_000, 0xffffffff, 0x80000000];
    for (let i = 0; i < 20_000; i++) keys.push(((next() * 2) >>> 0) || 1);
    for (const key of keys) {
      const state = next();
      assert.equal(foldState(state, key), hashString(String(key), state), String(key));
    }
    assert.equal(foldState(5, 0), 5);
  });

  it("the statements that change the schema, read off the lazy replay's counts: the same as their kinds say", () => {
    const goose = `-- +goose Up
CREATE TABLE a (id bigint PRIMARY KEY);
ALTER TABLE a ADD COLUMN note text;
UPDATE a SET note = 'x';
-- +goose Down
ALTER TABLE a DROP COLUMN note;
DROP TABLE a;
`;
    const files = [
      { file: path, text: generateMigration(400).text },
      { file: '/nonexistent/lockstep-columnpatch/20240101000000_goose.sql', text: goose },
    ];
    for (const { file, text } of files) {
      const { document: doc } = lintText(text, { path: file, config: DEFAULT_CONFIG, cache: new EngineCache() });
      const trace = buildTraceOf(doc)!;
      let lazy = 0;
      doc.statements.forEach((stmt, i) => {
        if (trace.lazyKey[i] === -1) return;
        lazy++;
        assert.equal(changesSchema(trace, i, stmt), Catalog.changedBy(stmt.kind), `${file} statement ${i}: ${stmt.text}`);
      });
      assert.ok(lazy > 2, `${file}: ${lazy} lazy statements`);
    }
  });

  it('random column renames, comment edits and edits back in a long migration: each relint equals a lint from scratch', () => {
    const { text: start, lines, editable } = generateMigration(1_200);
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cache = new EngineCache();
    let text = start;
    lintText(text, { path, config: DEFAULT_CONFIG, cache });
    let patched = 0;
    let columnPatches = 0;
    const source = [...lines];
    for (let n = 0; n < 60; n++) {
      const choice = next();
      const line = choice < 0.6 ? editable['rename-column'][Math.floor(next() * editable['rename-column'].length)] : editable['comment-text'][Math.floor(next() * editable['comment-text'].length)];
      const was = source[line];
      // Renames to a fresh name, to a column the table has (name, status), back to the first name; comments.
      const names = [`note_x${n}`, 'name', 'status', 'note_0'];
      source[line] = choice < 0.6 ? was.replace(/ADD COLUMN \w+/, `ADD COLUMN ${names[Math.floor(next() * names.length)]}`) : was.replace(/'[^']*'/, `'edit ${n}'`);
      text = `${source.join('\n')}\n`;
      const result = lintText(text, { path, config: DEFAULT_CONFIG, cache });
      if (cache.stats.patched) patched++;
      if (cache.stats.patched && choice < 0.6 && source[line] !== was) columnPatches++;
      assert.equal(fingerprint(result), fingerprint(lintText(text, { path, config: DEFAULT_CONFIG })), `edit ${n}: ${source[line]}`);
    }
    assert.ok(columnPatches >= 20, `column renames patched: ${columnPatches}`);
    assert.ok(patched >= 40, `patched: ${patched}`);
  });
});
