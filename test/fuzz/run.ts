/**
 * `npm run fuzz [-- --cases 10000 --seed 7 --max-bytes 2000000]`: the full fuzz run. Prints the
 * figures (BENCHMARKS.md quotes them) and exits 1 on a crash, an unanswered request, a CLI failure
 * or a server peak over 1 GB. Latency budgets (1 s; hover 50 ms) are reported as counts.
 */
import { runFuzz } from './drive';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
}

async function main(): Promise<void> {
  const figures = await runFuzz({
    cases: arg('--cases', 2000),
    seed: arg('--seed', 1),
    maxBytes: arg('--max-bytes', 1_000_000),
    cliBatch: arg('--cli-batch', 500),
    answerTimeoutMs: 60_000,
    progress: (f) => console.error(JSON.stringify({ ...f, serverStderr: undefined })),
  });
  console.log(JSON.stringify(figures, null, 2));
  const failed = figures.crashed || figures.unanswered > 0 || figures.cliFailures.length > 0 || figures.peakRssMb >= 1024;
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
