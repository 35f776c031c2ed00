/**
 * Lock-model facts issue 10 found wrong, checked through the document model (so session settings
 * and earlier statements count as they do in the editor). Each is also an oracle case in
 * test/pg/lockCases.ts where real PostgreSQL can show it.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, explain, initEngine, lintText } from '../../../server/src/engine';
import { blockedBy } from '../../../server/src/locks/modes';
import { observableEffects } from '../../../server/src/locks/oracle';

before(() => initEngine());

const SETUP = `
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id int PRIMARY KEY, name text, mood mood, paid_at timestamp);
CREATE INDEX users_name_idx ON users (name);
CREATE SCHEMA reporting;
CREATE TABLE reporting.daily (day date PRIMARY KEY, total int);
CREATE TABLE reporting.weekly (week date PRIMARY KEY);
CREATE MATERIALIZED VIEW user_names AS SELECT id, name FROM users;
CREATE UNIQUE INDEX user_names_id ON user_names (id);
`;

function lint(sql: string, pgVersion = 16) {
  const config = { ...DEFAULT_CONFIG, pgVersion };
  return lintText(sql, { config, path: 'V2__change.sql', schema: catalogFromSql(SETUP, config) });
}

/** The last statement's locks, in the oracle's observable shape. */
function last(sql: string, pgVersion = 16) {
  const result = lint(sql, pgVersion);
  const stmt = result.document.statements[result.document.statements.length - 1];
  return { stmt, observable: observableEffects(stmt.ast, stmt.locks), impact: explain(result)[stmt.index] };
}

describe('lock model: statements issue 10 found wrong', () => {
  it('CREATE STATISTICS takes SHARE UPDATE EXCLUSIVE on its table', () => {
    assert.deepEqual(last('CREATE STATISTICS users_stats (dependencies) ON id, name FROM users;').observable.locks, { users: 'ShareUpdateExclusiveLock' });
  });

  it('REINDEX writes every index into a new file', () => {
    assert.deepEqual(last('REINDEX TABLE users;').observable.rewritten, ['users_name_idx', 'users_pkey']);
    assert.deepEqual(last('REINDEX INDEX users_name_idx;').observable.rewritten, ['users_name_idx']);
  });

  it('REFRESH MATERIALIZED VIEW rewrites the view and its indexes', () => {
    assert.deepEqual(last('REFRESH MATERIALIZED VIEW user_names;').observable.rewritten, ['user_names', 'user_names_id']);
  });

  it('reads option booleans: VACUUM (FULL false) is a plain VACUUM, REINDEX (CONCURRENTLY false) a plain REINDEX', () => {
    const vacuum = last('VACUUM (FULL false) users;');
    assert.deepEqual(vacuum.observable, { locks: { users: 'ShareUpdateExclusiveLock' }, rewritten: [], scanned: [] });
    assert.equal(vacuum.impact.summary, 'VACUUM');
    assert.equal(last('VACUUM (FULL) users;').impact.summary, 'VACUUM FULL');
    assert.equal(last('VACUUM (FULL on) users;').impact.summary, 'VACUUM FULL');

    const reindex = last('REINDEX (CONCURRENTLY false) TABLE users;');
    assert.equal(reindex.stmt.locks.transactional, true);
    assert.equal(reindex.observable.locks.users, 'ShareLock');
    assert.equal(last('REINDEX (CONCURRENTLY) TABLE users;').stmt.locks.transactional, false);
  });

  it('REINDEX SCHEMA locks every table of the schema in turn, outside a transaction', () => {
    const { stmt, impact } = last('REINDEX SCHEMA reporting;');
    assert.equal(stmt.locks.transactional, false);
    assert.deepEqual(observableEffects(stmt.ast, stmt.locks).locks, {
      daily: 'ShareLock', daily_pkey: 'AccessExclusiveLock', weekly: 'ShareLock', weekly_pkey: 'AccessExclusiveLock',
    });
    assert.ok(impact.notes.some((n) => /every table of schema reporting in turn, one transaction per table/.test(n)), impact.notes.join('\n'));
    const database = last('REINDEX DATABASE app;');
    assert.deepEqual(Object.keys(observableEffects(database.stmt.ast, database.stmt.locks).locks).filter((k) => !k.endsWith('_pkey') && !k.endsWith('_idx') && !k.endsWith('_id')).sort(), ['daily', 'user_names', 'users', 'weekly']);
  });

  describe('SET timezone earlier in the migration decides timestamp → timestamptz exactly', () => {
    const change = 'ALTER TABLE users ALTER COLUMN paid_at TYPE timestamptz;';
    const rewriteOf = (sql: string, pgVersion = 16) => {
      const alter = lint(sql, pgVersion).document.statements.find((s) => s.text.startsWith('ALTER TABLE'))!;
      return alter.locks.effects.find((e) => e.object === 'users')?.rewrite;
    };

    it('is "maybe" while the session time zone is the server default', () => {
      assert.equal(rewriteOf(change), 'maybe');
    });

    it('is no rewrite under SET timezone = UTC (or any zero-offset zone), a rewrite under any other zone', () => {
      assert.equal(rewriteOf(`SET timezone = 'UTC';\n${change}`), false);
      assert.equal(rewriteOf(`SET TIME ZONE 'Etc/UTC';\n${change}`), false);
      assert.equal(rewriteOf(`SET TIME ZONE 0;\n${change}`), false);
      assert.equal(rewriteOf(`SET timezone = 'Europe/Paris';\n${change}`), true);
      assert.equal(rewriteOf(`SET TIME ZONE 5;\n${change}`), true);
    });

    it('counts SET LOCAL only inside the transaction it is in, and RESET returns to the unknown default', () => {
      assert.equal(rewriteOf(`BEGIN;\nSET LOCAL timezone = 'UTC';\n${change}\nCOMMIT;`), false);
      assert.equal(rewriteOf(`BEGIN;\nSET LOCAL timezone = 'UTC';\nCOMMIT;\n${change}`), 'maybe');
      assert.equal(rewriteOf(`SET timezone = 'UTC';\nRESET timezone;\n${change}`), 'maybe');
      assert.equal(rewriteOf(`SET timezone = 'UTC';\nBEGIN;\nSET LOCAL timezone = 'Asia/Tokyo';\n${change}\nCOMMIT;`), true);
    });

    it('always rewrites before PostgreSQL 12, whatever the zone', () => {
      assert.equal(rewriteOf(`SET timezone = 'UTC';\n${change}`, 11), true);
    });
  });

  it('ALTER TYPE … ADD VALUE locks the type, which blocks no reads or writes of tables using it', () => {
    const { stmt, impact } = last("ALTER TYPE mood ADD VALUE 'happy';");
    assert.deepEqual(observableEffects(stmt.ast, stmt.locks).locks, { 'type:mood': 'ExclusiveLock' });
    const onType = impact.relations.find((r) => r.relation === 'mood')!;
    assert.deepEqual({ reads: onType.blocks.reads, writes: onType.blocks.writes }, { reads: false, writes: false });
    assert.equal(blockedBy('ExclusiveLock', 'type').writes, false);
    assert.equal(blockedBy('ExclusiveLock', 'table').writes, true);
    const findings = lint("ALTER TYPE mood ADD VALUE 'happy';").findings.map((f) => f.ruleId);
    assert.ok(!findings.includes('require-lock-timeout'), findings.join(', '));
  });
});

