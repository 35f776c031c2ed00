/**
 * Builder calls are translated to the SQL the framework itself generates: each case runs the
 * framework's own SQL generator (Knex toSQL, Sequelize's query generator, node-pg-migrate's
 * MigrationBuilder, Kysely's compiler) on the same call and compares.
 */
import { strict as assert } from 'node:assert';
import { knex } from '../../../server/src/frameworks/knex';
import { kysely } from '../../../server/src/frameworks/kysely';
import { nodePgMigrate } from '../../../server/src/frameworks/nodePgMigrate';
import { sequelize } from '../../../server/src/frameworks/sequelize';
import type { FrameworkExtractor } from '../../../server/src/frameworks/types';

const norm = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();

function extracted(fw: FrameworkExtractor, text: string): string[] {
  const e = fw.extract(text, 'migration.js');
  assert.deepEqual(e.notAnalysed, [], 'everything translated');
  return e.statements.filter((s) => s.section === 'up').map((s) => norm(s.sql));
}

describe('builder translations match the frameworks’ own SQL', () => {
  it('Knex schema builder (pg dialect)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require('knex')({ client: 'pg' });
    const body = `(t) => {
      t.text('nick').notNullable().defaultTo('x');
      t.integer('n').defaultTo(0);
      t.boolean('f').defaultTo(true);
      t.timestamp('seen_at').defaultTo(knex.fn.now());
      t.string('e', 100).unique();
      t.bigInteger('org_id').references('id').inTable('orgs').onDelete('CASCADE');
      t.text('b').notNullable().alter();
      t.index(['a', 'b'], 'ab_idx');
      t.unique(['c'], { indexName: 'c_uq', useConstraint: false });
      t.dropIndex(['d']);
      t.dropColumn('old');
      t.renameColumn('x', 'y');
      t.dropNullable('z');
      t.foreign('o_id').references('orgs.id');
    }`;
    const ours = extracted(knex, `exports.up = function (knex) { return knex.schema.alterTable('users', ${body}); };`);
    // eslint-disable-next-line no-new-func
    const build = new Function('knex', `return knex.schema.alterTable('users', ${body});`);
    const theirs = build(k).toSQL().map((q: { sql: string }) => norm(q.sql));
    assert.deepEqual(ours, theirs);

    const create = `(t) => { t.bigIncrements(); t.text('email').notNullable().unique(); t.decimal('price'); t.jsonb('meta'); t.timestamps(true, true); t.index(['email']); }`;
    const oursCreate = extracted(knex, `exports.up = (knex) => knex.schema.createTable('items', ${create}).dropTableIfExists('old').renameTable('a', 'b');`);
    // eslint-disable-next-line no-new-func
    const theirsCreate = new Function('knex', `return knex.schema.createTable('items', ${create}).dropTableIfExists('old').renameTable('a', 'b');`)(k).toSQL().map((q: { sql: string }) => norm(q.sql));
    assert.deepEqual(oursCreate, theirsCreate);
  });

  it('Sequelize queryInterface (postgres query generator)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Sequelize, DataTypes } = require('sequelize');
    const s = new Sequelize('postgres://u@localhost:1/db', { logging: false });
    const qg = s.getQueryInterface().queryGenerator;
    const attr = (a: object) => s.normalizeAttribute(a);
    const ours = extracted(
      sequelize,
      `module.exports = { async up(queryInterface, Sequelize) {
        await queryInterface.addIndex('users', ['email']);
        await queryInterface.addIndex('public.users', ['teamId', 'createdAt']);
        await queryInterface.addIndex('users', ['a', 'b'], { name: 'ab', unique: true, concurrently: true });
        await queryInterface.addColumn('users', 'nick', { type: Sequelize.STRING, allowNull: false, defaultValue: 'x' });
        await queryInterface.addColumn('users', 'org_id', { type: Sequelize.INTEGER, references: { model: 'orgs', key: 'id' }, onDelete: 'CASCADE' });
        await queryInterface.addColumn('users', 'seen', Sequelize.DATE);
        await queryInterface.removeColumn('users', 'old');
        await queryInterface.renameColumn('users', 'a', 'b');
        await queryInterface.removeIndex('users', 'users_email', { concurrently: true });
        await queryInterface.addConstraint('users', { type: 'foreign key', fields: ['org_id'], references: { table: 'orgs', field: 'id' }, onDelete: 'cascade' });
        await queryInterface.addConstraint('users', { type: 'unique', fields: ['email'] });
        await queryInterface.removeConstraint('users', 'c');
        await queryInterface.changeColumn('users', 'x', { type: Sequelize.TEXT, allowNull: false });
      } };`,
    );
    const theirs = [
      qg.addIndexQuery('users', { fields: ['email'] }),
      qg.addIndexQuery('public.users', { fields: ['teamId', 'createdAt'] }),
      qg.addIndexQuery('users', { fields: ['a', 'b'], name: 'ab', unique: true, concurrently: true }),
      qg.addColumnQuery('users', 'nick', attr({ type: DataTypes.STRING, allowNull: false, defaultValue: 'x' })),
      qg.addColumnQuery('users', 'org_id', attr({ type: DataTypes.INTEGER, references: { model: 'orgs', key: 'id' }, onDelete: 'CASCADE' })),
      qg.addColumnQuery('users', 'seen', attr({ type: DataTypes.DATE })),
      qg.removeColumnQuery('users', 'old'),
      qg.renameColumnQuery('users', 'a', { b: '' }),
      qg.removeIndexQuery('users', 'users_email', { concurrently: true }),
      qg.addConstraintQuery('users', { type: 'foreign key', fields: ['org_id'], references: { table: 'orgs', field: 'id' }, onDelete: 'cascade' }),
      qg.addConstraintQuery('users', { type: 'unique', fields: ['email'] }),
      qg.removeConstraintQuery('users', 'c'),
      ...qg.changeColumnQuery('users', { x: qg.attributeToSQL(attr({ type: DataTypes.TEXT, allowNull: false })) }).split(';').filter((x: string) => x.trim()),
    ].map(norm);
    assert.deepEqual(ours, theirs);
  });

  it('node-pg-migrate MigrationBuilder', async () => {
    const { MigrationBuilder } = await import('node-pg-migrate');
    const calls = `
      pgm.createIndex('users', 'email');
      pgm.createIndex('users', ['email', 'org_id'], { name: 'u_idx', unique: true, concurrently: true, method: 'btree' });
      pgm.dropIndex('users', 'email', { concurrently: true });
      pgm.addColumns('users', { nick: { type: 'text', notNull: true, default: 'x' }, org_id: { type: 'integer', references: 'orgs', onDelete: 'CASCADE' } });
      pgm.addColumn('users', { d: { type: 'timestamptz', default: pgm.func('current_timestamp') } });
      pgm.dropColumns('users', ['a', 'b']);
      pgm.alterColumn('users', 'nick', { type: 'varchar(100)', notNull: true });
      pgm.renameColumn('users', 'a', 'b');
      pgm.addConstraint('users', 'fk_org', { foreignKeys: { columns: 'org_id', references: 'orgs(id)' } });
      pgm.addConstraint('users', 'c1', 'CHECK (x > 0)');
      pgm.dropConstraint('users', 'c1');
      pgm.createTable('t', { id: 'id', name: { type: 'text', notNull: true } });
      pgm.sql('SELECT 1');`;
    const ours = extracted(nodePgMigrate, `exports.up = (pgm) => {${calls}};`);
    const pgm = new MigrationBuilder({ query: async () => ({}), select: async () => [] } as never, {}, false, console as never);
    // eslint-disable-next-line no-new-func
    new Function('pgm', calls)(pgm);
    assert.deepEqual(ours, pgm.getSqlSteps().map(norm));
  });

  it('Kysely schema builder (PostgreSQL compiler)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require('kysely');
    const db = new k.Kysely({
      dialect: {
        createAdapter: () => new k.PostgresAdapter(),
        createDriver: () => new k.DummyDriver(),
        createIntrospector: (d: unknown) => new k.PostgresIntrospector(d),
        createQueryCompiler: () => new k.PostgresQueryCompiler(),
      },
    });
    const chains = [
      `db.schema.createIndex('i').on('t').columns(['a', 'b']).unique().ifNotExists()`,
      `db.schema.dropIndex('i').ifExists()`,
      `db.schema.alterTable('t').addColumn('c', 'integer', (col) => col.notNull().defaultTo(0).references('o.id').onDelete('cascade'))`,
      `db.schema.alterTable('t').alterColumn('c', (col) => col.setDataType('bigint'))`,
      `db.schema.alterTable('t').addForeignKeyConstraint('fk', ['o_id'], 'o', ['id'], (cb) => cb.onDelete('cascade'))`,
      `db.schema.createTable('t2').addColumn('id', 'bigint', (col) => col.primaryKey()).addColumn('n', 'text', (col) => col.notNull())`,
    ];
    const ours = extracted(kysely, `export async function up(db: Kysely<any>) {\n${chains.map((c) => `  await ${c}.execute();`).join('\n')}\n}`);
    // eslint-disable-next-line no-new-func
    const theirs = chains.map((c) => norm(new Function('db', `return ${c};`)(db).compile().sql));
    assert.deepEqual(ours, theirs);
  });
});
