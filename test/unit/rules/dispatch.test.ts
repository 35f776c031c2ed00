/**
 * Rule dispatch by statement kind (server/src/rules/dispatch.ts): a rule that lists `kinds` is run
 * only on statements of those kinds, so it must never flag any other kind. Checked by running every
 * such rule directly on every statement of every SQL file and rule example in the repository, and
 * by counting how many rules the engine visits per statement.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG, type LockstepConfig } from '../../../server/src/config/types';
import { catalogFromSql, EngineCache, initEngine, lintText } from '../../../server/src/engine';
import { RULES } from '../../../server/src/rules';
import { dispatchFor, RuleDispatch } from '../../../server/src/rules/dispatch';

const ROOT = resolve(__dirname, '../../..');

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sqlFilesUnder(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  );
}

/** Statements of kinds the examples rarely use, each next to the objects they touch. */
const MANY_KINDS = `
CREATE TABLE orders (id int PRIMARY KEY, note varchar(20), at timestamp, data json);
CREATE SEQUENCE order_ids;
ALTER SEQUENCE order_ids RESTART;
CREATE TYPE mood AS ENUM ('a');
ALTER TYPE mood ADD VALUE 'b';
ALTER TYPE mood RENAME TO feeling;
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA app;
ALTER TABLE orders SET SCHEMA app;
ALTER INDEX orders_pkey RENAME TO orders_key;
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t BEFORE INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION f();
DROP TRIGGER t ON app.orders;
COMMENT ON TABLE app.orders IS 'x';
GRANT SELECT ON app.orders TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
REFRESH MATERIALIZED VIEW mv;
CREATE POLICY p ON app.orders USING (true);
LOCK TABLE app.orders IN ACCESS EXCLUSIVE MODE;
CLUSTER app.orders USING orders_key;
VACUUM FULL app.orders;
ANALYZE app.orders;
DO $$ BEGIN PERFORM 1; END $$;
SELECT set_config('lock_timeout', '1s', false);
SET session_replication_role = replica;
RESET lock_timeout;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON app.orders (id);
REINDEX INDEX CONCURRENTLY i;
ALTER TABLE app.orders DETACH PARTITION x CONCURRENTLY;
CREATE PUBLICATION pub FOR TABLE app.orders;
ALTER TABLE app.orders REPLICA IDENTITY NOTHING;
CREATE TABLE copy_of (LIKE app.orders);
INSERT INTO copy_of SELECT * FROM app.orders;
UPDATE copy_of SET note = 'x';
DELETE FROM copy_of;
TRUNCATE copy_of;
ALTER TABLE copy_of RENAME COLUMN note TO remark;
ALTER SCHEMA app RENAME TO application;
DROP SCHEMA application CASCADE;
DROP DATABASE gone;
`;

/** Every SQL text at hand: rule examples (with their setup) and the repository's .sql files. */
function samples(): { name: string; sql: string; setup?: string; path?: string }[] {
  const fromRules = RULES.flatMap((r) => [
    { name: `${r.id} flagged example`, sql: r.examples.flagged, setup: r.examples.setup },
    { name: `${r.id} clean example`, sql: r.examples.clean, setup: r.examples.setup },
  ]);
  const files = [...sqlFilesUnder(join(ROOT, 'examples')), ...sqlFilesUnder(join(ROOT, 'test'))].map((path) => ({
    name: path.slice(ROOT.length + 1),
    sql: readFileSync(path, 'utf8'),
    path,
  }));
  const sinks = [
    { name: 'many kinds, autocommit', sql: MANY_KINDS },
    { name: 'many kinds, in a transaction', sql: `BEGIN;\n${MANY_KINDS}\nCOMMIT;\nSELECT 1;\n` },
    { name: 'many kinds, goose down section', sql: `-- +goose Up\n${MANY_KINDS}\n-- +goose Down\n${MANY_KINDS}` },
  ];
  return [...fromRules, ...files, ...sinks];
}