describe('lock model: sequence ownership (found tracing the normalize plan)', () => {
  const moved = 'CREATE TABLE t (id serial PRIMARY KEY);\nCREATE TABLE core (id int PRIMARY KEY);\nALTER SEQUENCE t_id_seq OWNED BY core.id;\n';

  it('SET SCHEMA moves only the sequences the table still owns: none after ALTER SEQUENCE … OWNED BY another table', () => {
    assert.deepEqual(last(`${moved}ALTER TABLE t SET SCHEMA reporting;`).observable.locks, { t: 'AccessExclusiveLock' });
    assert.deepEqual(last(`${moved}ALTER TABLE core SET SCHEMA reporting;`).observable.locks, { core: 'AccessExclusiveLock', t_id_seq: 'AccessExclusiveLock' });
  });

  it('OWNED BY NONE detaches it; CREATE SEQUENCE … OWNED BY attaches it', () => {
    const detached = 'CREATE TABLE t (id serial PRIMARY KEY);\nALTER SEQUENCE t_id_seq OWNED BY NONE;\nALTER TABLE t SET SCHEMA reporting;';
    assert.deepEqual(last(detached).observable.locks, { t: 'AccessExclusiveLock' });
    const created = 'CREATE TABLE t (id int PRIMARY KEY);\nCREATE SEQUENCE s OWNED BY t.id;\nALTER TABLE t SET SCHEMA reporting;';
    assert.deepEqual(last(created).observable.locks, { t: 'AccessExclusiveLock', s: 'AccessExclusiveLock' });
  });
});

