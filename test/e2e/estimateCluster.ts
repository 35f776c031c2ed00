/**
 * A PostgreSQL 18 cluster for the real-editor estimate test (test/e2e/suite/estimate.test.ts):
 * started by scripts/e2e/run.mjs before code-server, with an `orders` table matching the fixture
 * workspace. Prints one JSON line `{"url": …}` when ready, and stops the cluster when its stdin
 * closes or it gets SIGTERM/SIGINT (the runner stops its whole process group at the end).
 */
import { startCluster } from '../support/pgCluster';

const DB = 'lockstep_e2e';

async function main(): Promise<void> {
  const cluster = await startCluster(18);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await cluster.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.stdin.on('end', () => void stop(0));
  process.stdin.resume();

  const admin = await cluster.client();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const db = await cluster.client(DB);
  await db.query(`
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, note text);
    INSERT INTO orders SELECT g, g % 1000, md5(g::text) FROM generate_series(1, 50000) g;
  `);
  await db.query('VACUUM ANALYZE orders');
  await db.end();
  process.stdout.write(`${JSON.stringify({ url: cluster.connectionString(DB) })}\n`);
}

main().catch((error) => {
  process.stderr.write(`estimate cluster failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
