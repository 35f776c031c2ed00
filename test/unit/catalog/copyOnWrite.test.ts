/**
 * The catalog's clone() is copy-on-write (constant time; each side copies what it changes).
 * These tests check it against the definition of a copy: a clone that replays more statements
 * must end up exactly like a catalog that replayed the same statements from scratch, and neither
 * the original nor any other copy may see the clone's changes. Statements are generated from a
 * seeded generator over a small pool of names, so they hit the same tables again and again.
 */
import assert from 'node:assert/strict';
import { parseSync } from 'libpg-query';
import { Catalog } from '../../../server/src/catalog/catalog';
import { initEngine } from '../../../server/src/engine';
import type { AstNode } from '../../../server/src/parse/ast';
import { random } from '../../support/random';

before(() => initEngine());

/** Everything the catalog answers, through its public lookups, as plain data. */
function snapshot(cat: Catalog): unknown {
  const rels = cat.allRelations();
  const tables = [...new Set([...rels.map((r) => r.name), ...rels.map((r) => r.table ?? ''), ...rels.flatMap((r) => r.dependsOn ?? [])])].sort();
  return {
    relations: rels.map((r) => ({ ...r, columns: [...r.columns.values()] })),
    byTable: tables.map((t) => ({
      t,
      indexes: cat.indexesOf(t),
      sequences: cat.sequencesOf(t),
      partitions: cat.partitionsOf(t),
      defaultPartition: cat.defaultPartitionOf(t),
      constraints: cat.constraintsOf(t),
      references: cat.referencesTo(t).map((c) => c.name),
      dependents: cat.dependentsOf(t).map((r) => r.name),
      publications: cat.publicationsReplicating(t),
    })),
    types: [...cat.types],
    functions: [...cat.functions],
    publications: [...cat.publications].map(([n, p]) => [n, { ...p, tables: [...p.tables], schemas: [...p.schemas] }]),
    // Routines and the code they run (the routine sets and bodies are shared copy-on-write too).
    routines: ['f0', 'f1', 'f2'].map((f) => ({ f, runsDdl: cat.runsDdl(f), source: cat.routineSource(f), triggers: cat.triggersCalling(f) })),
    ranUnseenDdl: cat.ranUnseenDdl(),
    triggers: tables.map((t) => ({ t, tr0: cat.tableObjectExists(t, 'trigger', 'tr0'), insert: cat.triggerFunctions(t, 4) })),
  };
}