describe('lock model: gaps found tracing the harbor migration set (docs/trace.md)', () => {
  it("an INSERT draws from a serial's sequence by the name it was created with, after the table and column are renamed", () => {
    const renamed = 'CREATE TABLE a (id serial PRIMARY KEY, v text);\nALTER TABLE a RENAME TO b;\nALTER TABLE b RENAME COLUMN id TO b_id;\n';
    assert.deepEqual(last(`${renamed}INSERT INTO b (v) VALUES ('x');`).observable.locks, { b: 'RowExclusiveLock', a_id_seq: 'RowExclusiveLock' });
    // Given explicitly, the column draws nothing.
    assert.deepEqual(last(`${renamed}INSERT INTO b (b_id, v) VALUES (1, 'x');`).observable.locks, { b: 'RowExclusiveLock' });
  });

  it('DROP COLUMN of a serial drops its sequence under ACCESS EXCLUSIVE (crates.io)', () => {
    assert.deepEqual(last('CREATE TABLE a (id serial, v text);\nALTER TABLE a DROP COLUMN id;').observable.locks, { a: 'AccessExclusiveLock', a_id_seq: 'AccessExclusiveLock' });
  });

  it('a dropped serial column takes its sequence along: a later INSERT draws from none', () => {
    assert.deepEqual(last("CREATE TABLE a (id serial, v text);\nALTER TABLE a DROP COLUMN id;\nINSERT INTO a (v) VALUES ('x');").observable.locks, { a: 'RowExclusiveLock' });
  });

  describe('DROP TRIGGER / POLICY / RULE IF EXISTS on one that is not there keeps no lock', () => {
    const table = 'CREATE TABLE scans (id int);\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER scans_touch BEFORE UPDATE ON scans FOR EACH ROW EXECUTE FUNCTION touch();\n';

    it('missing: no lock, and a note that says why', () => {
      const { stmt, observable } = last(`${table}DROP TRIGGER IF EXISTS trigger ON scans;`);
      assert.deepEqual(observable.locks, {});
      assert.match(stmt.locks.notes.join(' '), /trigger does not exist on scans: IF EXISTS skips it/);
      assert.deepEqual(last(`${table}DROP POLICY IF EXISTS p ON scans;`).observable.locks, {});
      assert.deepEqual(last(`${table}DROP RULE IF EXISTS r ON scans;`).observable.locks, {});
    });

    it('present, without IF EXISTS, or renamed to the name dropped: ACCESS EXCLUSIVE', () => {
      const exclusive = { scans: 'AccessExclusiveLock' };
      assert.deepEqual(last(`${table}DROP TRIGGER IF EXISTS scans_touch ON scans;`).observable.locks, exclusive);
      assert.deepEqual(last(`${table}DROP TRIGGER trigger ON scans;`).observable.locks, exclusive);
      assert.deepEqual(last(`${table}ALTER TRIGGER scans_touch ON scans RENAME TO t2;\nDROP TRIGGER IF EXISTS t2 ON scans;`).observable.locks, exclusive);
      assert.deepEqual(last(`${table}ALTER TABLE scans RENAME TO scans2;\nDROP TRIGGER IF EXISTS scans_touch ON scans2;`).observable.locks, { scans2: 'AccessExclusiveLock' });
      assert.deepEqual(last(`${table}CREATE POLICY p ON scans USING (true);\nDROP POLICY IF EXISTS p ON scans;`).observable.locks, exclusive);
    });

    it('after the trigger is dropped, a second DROP … IF EXISTS keeps no lock', () => {
      assert.deepEqual(last(`${table}DROP TRIGGER scans_touch ON scans;\nDROP TRIGGER IF EXISTS scans_touch ON scans;`).observable.locks, {});
    });

    it('unknown table, a schema read from a database, or code Lockstep cannot see ran since (it may have created one): ACCESS EXCLUSIVE', () => {
      const exclusive = { scans: 'AccessExclusiveLock' };
      assert.deepEqual(last('DROP TRIGGER IF EXISTS t ON strangers;').observable.locks, { strangers: 'AccessExclusiveLock' });
      // A live database's schema DDL carries no triggers (lockstep estimate): their absence is not known.
      const config = { ...DEFAULT_CONFIG, pgVersion: 16 };
      const snapshot = catalogFromSql(table, config);
      snapshot.forgetTableObjects();
      const fromDb = lintText('DROP TRIGGER IF EXISTS t ON scans;', { config, path: 'V2__drop.sql', schema: snapshot }).document.statements[0];
      assert.deepEqual(observableEffects(fromDb.ast, fromDb.locks).locks, exclusive);
      const dynamic = "DO $$ BEGIN EXECUTE 'CREATE TRIGGER t AFTER UPDATE ON scans FOR EACH ROW EXECUTE FUNCTION touch()'; END $$;\n";
      assert.deepEqual(last(`${table}${dynamic}DROP TRIGGER IF EXISTS t ON scans;`).observable.locks, exclusive);
      const routine = "CREATE FUNCTION add_trigger() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TRIGGER t AFTER UPDATE ON scans FOR EACH ROW EXECUTE FUNCTION touch(); END $$;\nSELECT add_trigger();\n";
      assert.deepEqual(last(`${table}${routine}DROP TRIGGER IF EXISTS t ON scans;`).observable.locks, exclusive);
      // A DO block that only moves data leaves the catalog's knowledge intact.
      assert.deepEqual(last(`${table}DO $$ BEGIN UPDATE scans SET id = id; END $$;\nDROP TRIGGER IF EXISTS t ON scans;`).observable.locks, {});
    });

    it('dropping a trigger named like a table leaves the table in the catalog', () => {
      const { stmt } = last(`${table}CREATE TABLE audit (id serial);\nDROP TRIGGER IF EXISTS audit ON scans;\nINSERT INTO audit DEFAULT VALUES;`);
      assert.deepEqual(observableEffects(stmt.ast, stmt.locks).locks, { audit: 'RowExclusiveLock' });
    });
  });
});

