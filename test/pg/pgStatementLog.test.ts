/**
 * The framework migrator suites read what the server received from its log. The logging collector
 * writes through a pipe, so the file can trail the last query: here the collector is paused
 * (SIGSTOP) while a query runs, and the reader must still return it once the collector resumes.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type PgCluster } from '../support/pgCluster';
import { LOG_SETTINGS, readLog, receivedStatements } from '../support/pgStatementLog';

/** The logging collector: the postmaster's child whose process title says `logger` (read from /proc). */
function loggerPid(cluster: PgCluster): number {
  const postmaster = readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      // stat: "pid (comm) state ppid …"; comm may hold spaces, so split after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      return ppid === postmaster ? [{ pid: Number(pid), title: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') }] : [];
    } catch {
      return []; // the process ended while we looked
    }
  });
  const logger = children.find((c) => /\blogger\b/.test(c.title));
  assert.ok(logger, `no logger process among the postmaster's children: ${JSON.stringify(children)}`);
  return logger.pid;
}

describe('reading the statement log', function () {
  this.timeout(60_000);
  let cluster: PgCluster;

  before(async () => {
    cluster = await startCluster(18, { settings: LOG_SETTINGS });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('waits for the collector: a query logged while it is paused is still returned', async () => {
    const admin = await cluster.client();
    await admin.query('CREATE DATABASE log_lag');
    await admin.end();
    const logger = loggerPid(cluster);
    process.kill(logger, 'SIGSTOP');
    let reading: Promise<unknown> | undefined;
    try {
      const client = await cluster.client('log_lag');
      await client.query("SELECT 'sent while the collector sleeps'");
      await client.end();
      assert.ok(!readLog(cluster).includes('sent while the collector sleeps'), 'the paused collector has not written the query yet');
      reading = receivedStatements(cluster, 'log_lag');
    } finally {
      process.kill(logger, 'SIGCONT');
    }
    const got = (await reading) as { sql: string }[];
    assert.deepEqual(
      got.map((g) => g.sql),
      ["SELECT 'sent while the collector sleeps'"],
    );
  });
});
