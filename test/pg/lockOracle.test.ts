/**
 * The lock model against real PostgreSQL: for every statement form in lockCases.ts and every
 * oracle version, what `predictObservable` says must deep-equal what PostgreSQL does.
 * A mismatch fails with a diff of observed (actual) against predicted (expected).
 *
 * Test titles carry the prediction, which needs the WASM parser (async), so the per-statement
 * tests are added in `before`, once the engine and the clusters are up.
 */
import { strict as assert } from 'assert';
import Mocha from 'mocha';
import { initEngine } from '../../server/src/engine';
import { predictObservable, type ObservableEffects } from '../../server/src/locks/oracle';
import { ORACLE_VERSIONS, sharedCluster, type PgMajor } from '../support/pgCluster';
import { SETUP_SQL, casesFor, type LockCase } from './lockCases';
import { LockOracle, describeEffects } from './observe';

type Prediction = { effects: ObservableEffects } | { error: string };

/** Bad input must not crash the suite: a throwing prediction becomes a failing test. */
function predict(lockCase: LockCase, version: number): Prediction {
  try {
    const { locks, rewritten, scanned } = predictObservable(lockCase.sql, SETUP_SQL, version, lockCase.session);
    return { effects: { locks, rewritten, scanned } };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function oracleTest(version: number, lockCase: LockCase, oracle: LockOracle): Mocha.Test {
  const prediction = predict(lockCase, version);
  const claim = 'effects' in prediction ? describeEffects(prediction.effects) : `(no prediction: ${prediction.error})`;
  const session = lockCase.session ? `[${lockCase.session}] ` : '';
  const test = new Mocha.Test(`PG ${version}: ${session}${lockCase.sql} → ${claim}`, async function () {
    const observed = await oracle.observe(lockCase);
    if ('error' in prediction) {
      assert.fail(`predictObservable threw: ${prediction.error}\n  observed: ${describeEffects(observed)}`);
    }
    const message = `what PostgreSQL ${version} did (actual) differs from predictObservable (expected)`;
    if (lockCase.observesFirstLockOnly) {
      // Only the first lock is visible at the stall: each observed lock must be predicted exactly.
      assert.ok(Object.keys(observed.locks).length > 0, 'nothing was observed');
      const predicted = Object.fromEntries(Object.keys(observed.locks).map((k) => [k, prediction.effects.locks[k]]));
      assert.deepStrictEqual(observed, { ...prediction.effects, locks: predicted }, message);
    } else {
      assert.deepStrictEqual(observed, prediction.effects, message);
    }
  });
  test.timeout(60_000);
  return test;
}

describe('lock model vs real PostgreSQL (oracle)', function () {
  const oracles = new Map<PgMajor, LockOracle>();
  const versionSuites = new Map<PgMajor, Mocha.Suite>();

  before(async function () {
    this.timeout(180_000);
    // Every version's cluster boots in parallel, next to the parser.
    const [, ...created] = await Promise.all([
      initEngine(),
      ...ORACLE_VERSIONS.map(async (v) => [v, await LockOracle.create(await sharedCluster(v))] as const),
    ]);
    for (const [v, oracle] of created as Array<readonly [PgMajor, LockOracle]>) {
      oracles.set(v, oracle);
      for (const lockCase of casesFor(v)) versionSuites.get(v)!.addTest(oracleTest(v, lockCase, oracle));
    }
  });

  after(async function () {
    await Promise.all([...oracles.values()].map((o) => o.close()));
  });

  it(`runs PostgreSQL ${ORACLE_VERSIONS.join(' and ')} with the oracle schema loaded`, async function () {
    for (const version of ORACLE_VERSIONS) {
      const oracle = oracles.get(version);
      assert.ok(oracle, `no oracle for PostgreSQL ${version}`);
      const client = await oracle.cluster.client();
      try {
        const { rows } = await client.query("SELECT current_setting('server_version_num')::int / 10000 AS major");
        assert.equal(rows[0].major, version);
      } finally {
        await client.end();
      }
      assert.ok(versionSuites.get(version)!.tests.length >= 150, `PG ${version}: fewer than 150 statement forms`);
    }
  });

  for (const version of ORACLE_VERSIONS) {
    // Filled by `before` above: one test per statement form.
    versionSuites.set(version, describe(`PostgreSQL ${version}`, () => undefined));
  }
});