describe('lock model: gaps found tracing the kratos migration set (docs/trace.md)', () => {
  const keyed = 'CREATE TABLE nets (id uuid PRIMARY KEY);\nCREATE TABLE flows (id int PRIMARY KEY, nid uuid REFERENCES nets (id));\n';

  it('a foreign key follows a rename of the table it references: dropping the referencing table locks the new name', () => {
    const { observable } = last(`${keyed}ALTER TABLE nets RENAME TO networks;\nDROP TABLE flows;`);
    assert.deepEqual(observable.locks, { flows: 'AccessExclusiveLock', flows_pkey: 'AccessExclusiveLock', networks: 'AccessExclusiveLock' });
  });

  it('retyping a foreign-key column drops and re-adds the key: ACCESS EXCLUSIVE on the referenced table, read again only when the column is rewritten', () => {
    const same = last(`${keyed}ALTER TABLE flows ALTER COLUMN nid TYPE uuid, ALTER COLUMN nid DROP NOT NULL;`).observable;
    assert.equal(same.locks.nets, 'AccessExclusiveLock');
    assert.deepEqual(same.scanned, []);
    const ints = 'CREATE TABLE nets (id bigint PRIMARY KEY);\nCREATE TABLE flows (id int PRIMARY KEY, nid int REFERENCES nets (id));\n';
    const rewritten = last(`${ints}ALTER TABLE flows ALTER COLUMN nid TYPE bigint;`).observable;
    assert.equal(rewritten.locks.nets, 'AccessExclusiveLock');
    assert.ok(rewritten.scanned.includes('nets'), rewritten.scanned.join(', '));
  });

  it('a renamed foreign-key column is still the key: retyping it locks the referenced table', () => {
    const { observable } = last(`${keyed}ALTER TABLE flows RENAME COLUMN nid TO network_id;\nALTER TABLE flows ALTER COLUMN network_id TYPE uuid;`);
    assert.equal(observable.locks.nets, 'AccessExclusiveLock');
  });

  it('a renamed indexed column keeps its index: an UPDATE filtering on it needs no scan', () => {
    const sql = 'CREATE TABLE t (a int, b text);\nCREATE INDEX t_a_idx ON t (a);\nALTER TABLE t RENAME COLUMN a TO a2;\n';
    assert.deepEqual(last(`${sql}UPDATE t SET b = 'x' WHERE a2 = 1;`).observable.scanned, []);
  });
});

describe('lock model: gaps found tracing the crates.io migration set (docs/trace.md)', () => {
  it('ADD COLUMN … NOT NULL without a default reads the table (to prove it has no row)', () => {
    const added = last('CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN gh_login varchar NOT NULL;').observable;
    assert.deepEqual(added.scanned, ['users']);
    assert.deepEqual(added.rewritten, []);
    // With a constant default the column is filled from the catalog: no scan.
    assert.deepEqual(last('CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN gh_login varchar NOT NULL DEFAULT \'\';').observable.scanned, []);
  });

  it('an unnamed index on an expression is named after its function, and CREATE UNIQUE INDEX ends in _idx', () => {
    const table = 'CREATE TABLE names (name text PRIMARY KEY);\n';
    const created = last(`${table}CREATE UNIQUE INDEX ON names (lower(name));`).observable;
    assert.equal(created.locks.names_lower_idx, 'AccessExclusiveLock');
    assert.equal(created.locks.names_expr_idx, undefined);
    // The catalog knows it by that name: dropping it locks it and its table.
    assert.deepEqual(last(`${table}CREATE UNIQUE INDEX ON names (lower(name));\nDROP INDEX names_lower_idx;`).observable.locks, { names: 'AccessExclusiveLock', names_lower_idx: 'AccessExclusiveLock' });
    assert.equal(last(`${table}CREATE INDEX ON names ((name || 'x'));`).observable.locks.names_expr_idx, 'AccessExclusiveLock');
    assert.equal(last(`${table}CREATE INDEX ON names ((name::varchar));`).observable.locks.names_name_idx, 'AccessExclusiveLock');
  });
});

