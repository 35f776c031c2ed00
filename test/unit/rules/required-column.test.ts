import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { rule } from '../../../server/src/rules/required-column';
import { findingsOf, lint, underlined } from '../../support/lint';

const RULE = 'required-column';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';
const add = (column: string) => `ALTER TABLE users ADD COLUMN ${column};`;

describe(`rule ${RULE}`, () => {
  it('flags ADD COLUMN … NOT NULL without a DEFAULT: it fails on a table with rows and breaks old writers', async () => {
    const sql = add('plan text NOT NULL');
    const [f, ...rest] = await findingsOf(RULE, sql, { setup: USERS });
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'plan text NOT NULL');
    assert.match(f.message, /fails as soon as users has a row/);
    assert.match(f.message, /INSERTs from running code that does not set plan fail/);
    assert.match(f.message, /ACCESS EXCLUSIVE lock on users/);
    assert.match(f.message, /constant DEFAULT \(PostgreSQL 16 then adds it without a rewrite\)/);
  });

  it('flags a PRIMARY KEY column without a default too (primary keys are NOT NULL)', async () => {
    assert.equal((await findingsOf(RULE, add('code text PRIMARY KEY'), { setup: USERS })).length, 1);
  });

  for (const column of ["plan text NOT NULL DEFAULT 'free'", 'seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY', 'n bigserial NOT NULL', 'plan text', 'doubled bigint NOT NULL GENERATED ALWAYS AS (id * 2) STORED']) {
    it(`does not flag ${column}`, async () => {
      assert.deepEqual(await findingsOf(RULE, add(column), { setup: USERS }), []);
    });
  }

  it('does not flag a table created earlier in this migration', async () => {
    assert.deepEqual(await findingsOf(RULE, `${USERS}\n${add('plan text NOT NULL')}`), []);
  });

  it('before PostgreSQL 11 a default rewrites, so the advice is nullable + backfill', async () => {
    const [f] = await findingsOf(RULE, add('plan text NOT NULL'), { setup: USERS, config: { pgVersion: 10 } });
    assert.match(f.message, /before PostgreSQL 11 a DEFAULT rewrites the table/);
    assert.doesNotMatch(f.message, /constant DEFAULT/);
  });
});

describe('required-column: a table created and filled earlier in the migration (issue 10)', () => {
  it('flags ADD COLUMN … NOT NULL without a default after rows were inserted: PostgreSQL rejects it', async () => {
    const sql = "CREATE TABLE plans (id bigint PRIMARY KEY);\nINSERT INTO plans (id) VALUES (1);\nALTER TABLE plans ADD COLUMN name text NOT NULL;";
    const [f, ...rest] = await findingsOf('required-column', sql);
    assert.deepEqual(rest, []);
    assert.equal(underlined(sql, f), 'name text NOT NULL');
    assert.match(f.message, /fails here: plans is created earlier in this migration but already has rows \(`INSERT INTO plans \(id\) VALUES \(1\)`\)/);
  });

  it('also after CREATE TABLE … AS and COPY … FROM; not on a new empty table, nor WITH NO DATA', async () => {
    assert.equal((await findingsOf('required-column', 'CREATE TABLE t2 AS SELECT 1 AS id;\nALTER TABLE t2 ADD COLUMN c text NOT NULL;')).length, 1);
    assert.equal((await findingsOf('required-column', 'CREATE TABLE t3 (id int);\nCOPY t3 FROM \'/srv/seed/t3.csv\';\nALTER TABLE t3 ADD COLUMN c text NOT NULL;')).length, 1);
    assert.deepEqual(await findingsOf('required-column', 'CREATE TABLE t4 (id int);\nALTER TABLE t4 ADD COLUMN c text NOT NULL;'), []);
    assert.deepEqual(await findingsOf('required-column', 'CREATE TABLE t5 AS SELECT 1 AS id WITH NO DATA;\nALTER TABLE t5 ADD COLUMN c text NOT NULL;'), []);
    assert.deepEqual(await findingsOf('required-column', "CREATE TABLE t6 (id int);\nINSERT INTO t6 VALUES (1);\nALTER TABLE t6 ADD COLUMN c text NOT NULL DEFAULT 'x';"), []);
  });
});

describe('required-column: cost on a long migration (issue 18)', () => {
  it('looks at each statement of the document a bounded number of times, not once per later ALTER', async () => {
    // 300 new tables, each altered, only the first filled: the old walk went back over every earlier statement for each ALTER (~90,000 reads).
    const blocks = Array.from({ length: 300 }, (_, i) => `CREATE TABLE t${i} (id int);\n${i === 0 ? 'INSERT INTO t0 VALUES (1);\n' : ''}ALTER TABLE t${i} ADD COLUMN c text NOT NULL;`);
    const { document: doc, findings } = await lint(blocks.join('\n'));
    assert.equal(findings.filter((f) => f.ruleId === RULE).length, 1);
    let reads = 0;
    const statements = new Proxy(doc.statements, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const counted = { ...doc, statements };
    let hits = 0;
    for (const stmt of doc.statements) hits += rule.check(stmt, { doc: counted, config: DEFAULT_CONFIG }).length;
    assert.equal(hits, 1);
    assert.ok(reads <= 4 * doc.statements.length, `${reads} statement reads for ${doc.statements.length} statements`);
  });

  it("finds the filling statements by their records' kind: it reads no other statement's AST (built again for each patched document)", async () => {
    const blocks = Array.from({ length: 200 }, (_, i) => `CREATE TABLE t${i} (id int);\n${i === 0 ? 'INSERT INTO t0 VALUES (1);\n' : ''}ALTER TABLE t${i} ADD COLUMN c text NOT NULL;`);
    const { document: doc } = await lint(blocks.join('\n'));
    const astReads = new Map<string, number>();
    // Each statement a copy whose AST is counted as it is read (a fresh document, so the rule's per-document table is built for it).
    const statements = doc.statements.map((s) => {
      const copy = { ...s };
      const ast = () => {
        astReads.set(s.kind, (astReads.get(s.kind) ?? 0) + 1);
        return s.ast;
      };
      Object.defineProperty(copy, 'ast', { get: ast });
      return copy;
    });
    const counted = { ...doc, statements };
    const alter = doc.statements.find((s) => s.kind === 'AlterTableStmt' && s.text.includes('t0 '))!;
    assert.equal(rule.check(alter, { doc: counted, config: DEFAULT_CONFIG }).length, 1);
    // The filling INSERT, and the ALTER's own creation lookup (model.ts createdEarlier); before, two reads of each of the 401.
    assert.equal(astReads.get('InsertStmt'), 1);
    const total = [...astReads.values()].reduce((a, b) => a + b, 0);
    assert.ok(total <= 3, `${total} AST reads for ${doc.statements.length} statements`);
  });
});
