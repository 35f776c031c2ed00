/**
 * `npm run fuzz [-- --cases 10000 --seed 7 --max-bytes 2000000]`: the full fuzz run. Prints the
 * figures (BENCHMARKS.md quotes them), then a PASS/FAIL line per gate (budgets.ts), and exits 1 when
 * any gate fails: a crash, an unanswered request, a CLI failure, a server peak over 1 GB, a request
 * over 1 s, or a hover p99 over 50 ms in any 500 hovers in a row (the hovers over 50 ms are
 * listed). FUZZ_SERVER_NODE_OPTIONS sets NODE_OPTIONS for the server under test only (e.g. a
 * profiler or a heap flag), not for the driver or the CLI runs.
 */
import { runFuzz } from './drive';
import { fuzzGates, renderGates } from './budgets';

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
    progress: (f) => console.error(JSON.stringify({ ...f, serverStderr: undefined, slowHovers: f.slowHovers.length })),
  });
  console.log(JSON.stringify(figures, null, 2));
  const gates = fuzzGates(figures);
  console.log(renderGates(gates));
  process.exit(gates.every((g) => g.ok) ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