describe('lock model: gaps found tracing crates.io, hatchet and UPchieve (docs/trace.md)', () => {
  const keyed = 'CREATE TABLE nets (id int PRIMARY KEY);\nCREATE TABLE flows (id int PRIMARY KEY, nid int REFERENCES nets (id), v int);\nCREATE INDEX flows_v ON flows (v);\n';

  it('DROP COLUMN drops its foreign key, removing the key\'s triggers on the referenced table under ACCESS EXCLUSIVE', () => {
    assert.deepEqual(last(`${keyed}ALTER TABLE flows DROP COLUMN nid;`).observable.locks, { flows: 'AccessExclusiveLock', nets: 'AccessExclusiveLock' });
  });

  it('after DROP COLUMN, the indexes and keys on the column are gone: a later DROP TABLE locks neither them nor the referenced table', () => {
    assert.deepEqual(last(`${keyed}ALTER TABLE flows DROP COLUMN nid;\nALTER TABLE flows DROP COLUMN v;\nDROP TABLE flows;`).observable.locks, { flows: 'AccessExclusiveLock', flows_pkey: 'AccessExclusiveLock' });
    // The primary key's index goes with its column too.
    assert.deepEqual(last(`${keyed}ALTER TABLE flows DROP COLUMN id;\nDROP TABLE flows;`).observable.locks, { flows: 'AccessExclusiveLock', flows_v: 'AccessExclusiveLock', nets: 'AccessExclusiveLock' });
  });

  it('an index over an expression or with a WHERE clause on the column is dropped with it', () => {
    const table = 'CREATE TABLE kw (id int, keyword text, seen bool);\nCREATE INDEX kw_lower ON kw (lower(keyword));\nCREATE INDEX kw_unseen ON kw (id) WHERE NOT seen;\n';
    assert.deepEqual(last(`${table}ALTER TABLE kw DROP COLUMN keyword;`).observable.locks, { kw: 'AccessExclusiveLock', kw_lower: 'AccessExclusiveLock' });
    assert.deepEqual(last(`${table}ALTER TABLE kw DROP COLUMN seen;`).observable.locks, { kw: 'AccessExclusiveLock', kw_unseen: 'AccessExclusiveLock' });
  });

  it('a type change without a rewrite still builds the indexes on the column again: expression indexes and a new operator class read the table', () => {
    const table = 'CREATE TABLE kw (id int PRIMARY KEY, keyword varchar(50) UNIQUE, at timestamp);\nCREATE INDEX kw_lower ON kw (lower(keyword));\nCREATE INDEX kw_at ON kw (at);\n';
    const text = last(`${table}ALTER TABLE kw ALTER COLUMN keyword TYPE text;`).observable;
    assert.deepEqual(text.locks, { kw: 'AccessExclusiveLock', kw_keyword_key: 'AccessExclusiveLock', kw_lower: 'AccessExclusiveLock' });
    assert.deepEqual(text.rewritten, []);
    assert.deepEqual(text.scanned, ['kw']);
    // A plain index whose operator class stays (varchar(50) → varchar(100)) keeps its file: nothing is read.
    const wider = last(`CREATE TABLE kw (keyword varchar(50) UNIQUE);\nALTER TABLE kw ALTER COLUMN keyword TYPE varchar(100);`).observable;
    assert.deepEqual(wider, { locks: { kw: 'AccessExclusiveLock', kw_keyword_key: 'AccessExclusiveLock' }, rewritten: [], scanned: [] });
    // timestamp → timestamptz under UTC relabels the column, but timestamptz_ops is not timestamp_ops.
    const zoned = last(`${table}SET timezone = 'UTC';\nALTER TABLE kw ALTER COLUMN at TYPE timestamptz;`).observable;
    assert.deepEqual(zoned, { locks: { kw: 'AccessExclusiveLock', kw_at: 'AccessExclusiveLock' }, rewritten: [], scanned: ['kw'] });
  });

  it('raising a timestamp precision (timestamp(3) → timestamp) rewrites nothing', () => {
    const table = 'CREATE TABLE ev (id int PRIMARY KEY, at timestamp(3));\n';
    assert.deepEqual(last(`${table}ALTER TABLE ev ALTER COLUMN at TYPE timestamp;`).observable, { locks: { ev: 'AccessExclusiveLock' }, rewritten: [], scanned: [] });
    assert.deepEqual(last(`${table}ALTER TABLE ev ALTER COLUMN at TYPE timestamp(6);`).observable.rewritten, []);
    // Lowering it rounds every value: a rewrite.
    assert.deepEqual(last(`${table}ALTER TABLE ev ALTER COLUMN at TYPE timestamp(0);`).observable.rewritten, ['ev', 'ev_pkey']);
  });

  it('ADD COLUMN IF NOT EXISTS of a column the table has only takes the table lock', () => {
    const table = 'CREATE TABLE alerts (id int, resource text NOT NULL);\n';
    assert.deepEqual(last(`${table}ALTER TABLE alerts ADD COLUMN IF NOT EXISTS resource text NOT NULL;`).observable, { locks: { alerts: 'AccessExclusiveLock' }, rewritten: [], scanned: [] });
    assert.deepEqual(last(`${table}ALTER TABLE alerts ADD COLUMN IF NOT EXISTS other text NOT NULL;`).observable.scanned, ['alerts']);
  });

  it('ADD CONSTRAINT … USING INDEX of the same name only opens the index; another name renames it', () => {
    const table = 'CREATE TABLE refs (id int NOT NULL);\nCREATE UNIQUE INDEX refs_pkey ON refs (id);\n';
    assert.deepEqual(last(`${table}ALTER TABLE refs ADD CONSTRAINT refs_pkey PRIMARY KEY USING INDEX refs_pkey;`).observable.locks, { refs: 'AccessExclusiveLock', refs_pkey: 'AccessShareLock' });
    assert.deepEqual(last(`${table}ALTER TABLE refs ADD CONSTRAINT refs_pk PRIMARY KEY USING INDEX refs_pkey;`).observable.locks, { refs: 'AccessExclusiveLock', refs_pk: 'ShareUpdateExclusiveLock' });
  });

  it('composite types: CREATE TYPE … AS (…) creates a relation; DROP TYPE locks the type (and a composite\'s relation)', () => {
    assert.deepEqual(last('CREATE TYPE triple AS (a int, b int);').observable.locks, { triple: 'AccessExclusiveLock' });
    assert.deepEqual(last('CREATE TYPE triple AS (a int, b int);\nDROP TYPE triple;').observable.locks, { triple: 'AccessExclusiveLock', 'type:triple': 'AccessExclusiveLock' });
    assert.deepEqual(last('DROP TYPE mood;').observable.locks, { 'type:mood': 'AccessExclusiveLock' });
    // The dropped type is gone from the catalog: a composite of the same name made later is new.
    assert.deepEqual(last('CREATE TYPE triple AS (a int);\nDROP TYPE triple;\nCREATE TYPE triple AS (a int, b int);').observable.locks, { triple: 'AccessExclusiveLock' });
  });

  describe('a partitioned table has no storage: its partitions are read and rewritten in its place', () => {
    const parted = 'CREATE TABLE runs (id int, at date, note text) PARTITION BY RANGE (at);\nCREATE INDEX runs_id ON runs (id);\nCREATE TABLE runs_1 PARTITION OF runs FOR VALUES FROM (\'2026-01-01\') TO (\'2026-02-01\');\n';

    it('TRUNCATE empties each partition and its indexes; the parent and its index get no new file', () => {
      const t = last(`${parted}TRUNCATE runs;`).observable;
      assert.deepEqual(t.rewritten, ['runs_1']);
      assert.equal(t.locks.runs, 'AccessExclusiveLock');
      assert.equal(t.locks.runs_1, 'AccessExclusiveLock');
      assert.equal(t.locks.runs_id, undefined);
    });

    it('SET NOT NULL reads each partition, not the parent', () => {
      const t = last(`${parted}ALTER TABLE runs ALTER COLUMN note SET NOT NULL;`).observable;
      assert.deepEqual(t.scanned, ['runs_1']);
      assert.deepEqual(t.locks, { runs: 'AccessExclusiveLock', runs_1: 'AccessExclusiveLock' });
    });

    it('with no partition known, whether anything is read is a "maybe"', () => {
      const { stmt } = last('CREATE TABLE runs (id int, note text) PARTITION BY LIST (id);\nALTER TABLE runs ALTER COLUMN note SET NOT NULL;');
      assert.equal(stmt.locks.effects.find((e) => e.object === 'runs')?.scan, 'maybe');
    });

    it('ANALYZE of a partitioned table analyses each partition and its indexes, not the parent\'s indexes', () => {
      const sql = `${parted}CREATE INDEX runs_1_note ON runs_1 (note);\nANALYZE runs;`;
      assert.deepEqual(last(sql).observable.locks, { runs: 'ShareUpdateExclusiveLock', runs_1: 'ShareUpdateExclusiveLock', runs_1_note: 'AccessShareLock' });
    });
  });

  it('DROP TRIGGER IF EXISTS after code Lockstep does not read says why it keeps the lock', () => {
    const sql = "CREATE TABLE scans (id int);\nDO $$ BEGIN EXECUTE 'SELECT 1'; END $$;\nDROP TRIGGER IF EXISTS t ON scans;";
    const { stmt, observable } = last(sql);
    assert.deepEqual(observable.locks, { scans: 'AccessExclusiveLock' });
    assert.match(stmt.locks.notes.join(' '), /t may exist on scans: code Lockstep does not read/);
  });
});

