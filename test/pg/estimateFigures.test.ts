/**
 * Tables filled to known sizes on real PostgreSQL: the estimator's rows, table, index and TOAST
 * sizes, indexes, foreign keys in both directions and triggers must match what the server itself
 * reports — and the heap size must match the page arithmetic of the rows we wrote.
 */
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { MB } from '../../server/src/db/throughput';
import { ORACLE_VERSIONS, sharedCluster, type PgCluster } from '../support/pgCluster';
import { appClient, dropDatabase, estimateOn, freshDatabase, until } from './estimateFixtures';

const DB = 'lockstep_estimate_figures';
const ROWS = 100_000;
/** (bigint, bigint): 24-byte header + 16 bytes of data + a 4-byte line pointer = 44 bytes; (8192 − 24) / 44 → 185 rows a page. */
const ROWS_PER_PAGE = 185;
const DOCS = 200;

const SETUP = `
  CREATE TABLE customers (id bigint PRIMARY KEY);
  INSERT INTO customers SELECT g FROM generate_series(0, 99) g;
  CREATE TABLE ledger (id bigint NOT NULL, customer_id bigint NOT NULL) WITH (autovacuum_enabled = off);
  INSERT INTO ledger SELECT g, g % 100 FROM generate_series(1, ${ROWS}) g;
  CREATE INDEX ledger_customer_idx ON ledger (customer_id);
  ALTER TABLE ledger ADD CONSTRAINT ledger_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
  CREATE TABLE ledger_notes (ledger_id bigint, note text);
  ALTER TABLE ledger ADD CONSTRAINT ledger_id_key UNIQUE (id);
  ALTER TABLE ledger_notes ADD CONSTRAINT ledger_notes_fk FOREIGN KEY (ledger_id) REFERENCES ledger (id) NOT VALID;
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
  CREATE TRIGGER ledger_touch BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION touch();
  -- Documents big enough to be moved out of line into TOAST, and random enough not to compress.
  CREATE TABLE docs (id int PRIMARY KEY, body text);
  ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
  INSERT INTO docs SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 200) i) FROM generate_series(1, ${DOCS}) g;
`;
const VACUUM = ['VACUUM ANALYZE ledger', 'VACUUM ANALYZE docs', 'VACUUM ANALYZE customers'];

