/**
 * The flat patients table normalized into patients_core + patient_contacts (1:N history) +
 * patient_addresses (1:1) behind v_patients_legacy, on PostgreSQL 18, while three application
 * workloads write: old code on the table (until PLAN.md says to switch), old code through the
 * legacy view (from the expand on), and new code on the new tables (from the deploy PLAN.md
 * names). Every write is recorded in a ledger; the view, the old table (archived or not) and the
 * ledger must agree row for row after the contract and after rolling it back, with zero workload
 * errors, and rolling everything back restores the schema and the data.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { scaffold, type ScaffoldResult } from '../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../server/src/scaffold/schema';
import { sharedCluster, type PgCluster, type PgMajor } from '../support/pgCluster';
import { applyMigration, type ExecStats } from './scaffold/runnerExec';
import { schemaSnapshot, snapshotDiff } from './scaffold/snapshot';

const ROWS = Number(process.env.LOCKSTEP_NORMALIZE_ROWS ?? 20_000);
const DB = 'scaffold_normalize';
/** PostgreSQL 18 in `npm test`; LOCKSTEP_SCAFFOLD_PG=14 runs it on 14. */
const VERSION = Number(process.env.LOCKSTEP_SCAFFOLD_PG ?? 18) as PgMajor;
const SCHEMA = `CREATE TABLE patients (id bigserial PRIMARY KEY, name text NOT NULL, birth_date date, phone text, email text, street text, city text, zip text);
CREATE INDEX patients_city_idx ON patients (city);`;
const SEED = `INSERT INTO patients (name, birth_date, phone, email, street, city, zip)
SELECT 'Patient ' || g, date '1950-01-01' + g % 20000, CASE WHEN g % 3 > 0 THEN '555-' || g END, 'p' || g || '@example.com',
       CASE WHEN g % 4 > 0 THEN g || ' Main St' END, 'City' || g % 7, lpad(g::text, 5, '0')
FROM generate_series(1, ${ROWS}) g`;
const COLUMNS = ['name', 'birth_date', 'phone', 'email', 'street', 'city', 'zip'] as const;
type Row = Record<(typeof COLUMNS)[number], string | null>;
const ROW_SQL = `id::text AS id, ${COLUMNS.map((c) => `${c}::text AS ${c}`).join(', ')}`;
const show = (r: Row | undefined) => (r ? COLUMNS.map((c) => r[c] ?? 'NULL').join('|') : 'absent');

async function rows(client: pg.Client, relation: string): Promise<Map<string, Row>> {
  const { rows } = await client.query<Row & { id: string }>(`SELECT ${ROW_SQL} FROM ${relation}`);
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}