describe('lock model: CREATE FUNCTION / PROCEDURE … LANGUAGE sql analyses its body (crates.io, docs/trace.md)', () => {
  const writes = "CREATE FUNCTION rebuild(int) RETURNS void LANGUAGE sql AS $$ INSERT INTO users (id) VALUES ($1); DELETE FROM reporting.daily WHERE day < now() $$;";

  it('locks the relations the body writes ROW EXCLUSIVE and those it reads ACCESS SHARE, without reading them', () => {
    assert.deepEqual(last(writes).observable, { locks: { users: 'RowExclusiveLock', daily: 'RowExclusiveLock' }, rewritten: [], scanned: [] });
    const reads = last('CREATE FUNCTION n() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users u JOIN reporting.weekly w ON true $$;');
    assert.deepEqual(reads.observable.locks, { users: 'AccessShareLock', weekly: 'AccessShareLock' });
    assert.match(reads.stmt.locks.notes.join(' '), /SQL body is analysed when the routine is created/);
  });

  it('FOR UPDATE locks ROW SHARE; a data-modifying CTE writes; a CTE name is no relation; a view opens its tables too', () => {
    assert.deepEqual(last('CREATE FUNCTION l(int) RETURNS int LANGUAGE sql AS $$ SELECT id FROM users WHERE id = $1 FOR UPDATE $$;').observable.locks, { users: 'RowShareLock' });
    const cte = 'CREATE FUNCTION p() RETURNS bigint LANGUAGE sql AS $$ WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone $$;';
    assert.deepEqual(last(cte).observable.locks, { users: 'RowExclusiveLock' });
    const view = 'CREATE VIEW named AS SELECT id, name FROM users;\nCREATE PROCEDURE v() LANGUAGE sql AS $$ SELECT count(*) FROM named $$;';
    assert.deepEqual(last(view).observable.locks, { named: 'AccessShareLock', users: 'AccessShareLock' });
  });

  it('check_function_bodies = off skips a string body (session, SET LOCAL in its transaction, or the routine\'s own SET), never BEGIN ATOMIC', () => {
    assert.deepEqual(last(`SET check_function_bodies = false;\n${writes}`).observable.locks, {});
    assert.deepEqual(last(`BEGIN;\nSET LOCAL check_function_bodies TO off;\n${writes}`).observable.locks, {});
    // SET LOCAL ends with its transaction; RESET turns it back on.
    assert.deepEqual(Object.keys(last(`BEGIN;\nSET LOCAL check_function_bodies = off;\nCOMMIT;\n${writes}`).observable.locks).sort(), ['daily', 'users']);
    assert.deepEqual(Object.keys(last(`SET check_function_bodies = off;\nRESET check_function_bodies;\n${writes}`).observable.locks).sort(), ['daily', 'users']);
    assert.deepEqual(last('CREATE FUNCTION u() RETURNS bigint LANGUAGE sql SET check_function_bodies = off AS $$ SELECT count(*) FROM users $$;').observable.locks, {});
    const atomic = "SET check_function_bodies = off;\nCREATE PROCEDURE close() LANGUAGE sql BEGIN ATOMIC UPDATE users SET name = 'x'; END;";
    assert.deepEqual(last(atomic).observable.locks, { users: 'RowExclusiveLock' });
  });

  it('a polymorphic argument, or a body in another language, opens nothing at creation', () => {
    assert.deepEqual(last('CREATE FUNCTION o(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;').observable.locks, {});
    assert.deepEqual(last('CREATE FUNCTION q() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM users); END $$;').observable.locks, {});
  });
});

