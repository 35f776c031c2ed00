// Wall time to lint the whole corpus: Lockstep's CLI against squawk, same files, same run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

function timeCommand(command, args, cwd) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.error) throw result.error;
  // Both exit non-zero when they find problems; only a missing report means the run failed.
  if (!result.stdout.trimStart().startsWith('{') && !result.stdout.trimStart().startsWith('[')) {
    throw new Error(`${command} ${args.join(' ')} produced no JSON report (exit ${result.status}): ${result.stderr.slice(0, 500)}`);
  }
  return { ms, reportBytes: result.stdout.length };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Alternates the two tools so background load hits both alike; the first round is a warm-up (file cache). */
export function measureCorpus({ repo, corpus, repetitions }) {
  const tools = {
    lockstep: { command: process.execPath, args: [join(repo, 'dist/cli.js'), 'lint', corpus, '--format', 'json'] },
    // squawk walks globs, not folders. Its npm launcher package (squawk-cli) lists platform packages this
    // registry does not serve, which breaks `npm ci`, so we depend on the Linux binary package it would pick.
    squawk: { command: join(repo, 'node_modules/@squawk-cli/linux-x64/bin/squawk'), args: [`${corpus}/**/*.sql`, '--reporter', 'json'] },
  };
  const times = { lockstep: [], squawk: [] };
  for (let round = 0; round <= repetitions; round++) {
    for (const [name, tool] of Object.entries(tools)) {
      const { ms } = timeCommand(tool.command, tool.args, repo);
      if (round > 0) times[name].push(ms);
    }
  }
  return times;
}
