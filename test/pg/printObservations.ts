/**
 * Runs every lock case on every oracle version and writes what PostgreSQL really did to
 * test-output/lock-observations.json (and a readable .md next to it), so the lock model can be
 * compared with reality without the test suite.
 *
 *   npx tsx test/pg/printObservations.ts            # all ORACLE_VERSIONS
 *   LOCKSTEP_PG_VERSIONS=18 npx tsx test/pg/printObservations.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ObservableEffects } from '../../server/src/locks/oracle';
import { ORACLE_VERSIONS, startCluster, startTimings, type PgMajor } from '../support/pgCluster';
import { LOCK_CASES, SETUP_SQL, casesFor, type LockCase } from './lockCases';
import { LockOracle, describeEffects } from './observe';

type Outcome = ObservableEffects | { error: string };

async function observeVersion(version: PgMajor): Promise<{ results: Map<LockCase, Outcome>; ms: number }> {
  const cluster = await startCluster(version);
  const started = Date.now();
  const results = new Map<LockCase, Outcome>();
  try {
    const oracle = await LockOracle.create(cluster);
    try {
      for (const lockCase of casesFor(version)) {
        try {
          results.set(lockCase, await oracle.observe(lockCase));
        } catch (err) {
          results.set(lockCase, { error: (err as Error).message });
        }
      }
    } finally {
      await oracle.close();
    }
  } finally {
    await cluster.stop();
  }
  return { results, ms: Date.now() - started };
}

function describe(outcome: Outcome | undefined): string {
  if (outcome === undefined) return 'n/a (version)';
  return 'error' in outcome ? `ERROR ${outcome.error.split('\n').join(' ')}` : describeEffects(outcome);
}

function markdown(byVersion: Map<PgMajor, Map<LockCase, Outcome>>): string {
  const lines = ['# Observed lock effects', ''];
  for (const lockCase of LOCK_CASES) {
    const described = [...byVersion].map(([v, results]) => [v, describe(results.get(lockCase))] as const);
    const same = new Set(described.map(([, d]) => d)).size === 1;
    const tag = [lockCase.ref ? `ref ${lockCase.ref}` : '', lockCase.outsideTransaction ? 'outside txn' : '']
      .filter(Boolean)
      .join(', ');
    const head = `- \`${lockCase.sql}\`${tag ? ` (${tag})` : ''}`;
    if (same) lines.push(`${head} → all: ${described[0][1]}`);
    else lines.push(`${head} →`, ...described.map(([v, d]) => `  - PG ${v}: ${d}`));
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const started = Date.now();
  const runs = await Promise.all(ORACLE_VERSIONS.map(async (v) => [v, await observeVersion(v)] as const));
  const byVersion = new Map(runs.map(([v, run]) => [v, run.results]));
  const outDir = path.resolve(__dirname, '..', '..', 'test-output');
  fs.mkdirSync(outDir, { recursive: true });
  const json = {
    versions: ORACLE_VERSIONS,
    setupSql: SETUP_SQL,
    timings: {
      totalMs: Date.now() - started,
      clusterStart: startTimings,
      observeMs: Object.fromEntries(runs.map(([v, run]) => [v, run.ms])),
    },
    cases: LOCK_CASES.map((c) => ({
      ...c,
      observed: Object.fromEntries([...byVersion].map(([v, results]) => [v, results.get(c) ?? null])),
    })),
  };
  fs.writeFileSync(path.join(outDir, 'lock-observations.json'), JSON.stringify(json, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'lock-observations.md'), markdown(byVersion));
  const errors = [...byVersion.values()].flatMap((r) => [...r.values()]).filter((o) => 'error' in o).length;
  console.log(`observed ${LOCK_CASES.length} statements on PG ${ORACLE_VERSIONS.join(', ')} in ${Date.now() - started} ms; ${errors} errors`);
  console.log(JSON.stringify(json.timings));
  console.log(`wrote ${path.join(outDir, 'lock-observations.json')} and lock-observations.md`);
  if (errors > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