function statements(seed: number, count: number): AstNode[] {
  const next = random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
  const t = () => pick(['t0', 't1', 't2', 't3']);
  const c = () => pick(['c0', 'c1', 'c2']);
  const k = () => pick(['k0', 'k1', 'k2']);
  const forms: (() => string)[] = [
    () => `CREATE TABLE ${t()} (id bigint PRIMARY KEY, c0 int, c1 text, c2 bigserial)`,
    () => `CREATE TABLE p (id int, c0 int) PARTITION BY RANGE (c0)`,
    () => `CREATE TABLE ${t()} PARTITION OF p FOR VALUES FROM (${Math.floor(next() * 9)}) TO (10)`,
    () => `ALTER TABLE p ATTACH PARTITION ${t()} DEFAULT`,
    () => `ALTER TABLE p DETACH PARTITION ${t()}`,
    () => `ALTER TABLE ${t()} ADD COLUMN ${c()} int NOT NULL DEFAULT 0`,
    () => `ALTER TABLE ${t()} DROP COLUMN ${c()}`,
    () => `ALTER TABLE ${t()} ALTER COLUMN ${c()} TYPE ${pick(['bigint', 'text', 'varchar(20)'])}`,
    () => `ALTER TABLE ${t()} ALTER COLUMN ${c()} ${pick(['SET', 'DROP'])} NOT NULL`,
    () => `ALTER TABLE ${t()} ADD CONSTRAINT ${k()} CHECK (${c()} IS NOT NULL) NOT VALID`,
    () => `ALTER TABLE ${t()} ADD CONSTRAINT ${k()} FOREIGN KEY (${c()}) REFERENCES ${t()} (id) NOT VALID`,
    () => `ALTER TABLE ${t()} VALIDATE CONSTRAINT ${k()}`,
    () => `ALTER TABLE ${t()} DROP CONSTRAINT ${k()}`,
    () => `ALTER TABLE ${t()} ADD CONSTRAINT ${k()} UNIQUE (${c()})`,
    () => `ALTER TABLE ${t()} REPLICA IDENTITY ${pick(['FULL', 'NOTHING', 'DEFAULT'])}`,
    () => `ALTER TABLE ${t()} ADD COLUMN ${c()} int, ALTER COLUMN ${c()} SET NOT NULL, DROP COLUMN ${c()}`,
    () => `CREATE INDEX ${pick(['i0', 'i1'])} ON ${t()} (${c()}) ${pick(['', 'WHERE c0 > 0'])}`,
    () => `DROP INDEX ${pick(['i0', 'i1'])}`,
    () => `ALTER TABLE ${t()} RENAME TO ${t()}`,
    () => `ALTER TABLE ${t()} RENAME COLUMN ${c()} TO ${c()}`,
    () => `ALTER TABLE ${t()} RENAME CONSTRAINT ${k()} TO ${k()}`,
    () => `DROP TABLE ${t()}`,
    () => `CREATE VIEW ${pick(['v0', 'v1'])} AS SELECT * FROM ${t()} JOIN ${t()} USING (id)`,
    () => `CREATE SEQUENCE s0`,
    () => `ALTER SEQUENCE s0 OWNED BY ${pick([`${t()}.id`, 'NONE'])}`,
    () => `CREATE TYPE ${pick(['e0', 'e1'])} AS ENUM ('a')`,
    () => `CREATE DOMAIN ${pick(['d0', 'e0'])} AS int`,
    () => `DROP TYPE ${pick(['e0', 'e1', 'd0'])}`,
    () => `CREATE FUNCTION ${pick(['f0', 'f1'])}() RETURNS int LANGUAGE sql ${pick(['IMMUTABLE', 'STABLE', ''])} AS 'select 1'`,
    () => `CREATE FUNCTION ${pick(['f1', 'f2'])}() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ${pick(['CREATE TABLE x (id int);', "EXECUTE 'select 1';", 'CREATE TRIGGER q BEFORE INSERT ON t0 FOR EACH ROW EXECUTE FUNCTION f0();', 'PERFORM 1;'])} END $$`,
    () => `SELECT ${pick(['f0', 'f1', 'f2'])}()`,
    () => `DO $$ BEGIN ${pick(['CREATE TABLE y (id int);', 'PERFORM 1;'])} END $$`,
    () => `CREATE TRIGGER tr0 BEFORE INSERT ON ${t()} FOR EACH ROW EXECUTE FUNCTION ${pick(['f0', 'f1'])}()`,
    () => `DROP TRIGGER tr0 ON ${t()}`,
    () => `DROP FUNCTION ${pick(['f0', 'f1', 'f2'])}`,
    () => `CREATE PUBLICATION ${pick(['pub0', 'pub1'])} FOR TABLE ${t()}`,
    () => `ALTER PUBLICATION ${pick(['pub0', 'pub1'])} ${pick(['ADD', 'DROP', 'SET'])} TABLE ${t()}`,
    () => `ALTER PUBLICATION pub0 SET (publish = '${pick(['insert', 'update'])}')`,
    () => `DROP PUBLICATION ${pick(['pub0', 'pub1'])}`,
  ];
  const sql = Array.from({ length: count }, () => `${pick(forms)()};`).join('\n');
  return (parseSync(sql).stmts ?? []).map((s) => s.stmt as AstNode);
}

function replay(stmts: AstNode[], onto = new Catalog()): Catalog {
  for (const s of stmts) onto.apply(s);
  return onto;
}

