/**
 * The private-cluster helper: real servers of the right version, configured as promised,
 * never running as root, and leaving nothing behind after stop().
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pg from 'pg';
import { ORACLE_VERSIONS, SUPPORTED_VERSIONS, parseVersions, startCluster, type PgCluster, type PgMajor } from '../support/pgCluster';

function uidOf(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

describe('pgCluster', function () {
  describe('LOCKSTEP_PG_VERSIONS', function () {
    it('defaults to PostgreSQL 14 and 18 (the short run of npm test)', function () {
      assert.deepEqual(parseVersions(undefined), [14, 18]);
      assert.deepEqual(parseVersions(' '), [14, 18]);
    });

    it('narrows to the listed versions, in version order', function () {
      assert.deepEqual(parseVersions('18'), [18]);
      assert.deepEqual(parseVersions('18, 14'), [14, 18]);
      assert.deepEqual(parseVersions('13,12'), [12, 13]);
    });

    it('widens to every major from 12 to 18 with "all"', function () {
      assert.deepEqual(parseVersions('all'), [12, 13, 14, 15, 16, 17, 18]);
    });

    it('rejects versions it has no binaries for', function () {
      assert.throws(() => parseVersions('14,11'), /unsupported version\(s\) 11/);
      assert.throws(() => parseVersions('19'), /unsupported version\(s\) 19; supported: 12, 13, 14, 15, 16, 17, 18/);
    });

    it('finds the server binaries of every supported major', function () {
      for (const version of SUPPORTED_VERSIONS) {
        const bin = path.resolve(__dirname, '..', '..', 'node_modules', `pg${version}`, 'native', 'bin', 'postgres');
        assert.ok(fs.existsSync(bin), `no PostgreSQL ${version} server at ${bin}`);
      }
    });
  });

  describe('startCluster', function () {
    this.timeout(120_000);
    const clusters = new Map<PgMajor, PgCluster>();

    before(async function () {
      const started = await Promise.all(ORACLE_VERSIONS.map((v) => startCluster(v)));
      for (const cluster of started) clusters.set(cluster.version as PgMajor, cluster);
    });

    after(async function () {
      await Promise.all([...clusters.values()].map((c) => c.stop()));
    });

    for (const version of ORACLE_VERSIONS) {
      it(`PG ${version}: serves the right version on loopback, tuned for tests, as a non-root user`, async function () {
        const cluster = clusters.get(version)!;
        const client = await cluster.client();
        try {
          const { rows } = await client.query(`
            SELECT current_setting('server_version_num')::int / 10000 AS major, current_user AS who,
                   current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen,
                   current_setting('autovacuum') AS autovacuum, current_setting('TimeZone') AS tz,
                   (SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer') AS checkpointer`);
          const row = rows[0];
          assert.deepEqual(
            { major: row.major, who: row.who, fsync: row.fsync, listen: row.listen, autovacuum: row.autovacuum, tz: row.tz },
            { major: version, who: 'lockstep', fsync: 'off', listen: '127.0.0.1', autovacuum: 'off', tz: 'UTC' },
          );
          const expectedUid = process.getuid!() === 0 ? Number(fs.statSync(cluster.dataDir).uid) : process.getuid!();
          assert.notEqual(uidOf(row.checkpointer), 0, 'PostgreSQL must not run as root');
          assert.equal(uidOf(row.checkpointer), expectedUid);
        } finally {
          await client.end();
        }
        assert.ok(cluster.dataDir.startsWith(os.tmpdir()), `${cluster.dataDir} is not under ${os.tmpdir()}`);
        assert.match(cluster.connectionString('x'), new RegExp(`^postgresql://lockstep@127\\.0\\.0\\.1:${cluster.port}/x$`));
      });
    }

    it('gives each cluster its own port and folder', function () {
      const all = [...clusters.values()];
      assert.equal(new Set(all.map((c) => c.port)).size, all.length);
      assert.equal(new Set(all.map((c) => c.dataDir)).size, all.length);
    });
  });

  describe('stop', function () {
    this.timeout(120_000);

    it('shuts the server down, deletes its folder, and can be called twice', async function () {
      const cluster = await startCluster(ORACLE_VERSIONS[0]);
      assert.ok(fs.existsSync(cluster.dataDir));
      await Promise.all([cluster.stop(), cluster.stop()]);
      await cluster.stop();
      assert.equal(fs.existsSync(cluster.dataDir), false, 'data folder left behind');
      const client = new pg.Client({ connectionString: cluster.connectionString(), connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      await assert.rejects(client.connect(), /ECONNREFUSED|terminat|timeout/i);
      await client.end().catch(() => undefined);
    });

    it('rejects versions it has no binaries for', async function () {
      await assert.rejects(startCluster(11 as PgMajor), /unsupported PostgreSQL major 11/);
    });
  });
});