describe('rule dispatch by statement kind', function () {
  // Hundreds of lints: minutes on a 2-core machine shared with other jobs (a guard, not a measurement).
  this.timeout(600_000);
  before(() => initEngine());

  it('no rule flags a statement of a kind it does not list (every example and .sql file in the repository)', () => {
    const strict: LockstepConfig = { ...DEFAULT_CONFIG, extends: 'lockstep:strict' };
    const narrowed = RULES.filter((r) => r.kinds);
    assert.ok(narrowed.length >= 30, `most rules name their kinds (${narrowed.length})`);
    let checked = 0;
    const kindsSeen = new Set<string>();
    for (const sample of samples()) {
      // pgVersion 11 as well (examples and the many-kinds samples): version-dependent rules take other branches there.
      for (const config of sample.path ? [strict] : [strict, { ...strict, pgVersion: 11 }]) {
        const schema = sample.setup ? catalogFromSql(sample.setup, config) : undefined;
        const { document } = lintText(sample.sql, { config, schema, path: sample.path });
        for (const stmt of document.statements) {
          kindsSeen.add(stmt.kind);
          for (const rule of narrowed) {
            if (rule.kinds!.includes(stmt.kind)) continue;
            checked++;
            const hits = rule.check(stmt, { doc: document, config });
            assert.deepEqual(hits, [], `${rule.id} flagged a ${stmt.kind} (not in its kinds) in ${sample.name}: ${stmt.text}`);
          }
        }
      }
    }
    assert.ok(kindsSeen.size >= 35, `the samples cover many statement kinds (${[...kindsSeen].join(', ')})`);
    assert.ok(checked > 10_000, `checked ${checked} rule/statement pairs`);
  });

  it('visits only the rules that can flag the statement, in registry order', () => {
    const dispatch = new RuleDispatch(DEFAULT_CONFIG);
    const everywhere = RULES.filter((r) => !r.kinds && !r.defaultOff).map((r) => r.id);
    const forInsert = dispatch.forKind('InsertStmt');
    assert.deepEqual([...forInsert.cacheable, ...forInsert.uncached].map((r) => r.id).sort(), [...everywhere].sort());
    const forAlter = dispatch.forKind('AlterTableStmt');
    const alterIds = [...forAlter.cacheable, ...forAlter.uncached].map((r) => r.id);
    assert.ok(alterIds.includes('set-not-null') && alterIds.includes('volatile-default'));
    assert.ok(!alterIds.includes('truncate') && !alterIds.includes('require-concurrent-index'));
    // Registry order within each group: findings at the same span keep the order they had.
    const order = (ids: string[]) => ids.map((id) => RULES.findIndex((r) => r.id === id));
    for (const ids of [forAlter.cacheable.map((r) => r.id), forAlter.uncached.map((r) => r.id)]) {
      assert.deepEqual(order(ids), [...order(ids)].sort((a, b) => a - b));
    }
  });

  it('a rule turned off in the config is not visited at all', () => {
    const config: LockstepConfig = { ...DEFAULT_CONFIG, rules: { ...DEFAULT_CONFIG.rules, 'set-not-null': 'off', 'identifier-too-long': 'off' } };
    const rules = new RuleDispatch(config).forKind('AlterTableStmt');
    const ids = [...rules.cacheable, ...rules.uncached].map((r) => r.id);
    assert.ok(!ids.includes('set-not-null') && !ids.includes('identifier-too-long'));
    assert.ok(ids.includes('volatile-default'));
  });

  it('the engine visits (rules without kinds) per INSERT and more per ALTER TABLE (counted, not timed)', () => {
    const dispatch = new RuleDispatch(DEFAULT_CONFIG);
    const count = (kind: string) => {
      const r = dispatch.forKind(kind);
      return r.cacheable.length + r.uncached.length;
    };
    const cache = new EngineCache();
    const inserts = Array.from({ length: 20 }, (_, i) => `INSERT INTO t VALUES (${i});`).join('\n');
    lintText(`CREATE TABLE t (id int);\n${inserts}\nALTER TABLE t ADD COLUMN c int;\n`, { config: DEFAULT_CONFIG, cache });
    assert.equal(cache.stats.ruleVisits, count('CreateStmt') + 20 * count('InsertStmt') + count('AlterTableStmt'));
    const enabled = RULES.filter((r) => !r.defaultOff).length;
    assert.ok(count('InsertStmt') < enabled / 2, `an INSERT visits ${count('InsertStmt')} of ${enabled} rules`);
  });

  it('one dispatch per distinct rule settings: shared by equal configs, never reused for a config changed in place', () => {
    const ids = (config: LockstepConfig) => {
      const r = dispatchFor(config).forKind('AlterTableStmt');
      return [...r.cacheable, ...r.uncached].map((rule) => rule.id);
    };
    const a: LockstepConfig = { ...DEFAULT_CONFIG, rules: { ...DEFAULT_CONFIG.rules } };
    const b: LockstepConfig = { ...DEFAULT_CONFIG, rules: { ...DEFAULT_CONFIG.rules }, pgVersion: 11 };
    assert.equal(dispatchFor(a), dispatchFor(b), 'same rule settings, other config object: one dispatch');
    assert.ok(ids(a).includes('set-not-null'));
    a.rules['set-not-null'] = 'off';
    assert.notEqual(dispatchFor(a), dispatchFor(b));
    assert.ok(!ids(a).includes('set-not-null'), 'the change in place is seen');
    assert.ok(ids(b).includes('set-not-null'));
    const styleOff: LockstepConfig = { ...DEFAULT_CONFIG, categories: { style: 'off' } };
    assert.ok(!ids(styleOff).includes('prefer-identity') && ids(b).includes('prefer-identity'), 'categories are part of the key');
    const strict: LockstepConfig = { ...DEFAULT_CONFIG, extends: 'lockstep:strict' };
    const offByDefault = RULES.find((r) => r.defaultOff)!;
    const kind = offByDefault.kinds?.[0] ?? 'AlterTableStmt';
    const visits = (config: LockstepConfig) => Object.values(dispatchFor(config).forKind(kind)).flat().map((r) => r.id);
    assert.ok(visits(strict).includes(offByDefault.id) && !visits(b).includes(offByDefault.id), 'extends is part of the key');
    // Same answers as a dispatch built for the config itself.
    for (const config of [a, b, styleOff, strict]) for (const kind of ['AlterTableStmt', 'InsertStmt', 'CreateStmt', 'IndexStmt']) {
      assert.deepEqual(dispatchFor(config).forKind(kind), new RuleDispatch(config).forKind(kind), kind);
    }
  });

  it('every cross-statement or code-reading rule says what else its verdict reads (Rule.reach), for the engine\'s patch path', () => {
    const silent = RULES.filter((r) => (r.crossStatement || r.usesCode) && !r.reach).map((r) => r.id);
    assert.deepEqual(silent, []);
    assert.ok(new RuleDispatch(DEFAULT_CONFIG).reach);
  });

  it('one enabled rule without a reach: the dispatch has none, so the engine never patches a relint', () => {
    const cross = RULES.filter((r) => r.crossStatement);
    const silent = { ...cross[0], id: cross[0].id, reach: undefined };
    assert.equal(new RuleDispatch(DEFAULT_CONFIG, [...cross.slice(1), silent]).reach, undefined);
    assert.ok(new RuleDispatch(DEFAULT_CONFIG, cross).reach);
    const merged = new RuleDispatch(DEFAULT_CONFIG, cross).reach!;
    assert.equal(merged.previous, 'pastSets');
    assert.ok(merged.next && merged.loads && merged.lockIndexes);
  });
});