describe('catalog copy-on-write clone', () => {
  it('a clone that replays more equals a catalog replayed from scratch, and the original keeps its own changes apart', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const stmts = statements(seed, 90);
      const cut = 30 + (seed % 30);
      const [prefix, left, right] = [stmts.slice(0, cut), stmts.slice(cut, cut + 30), stmts.slice(cut + 30)];
      const base = replay(prefix);
      const untouched = base.clone();
      const branch = replay(left, base.clone());
      replay(right, base);
      assert.deepEqual(snapshot(branch), snapshot(replay([...prefix, ...left])), `seed ${seed}: the clone`);
      assert.deepEqual(snapshot(base), snapshot(replay([...prefix, ...right])), `seed ${seed}: the original after cloning`);
      assert.deepEqual(snapshot(untouched), snapshot(replay(prefix)), `seed ${seed}: a clone nobody changed`);
    }
  });

  it('a chain of clones, one per migration file, keeps every file\'s schema as it was (schema history)', () => {
    for (let seed = 200; seed <= 220; seed++) {
      const stmts = statements(seed, 120);
      const files = Array.from({ length: 12 }, (_, i) => stmts.slice(i * 10, i * 10 + 10));
      const chain: Catalog[] = [];
      let current = new Catalog();
      for (const file of files) {
        current = replay(file, current.clone());
        chain.push(current);
      }
      chain.forEach((after, i) => {
        assert.deepEqual(snapshot(after), snapshot(replay(files.slice(0, i + 1).flat())), `seed ${seed}: after file ${i + 1}`);
      });
    }
  });

  it('a clone that alters a table shares its unchanged column records, and its changed ones stay its own', () => {
    const parse = (sql: string): AstNode[] => (parseSync(sql).stmts ?? []).map((s) => s.stmt as AstNode);
    const base = replay(parse('CREATE TABLE t (id bigint, a int, b text, c int)'));
    const clone = replay(parse('ALTER TABLE t ADD COLUMN d int; ALTER TABLE t ALTER COLUMN a SET NOT NULL; ALTER TABLE t ALTER COLUMN c TYPE bigint; ALTER TABLE t ADD PRIMARY KEY (id)'), base.clone());
    // The records the clone did not change are the original's (no copy of every column per edited table).
    assert.equal(clone.column('t', 'b'), base.column('t', 'b'));
    // Changed ones are new records in the same place; the original's are as they were.
    assert.deepEqual([...clone.relation('t')!.columns.keys()], ['id', 'a', 'b', 'c', 'd']);
    assert.deepEqual([...base.relation('t')!.columns.keys()], ['id', 'a', 'b', 'c']);
    assert.deepEqual([clone.column('t', 'id')?.notNull, clone.column('t', 'a')?.notNull, clone.column('t', 'c')?.type.name], [true, true, 'int8']);
    assert.deepEqual([base.column('t', 'id')?.notNull, base.column('t', 'a')?.notNull, base.column('t', 'c')?.type.name], [false, false, 'int4']);
  });

  it('the generated statements exercise the catalog (not a vacuous comparison)', () => {
    const cat = replay(statements(7, 300));
    const snap = snapshot(cat) as { relations: unknown[]; types: unknown[]; functions: unknown[]; publications: unknown[] };
    assert.ok(snap.relations.length >= 5, `relations: ${snap.relations.length}`);
    assert.ok(cat.allRelations().some((r) => r.kind === 'index'));
    assert.ok(cat.allRelations().some((r) => r.columns.size > 0));
    assert.ok(snap.functions.length > 0 && snap.types.length > 0);
    // The first test's prefixes: some hold a routine that runs DDL, one with a body, unseen DDL run, a trigger.
    type Routines = { routines: { runsDdl: boolean; source?: string }[]; ranUnseenDdl: boolean; triggers: { tr0?: boolean }[] };
    const prefixes = Array.from({ length: 60 }, (_, i) => snapshot(replay(statements(i + 1, 90).slice(0, 30 + ((i + 1) % 30)))) as Routines);
    assert.ok(prefixes.some((p) => p.routines.some((r) => r.runsDdl)), 'a routine that runs DDL');
    assert.ok(prefixes.some((p) => p.routines.some((r) => !r.runsDdl && r.source !== undefined)), 'a routine that does not');
    assert.ok(prefixes.some((p) => p.ranUnseenDdl), 'code that runs DDL ran');
    assert.ok(prefixes.some((p) => p.triggers.some((t) => t.tr0 === true)), 'a trigger is known');
  });
});