describe(`scaffold normalize: patients behind v_patients_legacy under load (PostgreSQL ${VERSION})`, function () {
  this.timeout(600_000);
  let cluster: PgCluster;

  before(async () => {
    await initEngine();
    cluster = await sharedCluster(VERSION);
    const admin = await cluster.client();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
  });

  after(async () => {
    const admin = await cluster.client();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  });

  it('zero errors, the view and the old table agree with the ledger after the contract and after every rollback', async () => {
    const client = await cluster.client(DB);
    const errors: string[] = [];
    const loops: Array<Promise<void>> = [];
    try {
      await client.query(SCHEMA);
      await client.query(SEED);
      const before = await schemaSnapshot(client);
      const ledger = await rows(client, 'patients');
      const result: ScaffoldResult = scaffold({
        kind: 'normalize',
        args: { table: 'patients', parts: 'patient_addresses=street,city,zip', history: 'patient_contacts=phone,email' },
        schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG),
        runner: 'plain',
        migrationsDir: 'm',
        existing: [],
        options: { pgVersion: 18, pauseMs: 0, batchSize: 2000 },
      });
      const md = result.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
      assert.match(md, /Deploy v2 behind a feature flag/);
      assert.match(md, /Point the old code at v_patients_legacy instead of patients/);

      // Each workload owns the keys ≡ its slot (mod 3), and the rows it inserts: the ledger is exact.
      const state = { oldTable: true, view: false, v2: false, stop: false };
      const owned = (slot: number) => [...ledger.keys()].filter((k) => Number(k) % 3 === slot);
      const writer = (name: string, slot: number, on: () => boolean, op: (c: pg.Client, keys: string[], i: number) => Promise<void>) => {
        const keys = owned(slot);
        return (async () => {
          const c = new pg.Client({ connectionString: cluster.connectionString(DB), application_name: name });
          await c.connect();
          let i = 0;
          try {
            while (!state.stop && !(name === 'v1-table' && !state.oldTable)) {
              if (on()) {
                i++;
                try {
                  await op(c, keys, i);
                } catch (err) {
                  errors.push(`${name}: ${(err as Error).message}`);
                  await c.query('ROLLBACK').catch(() => undefined);
                }
              }
              await new Promise((r) => setTimeout(r, 2));
            }
          } finally {
            await c.end();
          }
        })();
      };
      const pick = (keys: string[], i: number) => keys[(i * 7919) % keys.length];
      /** v1: the same statements, on the table or on the view. */
      const v1 = (relation: string) => async (c: pg.Client, keys: string[], i: number) => {
        if (i % 10 === 0 && keys.length > 100) {
          const id = pick(keys, i);
          await c.query(`DELETE FROM ${relation} WHERE id = $1`, [id]);
          keys.splice(keys.indexOf(id), 1);
          ledger.delete(id);
        } else if (i % 3 === 0) {
          const r: Row = { name: `${relation} new ${i}`, birth_date: null, phone: i % 2 ? `666-${i}` : null, email: `${relation}${i}@example.com`, street: null, city: i % 4 ? `Town${i % 5}` : null, zip: null };
          const { rows: got } = await c.query<{ id: string }>(`INSERT INTO ${relation} (name, phone, email, city) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`, [r.name, r.phone, r.email, r.city]);
          keys.push(got[0].id);
          ledger.set(got[0].id, r);
        } else {
          const id = pick(keys, i);
          const prev = ledger.get(id)!;
          const next: Row = { ...prev, phone: `777-${i}`, city: i % 5 ? `Village${i % 9}` : null, street: i % 5 ? prev.street : null, zip: i % 5 ? prev.zip : null };
          await c.query(`UPDATE ${relation} SET phone = $1, city = $2, street = $3, zip = $4 WHERE id = $5`, [next.phone, next.city, next.street, next.zip, id]);
          ledger.set(id, next);
        }
      };
      /** v2: the new tables only, related rows in one transaction. */
      const v2 = async (c: pg.Client, keys: string[], i: number) => {
        if (i % 10 === 0 && keys.length > 100) {
          const id = pick(keys, i);
          await c.query('DELETE FROM patients_core WHERE id = $1', [id]);
          keys.splice(keys.indexOf(id), 1);
          ledger.delete(id);
        } else if (i % 3 === 0) {
          await c.query('BEGIN');
          const { rows: got } = await c.query<{ id: string }>(`INSERT INTO patients_core (name, birth_date) VALUES ($1, date '2000-01-01') RETURNING id::text AS id`, [`v2 new ${i}`]);
          const id = got[0].id;
          await c.query('INSERT INTO patient_contacts (patients_id, phone, email) VALUES ($1, $2, $3)', [id, `888-${i}`, `v2-${i}@example.com`]);
          await c.query('INSERT INTO patient_addresses (id, street, city, zip) VALUES ($1, $2, $3, $4)', [id, `${i} New Rd`, 'Newtown', '99999']);
          await c.query('COMMIT');
          keys.push(id);
          ledger.set(id, { name: `v2 new ${i}`, birth_date: '2000-01-01', phone: `888-${i}`, email: `v2-${i}@example.com`, street: `${i} New Rd`, city: 'Newtown', zip: '99999' });
        } else {
          const id = pick(keys, i);
          const prev = ledger.get(id)!;
          await c.query('BEGIN');
          // A new contact version (history), and the address moved.
          await c.query('INSERT INTO patient_contacts (patients_id, phone, email) VALUES ($1, $2, $3)', [id, `999-${i}`, prev.email]);
          await c.query('INSERT INTO patient_addresses (id, street, city, zip) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET street = EXCLUDED.street, city = EXCLUDED.city, zip = EXCLUDED.zip', [id, `${i} Moved Ave`, 'Movedville', '11111']);
          await c.query('COMMIT');
          ledger.set(id, { ...prev, phone: `999-${i}`, street: `${i} Moved Ave`, city: 'Movedville', zip: '11111' });
        }
      };
      const reader = async (c: pg.Client, _keys: string[], i: number) => {
        const id = 1 + ((i * 31) % ROWS);
        if (state.v2) await c.query('SELECT c.name, a.city, h.phone FROM patients_core c LEFT JOIN patient_addresses a USING (id) LEFT JOIN patient_contacts h ON h.patients_id = c.id WHERE c.id = $1', [id]);
        await c.query(`SELECT * FROM ${state.view ? 'v_patients_legacy' : 'patients'} WHERE id = $1`, [id]);
      };
      const tableLoop = writer('v1-table', 0, () => state.oldTable, v1('patients'));
      loops.push(tableLoop, writer('v1-view', 1, () => state.view, v1('v_patients_legacy')), writer('v2', 2, () => state.v2, v2), writer('reader', 0, () => true, reader));

      const stats: ExecStats = { lockTimeoutRetries: 0, notices: [] };
      for (const m of result.migrations) {
        if (m.phase >= 2 && state.oldTable) {
          // PLAN.md: v2 is deployed and old code points at the view before the contract phase.
          state.v2 = true;
          state.oldTable = false;
          await tableLoop;
          await new Promise((r) => setTimeout(r, 300));
        }
        await applyMigration(client, 'plain', result.files, m, 'up', stats);
        if (m.migration.name === 'expand') state.view = true;
        await new Promise((r) => setTimeout(r, 300));
      }
      await new Promise((r) => setTimeout(r, 300));
      const contract = result.migrations.find((m) => m.migration.name === 'contract')!;
      await applyMigration(client, 'plain', result.files, contract, 'down', stats);
      await new Promise((r) => setTimeout(r, 300));
      state.stop = true;
      await Promise.all(loops);
      assert.deepEqual(errors, [], 'workload errors');

      const expected = new Map([...ledger].map(([k, r]) => [k, show(r)]));
      const check = async (relation: string) => {
        const got = await rows(client, relation);
        const wrong = [...new Set([...expected.keys(), ...got.keys()])].filter((k) => expected.get(k) !== show(got.get(k))).slice(0, 5);
        assert.deepEqual(wrong.map((k) => `${k}: expected ${expected.get(k) ?? 'absent'}, got ${show(got.get(k))}`), [], `${relation} against the ledger`);
        assert.equal(got.size, expected.size);
      };
      await check('v_patients_legacy');
      await check('patients');
      const history = await client.query<{ n: string }>('SELECT count(*) AS n FROM patient_contacts GROUP BY patients_id ORDER BY 1 DESC LIMIT 1');
      assert.ok(Number(history.rows[0].n) > 1, 'contacts kept their history');

      // Roll the contract forward again, then everything back, without load.
      await applyMigration(client, 'plain', result.files, contract, 'up', stats);
      await check('v_patients_legacy');
      await check('lockstep_archive.patients');
      for (const m of [...result.migrations].reverse()) await applyMigration(client, 'plain', result.files, m, 'down', stats);
      assert.deepEqual(snapshotDiff(before, await schemaSnapshot(client)), [], 'the schema after rolling everything back');
      await check('patients');
    } finally {
      await Promise.all(loops).catch(() => undefined);
      await client.end();
    }
  });

  it('the verify refuses to continue when the old table and the new tables differ', async () => {
    const client = await cluster.client(DB);
    try {
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS lockstep_archive CASCADE');
      await client.query(SCHEMA);
      await client.query(SEED.replace(`generate_series(1, ${ROWS})`, 'generate_series(1, 200)'));
      const result = scaffold({ kind: 'normalize', args: { table: 'patients', history: 'patient_contacts=phone,email', view: 'patients' }, schema: schemaFromSql(SCHEMA, DEFAULT_CONFIG), runner: 'plain', migrationsDir: 'm', existing: [], options: { pgVersion: 18, pauseMs: 0 } });
      const stats: ExecStats = { lockTimeoutRetries: 0, notices: [] };
      const step = (name: string) => applyMigration(client, 'plain', result.files, result.migrations.find((m) => m.migration.name === name)!, 'up', stats);
      await step('expand');
      await step('backfill');
      // A write the sync trigger does not see (as if it had been dropped by hand).
      await client.query('ALTER TABLE patients DISABLE TRIGGER normalize_patients_sync_old');
      await client.query(`UPDATE patients SET email = 'changed@example.com' WHERE id = 7`);
      await client.query('ALTER TABLE patients ENABLE TRIGGER normalize_patients_sync_old');
      await assert.rejects(step('verify'), /normalize_patients: 1 rows differ between patients and the new tables/);
      // Fixed (the write repeated with the trigger on), the verify passes and the view takes the table's name.
      await client.query(`UPDATE patients SET email = 'changed@example.com' WHERE id = 7`);
      await step('verify');
      await step('contract');
      const { rows: got } = await client.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = 'patients'::regclass`);
      assert.equal(got[0].relkind, 'v');
      await client.query(`INSERT INTO patients (name, email) VALUES ('through the view', 'v@example.com')`);
      const { rows: back } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM lockstep_archive.patients WHERE name = 'through the view'`);
      assert.equal(back[0].n, '1', 'the archived table still receives writes');
    } finally {
      await client.end();
    }
  });
});
