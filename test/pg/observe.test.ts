/**
 * The observation harness itself, on statements whose effects PostgreSQL documents plainly
 * (LOCK TABLE takes exactly the mode it names, TRUNCATE gives new storage, a bare SELECT scans),
 * so a harness bug cannot hide behind the lock model's mistakes.
 */
import { strict as assert } from 'assert';
import { ORACLE_VERSIONS, sharedCluster, type PgMajor } from '../support/pgCluster';
import { LockOracle, StatementFailed } from './observe';

describe('lock observation harness', function () {
  this.timeout(120_000);
  const oracles = new Map<PgMajor, LockOracle>();

  before(async function () {
    const created = await Promise.all(ORACLE_VERSIONS.map(async (v) => [v, await LockOracle.create(await sharedCluster(v))] as const));
    for (const [v, oracle] of created) oracles.set(v, oracle);
  });

  after(async function () {
    await Promise.all([...oracles.values()].map((o) => o.close()));
  });

  for (const version of ORACLE_VERSIONS) {
    describe(`PG ${version}`, function () {
      const oracle = () => oracles.get(version)!;

      it('records exactly the lock an explicit LOCK TABLE takes', async function () {
        assert.deepStrictEqual(await oracle().observe({ sql: 'LOCK TABLE users IN SHARE MODE' }), {
          locks: { users: 'ShareLock' },
          rewritten: [],
          scanned: [],
        });
      });

      it('keeps the strongest of several modes held on one table, whatever the order', async function () {
        for (const sql of [
          'LOCK TABLE orders IN ROW EXCLUSIVE MODE; LOCK TABLE orders IN ACCESS SHARE MODE',
          'LOCK TABLE orders IN ACCESS SHARE MODE; LOCK TABLE orders IN ROW EXCLUSIVE MODE',
        ]) {
          assert.deepStrictEqual((await oracle().observe({ sql })).locks, { orders: 'RowExclusiveLock' }, sql);
        }
      });

      it('sees the new storage of a truncated table and the scan of a bare SELECT', async function () {
        const truncated = await oracle().observe({ sql: 'TRUNCATE audit_log' });
        assert.deepEqual(truncated.rewritten, ['audit_log']);
        assert.equal(truncated.locks.audit_log, 'AccessExclusiveLock');
        const selected = await oracle().observe({ sql: 'SELECT count(*) FROM events_2025' });
        assert.deepStrictEqual(selected, { locks: { events_2025: 'AccessShareLock' }, rewritten: [], scanned: ['events_2025'] });
      });

      it('keys type locks as type:<name> and names dropped relations from before the statement', async function () {
        const enumChange = await oracle().observe({ sql: "ALTER TYPE mood ADD VALUE 'meh'" });
        assert.deepStrictEqual(enumChange.locks, { 'type:mood': 'ExclusiveLock' });
        const dropped = await oracle().observe({ sql: 'DROP TABLE audit_log' });
        assert.equal(dropped.locks.audit_log, 'AccessExclusiveLock');
      });

      it('rolls every statement back, so later observations see the original schema', async function () {
        await oracle().observe({ sql: 'ALTER TABLE users RENAME TO people' });
        await oracle().observe({ sql: 'DROP TABLE audit_log' });
        const after = await oracle().observe({ sql: 'LOCK TABLE users, audit_log IN ACCESS SHARE MODE' });
        assert.deepStrictEqual(after.locks, { audit_log: 'AccessShareLock', users: 'AccessShareLock' });
      });

      it('reports a failing statement with its SQL and keeps working', async function () {
        await assert.rejects(oracle().observe({ sql: 'ALTER TABLE no_such_table ADD COLUMN x int' }), (err: Error) => {
          assert.ok(err instanceof StatementFailed);
          assert.match(err.message, /no_such_table/);
          return true;
        });
        const next = await oracle().observe({ sql: 'LOCK TABLE orders IN ROW SHARE MODE' });
        assert.deepStrictEqual(next.locks, { orders: 'RowShareLock' });
      });

      it('observes a statement outside a transaction while a blocker stalls it', async function () {
        const observed = await oracle().observe({
          sql: 'VACUUM FULL audit_log',
          outsideTransaction: { blockerSql: 'LOCK TABLE audit_log IN ACCESS SHARE MODE', stallsAt: 'acquiring its table lock' },
        });
        assert.deepStrictEqual(observed.locks, { audit_log: 'AccessExclusiveLock' });
        assert.deepEqual(observed.rewritten, ['audit_log']);
      });

      it('refuses an outside-transaction observation whose blocker never stalls the statement', async function () {
        const lockCase = {
          sql: 'VACUUM audit_log',
          outsideTransaction: { blockerSql: 'LOCK TABLE users IN ACCESS SHARE MODE', stallsAt: 'nowhere' },
        };
        await assert.rejects(oracle().observe(lockCase), /finished without waiting/);
      });
    });
  }
});