async function serverFigures(client: pg.Client, table: string) {
  const { rows } = await client.query(
    `SELECT pg_relation_size(c.oid)::float8 AS heap, pg_total_relation_size(c.oid)::float8 AS total, pg_indexes_size(c.oid)::float8 AS indexes,
            coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::float8 AS toast, c.reltuples::float8 AS reltuples
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  return rows[0] as { heap: number; total: number; indexes: number; toast: number; reltuples: number };
}

for (const version of ORACLE_VERSIONS) {
  describe(`estimate figures on PostgreSQL ${version}`, function () {
    this.timeout(120_000);
    let cluster: PgCluster;
    let admin: pg.Client;

    before(async () => {
      cluster = await sharedCluster(version);
      await freshDatabase(cluster, DB, SETUP, ...VACUUM);
      admin = await cluster.client(DB);
    });
    after(async () => {
      await admin?.end();
      await dropDatabase(cluster, DB);
    });

    it('rows, table, index and TOAST sizes of a table filled to a known size', async () => {
      const report = await estimateOn(cluster, DB, 'ALTER TABLE ledger ALTER COLUMN customer_id TYPE integer;');
      const ledger = report.relations.find((r) => r.name === 'ledger')!;
      const expectedHeap = Math.ceil(ROWS / ROWS_PER_PAGE) * 8192;
      assert.equal(ledger.heapBytes, expectedHeap, 'heap = pages the rows need × 8 kB');
      const server = await serverFigures(admin, 'ledger');
      assert.equal(ledger.rows, ROWS);
      assert.equal(server.reltuples, ROWS);
      assert.equal(ledger.heapBytes, server.heap);
      assert.equal(ledger.indexBytes, server.indexes);
      assert.equal(ledger.totalBytes, server.total);
      assert.equal(ledger.sizeSource, 'measured');
      assert.deepEqual(ledger.indexes.map((i) => i.name).sort(), ['ledger_customer_idx', 'ledger_id_key']);
      for (const i of ledger.indexes) {
        const { rows } = await admin.query('SELECT pg_relation_size($1::regclass)::float8 AS bytes', [i.name]);
        assert.equal(i.bytes, rows[0].bytes, i.name);
      }

      const docs = (await estimateOn(cluster, DB, 'ALTER TABLE docs ADD COLUMN v int;')).relations.find((r) => r.name === 'docs')!;
      const docsServer = await serverFigures(admin, 'docs');
      assert.equal(docs.toastBytes, docsServer.toast);
      // 200 documents of 6,400 random hex characters each, stored uncompressed out of line.
      assert.ok(docs.toastBytes >= DOCS * 6400, `TOAST holds the documents: ${docs.toastBytes}`);
      assert.ok(docs.heapBytes < docs.toastBytes / 10, 'the heap keeps only pointers');
    });

    it('foreign keys in both directions and triggers', async () => {
      const report = await estimateOn(cluster, DB, 'ALTER TABLE ledger ADD COLUMN memo text;');
      const ledger = report.relations.find((r) => r.name === 'ledger')!;
      assert.deepEqual(ledger.foreignKeysOut, [{ name: 'ledger_customer_fk', to: 'customers', validated: true }]);
      assert.deepEqual(ledger.foreignKeysIn, [{ name: 'ledger_notes_fk', from: 'ledger_notes', validated: false }]);
      assert.deepEqual(ledger.triggers, [{ name: 'ledger_touch', enabled: true }]);
    });

    it('durations follow from the measured sizes and the throughput figures', async () => {
      const throughput = { rewriteMBps: 10, scanMBps: 40, indexBuildMBps: 20 };
      const report = await estimateOn(
        cluster,
        DB,
        'ALTER TABLE ledger ALTER COLUMN customer_id TYPE integer;\nALTER TABLE ledger ADD CONSTRAINT positive CHECK (id > 0);\nCREATE INDEX ledger_id_idx ON ledger (id);',
        { estimate: throughput },
      );
      const heap = report.relations.find((r) => r.name === 'ledger')!.heapBytes / MB;
      const [rewrite, scan, build] = report.statements;
      // The live schema says customer_id is bigint, so bigint → integer rewrites for sure, and both indexes are rebuilt;
      // the retyped foreign key is checked again, which reads the referenced customers.
      const customers = report.relations.find((r) => r.name === 'customers')!.heapBytes / MB;
      assert.deepEqual(rewrite.work.map((w) => [w.relation, w.kind, w.certain]), [['ledger', 'rewrite', true], ['customers', 'scan', true]]);
      assert.ok(Math.abs(rewrite.seconds - (heap / 10 + (2 * heap) / 20 + customers / 40)) < 1e-9, `${rewrite.seconds}`);
      assert.ok(Math.abs(scan.seconds - heap / 40) < 1e-9);
      assert.ok(Math.abs(build.seconds - heap / 20) < 1e-9);
      assert.ok(Math.abs(report.totalSeconds - (rewrite.seconds + scan.seconds + build.seconds)) < 1e-9);
    });

    it('a cancelled estimate stops between queries with a clear error', async () => {
      const aborted = new AbortController();
      aborted.abort();
      await assert.rejects(estimateOn(cluster, DB, 'ALTER TABLE ledger ADD COLUMN c int;', {}, { signal: aborted.signal }), (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'cancelled');
        assert.equal(error.message, 'The estimate was cancelled.');
        return true;
      });
    });

    it('the live schema names the table of an index the migration drops', async () => {
      const report = await estimateOn(cluster, DB, 'DROP INDEX ledger_customer_idx;');
      assert.deepEqual(report.statements[0].relations.map((r) => [r.relation, r.mode]), [['ledger', 'AccessExclusiveLock']]);
    });

    it('under a held ACCESS EXCLUSIVE lock, sizes come from statistics without waiting', async () => {
      const holder = await appClient(cluster, DB, 'migration-in-progress');
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE ledger IN ACCESS EXCLUSIVE MODE');
        const report = await estimateOn(cluster, DB, 'ALTER TABLE ledger ADD COLUMN memo2 text;');
        // It answered while the lock is still held, so it did not wait for it (no clock involved).
        const held = await admin.query("SELECT count(*)::int AS n FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted AND relation = 'ledger'::regclass");
        assert.equal(held.rows[0].n, 1, 'the holder still holds its lock');
        const ledger = report.relations.find((r) => r.name === 'ledger')!;
        assert.equal(ledger.sizeSource, 'statistics');
        assert.match(ledger.sizeNote ?? '', /holds ACCESS EXCLUSIVE on it, so sizes come from statistics \(no lock taken\)/);
        assert.equal(ledger.heapBytes, Math.ceil(ROWS / ROWS_PER_PAGE) * 8192, 'relpages after VACUUM is exact');
        const blocker = report.statements[0].relations[0].waitsFor[0];
        assert.equal(blocker.application, 'migration-in-progress');
        assert.equal(blocker.mode, 'AccessExclusiveLock');
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      await until('the lock to go', async () => (await admin.query("SELECT count(*)::int AS n FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 'ledger'::regclass")).rows[0].n === 0);
    });
  });
}
