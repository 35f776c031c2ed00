/**
 * FixIdioms.writeMigrations for the JS/TS frameworks: names that sort after the folder's newest
 * migration and in order, the module style of the sample, the opt-out only where a step must run
 * outside a transaction, and a clear refusal where the framework cannot say it. That the files run is
 * proven with the real migrators in test/pg/frameworkScaffold.test.ts.
 */
import { strict as assert } from 'node:assert';
import { frameworkById } from '../../../server/src/frameworks/registry';
import type { FrameworkId, MigrationToWrite } from '../../../server/src/frameworks/types';

const now = new Date('2026-12-02T04:00:00Z');
const index: MigrationToWrite = { slug: 'orders_index', header: ['phase 1'], up: { kind: 'single', statement: 'CREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id)' }, down: { kind: 'single', statement: 'DROP INDEX CONCURRENTLY orders_idx' } };
const column: MigrationToWrite = { slug: 'orders_note', header: ['phase 2'], up: { kind: 'tx', statements: ["SET LOCAL lock_timeout = '2s'", 'ALTER TABLE orders ADD COLUMN note text'] }, down: { kind: 'tx', statements: ['ALTER TABLE orders DROP COLUMN note'] } };

function write(id: FrameworkId, migrations: MigrationToWrite[], siblings: string[] = [], sample?: { name: string; text: string }) {
  const r = frameworkById(id)!.idioms.writeMigrations!(migrations, { now, siblings, sample });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.files;
}

describe('writeMigrations: whole migrations in the framework form', () => {
  it('names them after the newest sibling, one second apart, in the framework’s pattern', () => {
    assert.deepEqual(write('knex', [index, column], ['20270101000000_later.js']).map((f) => f.name), ['20270101000001_orders_index.js', '20270101000002_orders_note.js']);
    assert.deepEqual(write('typeorm', [index, column]).map((f) => f.name), [`${now.getTime()}-OrdersIndex.ts`, `${now.getTime() + 1000}-OrdersNote.ts`]);
    assert.deepEqual(write('sequelize', [index]).map((f) => f.name), ['20261202040000-orders-index.js']);
    assert.deepEqual(write('node-pg-migrate', [index], ['1800000000000_x.js']).map((f) => f.name), ['1800000001000_orders_index.js']);
  });

  it('every statement is extracted back by Lockstep, with the transaction model the step needs', () => {
    for (const id of ['knex', 'typeorm', 'sequelize', 'node-pg-migrate'] as const) {
      const fw = frameworkById(id)!;
      const [a, b] = write(id, [index, column]);
      const ea = fw.extract(a.text, a.name);
      const eb = fw.extract(b.text, b.name);
      assert.deepEqual(ea.statements.filter((s) => s.section === 'up').map((s) => s.sql), [index.up.kind === 'single' ? index.up.statement : ''], id);
      assert.equal(ea.transaction.wrapped, false, `${id}: the index runs outside a transaction`);
      assert.deepEqual(eb.statements.filter((s) => s.section === 'up').map((s) => s.sql), column.up.kind === 'tx' ? column.up.statements : [], id);
      assert.ok(eb.transaction.wrapped || eb.statements.filter((s) => s.section === 'up').every((s) => typeof s.transaction === 'object'), `${id}: the column step runs in one transaction`);
      assert.deepEqual([...ea.notAnalysed, ...eb.notAnalysed], [], id);
    }
  });

  it('copies the sample’s module style: TypeScript ESM Knex', () => {
    const [f] = write('knex', [index], [], { name: '20240101000000_init.ts', text: "import type { Knex } from 'knex';\nexport async function up(knex: Knex) {}\n" });
    assert.equal(f.name.endsWith('.ts'), true);
    assert.match(f.text, /^import type \{ Knex \} from 'knex';/);
    assert.match(f.text, /export const config = \{ transaction: false \};/);
    assert.match(f.text, /export async function up\(knex: Knex\): Promise<void> \{/);
  });

  it('keeps backticks and ${ in the SQL intact', () => {
    const tricky: MigrationToWrite = { slug: 'tricky', header: [], up: { kind: 'tx', statements: ["DO $$ BEGIN RAISE NOTICE '`${x}` \\\\n'; END $$"] }, down: { kind: 'tx', statements: [] } };
    const [f] = write('typeorm', [tricky]);
    const [stmt] = frameworkById('typeorm')!.extract(f.text, f.name).statements;
    assert.equal(stmt.sql, tricky.up.kind === 'tx' ? tricky.up.statements[0] : '');
  });

  it('refuses what the framework cannot say: Kysely outside a transaction, `?` in knex.raw', () => {
    const kysely = frameworkById('kysely')!.idioms.writeMigrations!([index], { now, siblings: [] });
    assert.equal(kysely.ok, false);
    assert.match(kysely.ok ? '' : kysely.reason, /cannot leave the Migrator's transaction/);
    const q: MigrationToWrite = { ...column, up: { kind: 'tx', statements: ["SELECT '{}'::jsonb ? 'a'"] } };
    const knex = frameworkById('knex')!.idioms.writeMigrations!([q], { now, siblings: [] });
    assert.equal(knex.ok, false);
  });
});