describe('lock model: gaps found tracing UPchieve (docs/trace.md, fourth session)', () => {
  it('PRIMARY KEY UNIQUE on one column builds one index (the primary key\'s); an unnamed key takes a duplicate\'s name', () => {
    const table = 'CREATE TABLE st (code varchar(2) PRIMARY KEY NOT NULL UNIQUE, name text UNIQUE);';
    assert.deepEqual(last(table).observable.locks, { st: 'AccessExclusiveLock', st_pkey: 'AccessExclusiveLock', st_name_key: 'AccessExclusiveLock' });
    assert.deepEqual(last(`${table}\nDROP TABLE st;`).observable.locks, { st: 'AccessExclusiveLock', st_pkey: 'AccessExclusiveLock', st_name_key: 'AccessExclusiveLock' });
    assert.deepEqual(last('CREATE TABLE codes (code int UNIQUE, CONSTRAINT codes_code_named UNIQUE (code));').observable.locks, { codes: 'AccessExclusiveLock', codes_code_named: 'AccessExclusiveLock' });
  });

  it('CREATE TABLE IF NOT EXISTS over a known table takes no lock and leaves its definition as it was', () => {
    const { stmt, observable } = last('CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY REFERENCES reporting.daily (day));');
    assert.deepEqual(observable.locks, {});
    assert.match(stmt.locks.notes.join(' '), /users already exists: IF NOT EXISTS skips/);
    const drop = last('CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY);\nDROP TABLE users CASCADE;').observable.locks;
    assert.equal(drop.users_name_idx, 'AccessExclusiveLock');
    // Another schema's table of that name is not assumed to be the same one.
    assert.equal(last('CREATE TABLE IF NOT EXISTS reporting.users (id int);').observable.locks.users, 'AccessExclusiveLock');
  });

  it('DROP TABLE … CASCADE drops the other tables\' foreign keys to it (ACCESS EXCLUSIVE on each), and they are gone afterwards', () => {
    const sql = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int REFERENCES a (id));\n';
    assert.deepEqual(last(`${sql}DROP TABLE a CASCADE;`).observable.locks, { a: 'AccessExclusiveLock', a_pkey: 'AccessExclusiveLock', b: 'AccessExclusiveLock' });
    assert.deepEqual(last(`${sql}DROP TABLE a CASCADE;\nCREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO b (id, a_id) VALUES (1, 1);`).observable.locks, { b: 'RowExclusiveLock' });
  });

  it('a generated foreign-key name is cut to 63 bytes, so DROP CONSTRAINT IF EXISTS finds it', () => {
    const sql = `CREATE TABLE survey_questions_response_choices (id int);
CREATE TABLE surveys_survey_questions (id int PRIMARY KEY);
ALTER TABLE survey_questions_response_choices ADD COLUMN IF NOT EXISTS surveys_survey_question_id integer REFERENCES surveys_survey_questions (id);
ALTER TABLE survey_questions_response_choices DROP CONSTRAINT IF EXISTS survey_questions_response_choic_surveys_survey_question_id_fkey;`;
    assert.deepEqual(last(sql).observable.locks, { survey_questions_response_choices: 'AccessExclusiveLock', surveys_survey_questions: 'AccessExclusiveLock' });
  });

  it('ADD COLUMN … REFERENCES with a default (even DEFAULT NULL) checks the key over every row; without one it reads nothing', () => {
    const table = 'CREATE TABLE s (id int PRIMARY KEY);\n';
    assert.deepEqual(last(`${table}ALTER TABLE s ADD COLUMN u int REFERENCES users (id);`).observable.scanned, []);
    // Every key is NULL: the referenced table is never read.
    assert.deepEqual(last(`${table}ALTER TABLE s ADD COLUMN u int REFERENCES users (id) DEFAULT NULL;`).observable.scanned, ['s']);
    assert.deepEqual(last(`${table}ALTER TABLE s ADD COLUMN u int DEFAULT 1 REFERENCES users (id);`).observable.scanned, ['s', 'users']);
  });

  it('system catalogs are outside the model: a view over pg_class or information_schema locks only itself', () => {
    const view = "CREATE VIEW comments AS SELECT c.relname, d.description FROM pg_class c JOIN pg_catalog.pg_description d ON d.objoid = c.oid JOIN information_schema.columns i ON i.table_name = c.relname;";
    assert.deepEqual(last(view).observable.locks, { comments: 'AccessExclusiveLock' });
    // A table the migrations made keeps its locks, whatever its name.
    assert.deepEqual(last('CREATE TABLE pg_things (id int);\nCREATE VIEW things AS SELECT id FROM pg_things;').observable.locks, { things: 'AccessExclusiveLock', pg_things: 'AccessShareLock' });
  });
});
