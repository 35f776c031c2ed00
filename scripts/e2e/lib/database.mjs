// Starts the PostgreSQL cluster the extension-host estimate test connects to
// (test/e2e/estimateCluster.ts, run with tsx) in its own process group, so stopAll() ends it.
import { join } from 'node:path';
import { log } from './log.mjs';
import { spawnGroup } from './processes.mjs';

/** Resolves with the cluster's URL once it is ready (the helper prints one JSON line). */
export function startEstimateDatabase(repoRoot, timeoutMs = 120_000) {
  const child = spawnGroup(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'e2e', 'estimateCluster.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the e2e PostgreSQL cluster did not start within ${timeoutMs / 1000}s:\n${output}`)), timeoutMs);
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`the e2e PostgreSQL cluster failed (${why}):\n${output}`));
    };
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line);
      log(`PostgreSQL for the estimate test: ${url}`);
      resolve(url);
    });
    child.on('error', (error) => fail(String(error)));
    child.on('exit', (code) => fail(`exit ${code}`));
  });
}
