/**
 * Why a trace could not replay a statement (grouped in reports), and the known differences that
 * depend on something other than the statement: objects made outside the migrations, code the
 * model does not read, statements the shadow database could not replay (docs/trace.md).
 * Observations are given, not replayed: these check the classification, not PostgreSQL.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText } from '../../../server/src/engine';
import { failureReason } from '../../../server/src/trace/failureReasons';
import { compareTrace } from '../../../server/src/trace/plan';
import type { StatementEffects } from '../../../server/src/trace/observe';
import { renderTraceText } from '../../../server/src/trace/render';

before(() => initEngine());

const SETUP = 'CREATE TABLE crates (id int PRIMARY KEY, name text);\nCREATE TABLE badges (crate_id int);\n';
const schema = () => lintText(SETUP, { config: DEFAULT_CONFIG }).document.catalog;
const none: StatementEffects = { locks: {}, rewritten: [], scanned: [] } as unknown as StatementEffects;
const RESPONSE = { serverVersion: '18', jobs: [], startupMs: 0 };

function compare(sql: string, observed: Array<StatementEffects | { error: string }>, failed: Array<{ sql: string; error: string }> = []) {
  const result = lintText(sql, { config: DEFAULT_CONFIG, path: 'V2__change.sql', schema: schema() });
  const steps = observed.map((o, index) =>
    'error' in o ? { index, outcome: 'failed' as const, error: o.error } : { index, outcome: 'observed' as const, effects: o },
  );
  return compareTrace(result, { setupFailures: [], steps }, RESPONSE, failed).statements;
}

describe('trace: why a statement could not be replayed', () => {
  it('names the missing extension, and traces a missing object back to the failed statement that would have made it', () => {
    const failed = [{ sql: 'CREATE EXTENSION pg_trgm;', error: 'extension "pg_trgm" is not available' }];
    assert.equal(failureReason(failed[0].error, []), 'PGlite lacks the extension pg_trgm');
    assert.equal(failureReason('could not open extension control file "/x/share/extension/postgis.control": No such file', []), 'PGlite lacks the extension postgis');
    assert.equal(failureReason('operator class "gin_trgm_ops" does not exist for access method "gin"', failed), 'needs an operator class that no replayed statement made');
    const later = [...failed, { sql: 'CREATE INDEX crates_trgm ON crates USING gin (name gin_trgm_ops);', error: 'x' }];
    assert.equal(failureReason('relation "crates_trgm" does not exist', later), 'depends on an earlier statement that could not be replayed');
    assert.equal(failureReason('relation "elsewhere" does not exist', later), 'needs a relation that no replayed statement made');
    assert.equal(failureReason('syntax error at or near "ALTER"', []), 'PostgreSQL: syntax error at or near "…"');
    assert.equal(failureReason('role "readonly" does not exist', []), 'a role the shadow database does not have');
  });

  it('each failed statement carries its reason, and the text report counts them by reason', () => {
    const sql = 'CREATE EXTENSION pg_trgm;\nCREATE EXTENSION postgis;\nCREATE INDEX crates_trgm ON crates USING gin (name gin_trgm_ops);\nDROP INDEX crates_trgm;';
    const statements = compare(sql, [
      { error: 'extension "pg_trgm" is not available' },
      { error: 'extension "postgis" is not available' },
      { error: 'operator class "gin_trgm_ops" does not exist for access method "gin"' },
      { error: 'index "crates_trgm" does not exist' },
    ]);
    assert.deepEqual(statements.map((s) => s.failureReason), [
      'PGlite lacks the extension pg_trgm',
      'PGlite lacks the extension postgis',
      'needs an operator class that no replayed statement made',
      'depends on an earlier statement that could not be replayed',
    ]);
    const text = renderTraceText([{ displayPath: 'V2__change.sql', text: sql, report: { engine: 'PostgreSQL 18', startupMs: 0, setupFailures: [], statements } }]);
    assert.ok(
      text.endsWith(
        '4 could not be replayed on the shadow database:\n  1 × depends on an earlier statement that could not be replayed\n  1 × needs an operator class that no replayed statement made\n' +
          '  1 × PGlite lacks the extension pg_trgm\n  1 × PGlite lacks the extension postgis\n',
      ),
      text,
    );
  });
});

describe('trace: differences explained by something other than the statement (docs/trace.md)', () => {
  it('absent-if-exists: DROP … IF EXISTS of an object no migration made locks nothing on the shadow database', () => {
    const [drop] = compare('DROP TABLE IF EXISTS schema_migrations;', [none]);
    assert.deepEqual(drop.differences, ['schema_migrations: model AccessExclusiveLock, observed no lock']);
    assert.deepEqual(drop.explained, ['absent-if-exists']);
    // The same observation for a table the migrations made, or without IF EXISTS, is a gap.
    assert.equal(compare('DROP TABLE IF EXISTS badges;', [none])[0].explained, undefined);
    assert.equal(compare('DROP TABLE schema_migrations;', [none])[0].explained, undefined);
    // Made earlier in the same file: known, so not explained.
    assert.equal(compare('CREATE TABLE t (id int);\nDROP TABLE IF EXISTS t;', [none, none])[1].explained, undefined);
    // A rename of an index made by hand (ALTER INDEX IF EXISTS … RENAME TO).
    assert.deepEqual(compare('ALTER INDEX IF EXISTS by_hand RENAME TO crates_by_name;', [none])[0].explained, ['absent-if-exists']);
  });

  it('unread-code-objects: DROP TRIGGER IF EXISTS after code the model does not read, which made no trigger', () => {
    const sql = "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;\nDROP TRIGGER IF EXISTS t ON crates;";
    const [, drop] = compare(sql, [none, none]);
    assert.deepEqual(drop.explained, ['unread-code-objects']);
    const text = renderTraceText([{ displayPath: 'V2__change.sql', text: sql, report: { engine: 'PostgreSQL 18', startupMs: 0, setupFailures: [], statements: [drop] } }]);
    assert.match(text, /depends on code the model does not read \(unread-code-objects; see docs\/trace\.md\)/);
  });

  it('not-replayed: an index the shadow database could not build is not locked by a later statement', () => {
    const failed = [{ sql: 'CREATE INDEX crates_trgm ON crates USING gin (name gin_trgm_ops);', error: 'operator class "gin_trgm_ops" does not exist' }];
    const result = lintText('CREATE INDEX crates_trgm ON crates USING gin (name gin_trgm_ops);', { config: DEFAULT_CONFIG, path: 'V1__trgm.sql', schema: schema() });
    const [drop] = compare('DROP INDEX crates_trgm;', [none], failed);
    assert.ok(result.document.catalog.relation('crates_trgm'));
    assert.equal(drop.agrees, false);
    // The schema given to compare() does not have the index, so the model predicts the drop of an unknown index on an unknown table.
    assert.deepEqual(drop.explained, ['not-replayed']);
    // A difference on a table the failed statement only reads is not explained by it.
    const [alter] = compare('ALTER TABLE crates ADD COLUMN c int;', [none], failed);
    assert.deepEqual(alter.differences, ['crates: model AccessExclusiveLock, observed no lock']);
    assert.equal(alter.explained, undefined);
  });

  it('planner-scan covers the query of CREATE MATERIALIZED VIEW', () => {
    const [mv] = compare('CREATE MATERIALIZED VIEW names AS SELECT name FROM crates;', [{ locks: { names: 'AccessExclusiveLock', crates: 'AccessShareLock', crates_pkey: 'AccessShareLock' }, rewritten: [], scanned: [] } as unknown as StatementEffects]);
    assert.deepEqual(mv.differences, ['crates: the model predicted a scan, none was observed']);
    assert.deepEqual(mv.explained, ['planner-scan']);
  });
});

describe('trace: unseen-objects on partitions a function made, which the file names', () => {
  const made = `CREATE TABLE wal (id int, k int) PARTITION BY HASH (k);
CREATE FUNCTION make_wal() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('CREATE TABLE %I PARTITION OF wal FOR VALUES WITH (MODULUS 1, REMAINDER 0)', 'wal_' || 0); END $$;
SELECT make_wal();
CREATE INDEX CONCURRENTLY wal_0_id_idx ON wal_0 (id);
CREATE INDEX wal_id_idx ON wal (id);`;
  const observed = { locks: { wal: 'ShareLock', wal_id_idx: 'AccessExclusiveLock', wal_0: 'ShareLock', wal_0_id_idx: 'ShareLock' }, rewritten: [], scanned: [] } as unknown as StatementEffects;

  it('the partition, and the index the file built on it, are explained: the model cannot know them', () => {
    const statements = compare(made, [none, none, none, none, observed]);
    assert.deepEqual(statements[4].differences, ['wal_0: model no lock, observed ShareLock', 'wal_0_id_idx: model no lock, observed ShareLock']);
    assert.deepEqual(statements[4].explained, ['unseen-objects']);
  });

  it('a partition the file itself creates is a gap when the model misses it', () => {
    const sql = made.replace('SELECT make_wal();', 'SELECT make_wal();\nCREATE TABLE wal_0 (id int, k int);');
    const statements = compare(sql, [none, none, none, none, none, observed]);
    assert.equal(statements[5].agrees, false);
    assert.equal(statements[5].explained, undefined);
  });
});
