/**
 * Every plan kind in every runner format runs on real PostgreSQL as that runner would run it:
 * all migrations forward, then every rollback back to the start, which must leave the schema and
 * the data exactly as they were. (The live-load proof is scaffoldProof.test.ts; this one covers
 * the formats it does not run each kind in.)
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { DEFAULT_CONFIG, type RunnerId } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { scaffold } from '../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../server/src/scaffold/schema';
import { sharedCluster, type PgCluster } from '../support/pgCluster';
import { KIND_CASES, RUNNER_IDS, SCHEMA, SEED } from '../unit/scaffold/cases';
import { applyMigration } from './scaffold/runnerExec';
import { schemaSnapshot, snapshotDiff } from './scaffold/snapshot';

const TEMPLATE = 'scaffold_formats_template';

/** A checksum of every table's rows, columns taken by name (a rolled-back column comes back last). */
async function contents(client: pg.Client): Promise<Record<string, string>> {
  const { rows } = await client.query<{ t: string; cols: string[] }>(
    `SELECT c.relname AS t, array_agg(a.attname::text ORDER BY a.attname) AS cols FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped GROUP BY c.relname`,
  );
  const out: Record<string, string> = {};
  for (const { t, cols } of rows) {
    const row = cols.map((c) => `coalesce(${c}::text, 'NULL')`).join(` || '|' || `);
    out[t] = (await client.query<{ h: string }>(`SELECT md5(coalesce(string_agg(r, ',' ORDER BY r), '')) AS h FROM (SELECT ${row} AS r FROM ${t}) s`)).rows[0].h;
  }
  return out;
}

describe('scaffold: every kind in every runner format, forward and back (PostgreSQL 18)', function () {
  this.timeout(600_000);
  let cluster: PgCluster;
  let n = 0;

  before(async () => {
    await initEngine();
    cluster = await sharedCluster(18);
    const admin = await cluster.client();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    await admin.end();
    const c = await cluster.client(TEMPLATE);
    await c.query(SCHEMA);
    await c.query(SEED);
    await c.end();
  });

  // `npm test` runs each kind in one format (a different one per kind, so every format is run);
  // the load script (LOCKSTEP_SCAFFOLD_LOAD=1) runs the whole matrix.
  const full = !!process.env.LOCKSTEP_SCAFFOLD_LOAD;
  KIND_CASES.forEach((c, i) => {
    for (const runner of full ? RUNNER_IDS : [RUNNER_IDS[i % RUNNER_IDS.length]]) {
      it(`${c.kind} ${c.args.to ?? ''} as ${runner}`.replace(/  +/g, ' '), async () => {
        const db = `scaffold_formats_${++n}`;
        const admin = await cluster.client();
        await admin.query(`DROP DATABASE IF EXISTS ${db}`);
        await admin.query(`CREATE DATABASE ${db} TEMPLATE ${TEMPLATE}`);
        await admin.end();
        const client = await cluster.client(db);
        try {
          const result = scaffold({ kind: c.kind, args: c.args, schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG), runner: runner as RunnerId, migrationsDir: 'm', existing: [], options: { pgVersion: 18, pauseMs: 0, batchSize: 64 } });
          const before = await schemaSnapshot(client);
          const data = await contents(client);
          const stats = { lockTimeoutRetries: 0, notices: [] as string[] };
          for (const m of result.migrations) await applyMigration(client, runner as RunnerId, result.files, m, 'up', stats);
          assert.notDeepEqual(await schemaSnapshot(client), before, 'the plan changed the schema');
          for (const m of [...result.migrations].reverse()) await applyMigration(client, runner as RunnerId, result.files, m, 'down', stats);
          assert.deepEqual(snapshotDiff(before, await schemaSnapshot(client)), [], 'the schema after rolling everything back');
          assert.deepEqual(await contents(client), data, 'the data after rolling everything back');
        } finally {
          await client.end();
          const cleanup = await cluster.client();
          await cleanup.query(`DROP DATABASE IF EXISTS ${db}`);
          await cleanup.end();
        }
      });
    }
  });
});
