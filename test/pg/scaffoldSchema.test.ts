/**
 * The three places a plan's schema comes from agree: a real PostgreSQL database (catalog
 * queries), embedded PGlite (the same queries over the replayed migrations), and Lockstep's own
 * catalog replay. Compared on what plans use: columns, defaults, keys, indexes, foreign keys.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { schemaFromDatabase } from '../../server/src/scaffold/dbSchema';
import { schemaFromPglite } from '../../server/src/scaffold/pgliteSchema';
import { referencesTo, schemaFromSql, type SchemaInfo } from '../../server/src/scaffold/schema';
import { sharedCluster } from '../support/pgCluster';
import { SCHEMA } from '../unit/scaffold/cases';

/** What a plan relies on, in a comparable form. */
function facts(schema: SchemaInfo) {
  return [...schema.tables.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      table: t.name,
      columns: t.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default ? ` DEFAULT ${c.default.replace(/::text\b/g, '')}` : ''}`),
      primaryKey: t.primaryKey?.columns,
      indexes: t.indexes.map((i) => `${i.name} (${i.columns.join(',')})${i.unique ? ' unique' : ''}${i.constraint ? ` ${i.constraint}` : ''}${i.simple ? '' : ' complex'}`).sort(),
      checks: t.checks.map((c) => `${c.name} (${[...c.columns].sort()})${c.validated ? '' : ' not valid'}`).sort(),
      references: referencesTo(schema, t.name).map((f) => `${f.table}.${f.name} (${f.columns}) -> (${f.refColumns}) ${f.actions}`.trim()),
    }));
}

describe('scaffold: schema sources agree (PostgreSQL 18, PGlite, catalog replay)', function () {
  this.timeout(120_000);
  let fromDb: SchemaInfo;

  before(async () => {
    await initEngine();
    const cluster = await sharedCluster(18);
    const admin = await cluster.client();
    await admin.query('DROP DATABASE IF EXISTS scaffold_schema');
    await admin.query('CREATE DATABASE scaffold_schema');
    await admin.end();
    const client = await cluster.client('scaffold_schema');
    try {
      await client.query(SCHEMA);
      fromDb = await schemaFromDatabase(client);
    } finally {
      await client.end();
    }
  });

  it('the catalog replay of the migrations matches the database', () => {
    assert.deepEqual(facts(schemaFromSql(SCHEMA, DEFAULT_CONFIG)), facts(fromDb));
  });

  it('PGlite replaying the same migrations matches the database', async () => {
    const { schema, failed } = await schemaFromPglite([{ path: 'migrations/001_init.sql', text: SCHEMA }], DEFAULT_CONFIG);
    assert.equal(failed, 0);
    assert.equal(schema.source, 'pglite');
    assert.deepEqual(facts(schema), facts(fromDb));
  });
});
