// Floors under issue 14's targets, measured in the same run as the figures they bound: the least time
// a process of Lockstep's design (Node.js, libpg-query's WASM parser, an LSP server over stdio) takes
// on this machine for the same input with none of Lockstep's work. A target below its floor cannot
// be met by making Lockstep's own code faster; the distance from the floor is what Lockstep costs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, median } from './cli-targets.mjs';
import { measureLspLatency, percentile } from './lsp-latency.mjs';

const PRINT_EMPTY_REPORT = ['-e', "process.stdout.write('{}')"];

/** Without the variable that makes Node read the system's CA bundle at start (this machine sets it). */
function withoutExtraCerts() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Node loading dist/cli.bundle.js (required, it runs nothing) without the launcher's code cache. */
function loadBundle(repo) {
  return ['-e', `require(${JSON.stringify(join(repo, 'dist/cli.bundle.js'))}); process.stdout.write('{}')`];
}

/**
 * The CLI floors, alternated with the runs they bound: Node's start (with the environment as it is and
 * without NODE_EXTRA_CA_CERTS), Node loading the CLI's bundle, the bundle + its parser splitting and parsing `oneFile`,
 * Lockstep's lint of `oneFile`; then the corpus read and parsed only (libpg-query on 1 and 2 threads;
 * Lockstep's own split and parse on 1), against squawk and Lockstep's lint. Medians in ms.
 */
export function cliFloors({ repo, cli, squawk, corpus, oneFile, repetitions }) {
  const node = process.execPath;
  const parseFloor = join(repo, 'bench/parse-floor.mjs');
  const start = compare(
    {
      node: [node, PRINT_EMPTY_REPORT],
      nodeNoCerts: [node, PRINT_EMPTY_REPORT, withoutExtraCerts()],
      bundle: [node, loadBundle(repo)],
      parseOne: [node, [join(repo, 'bench/split-parse-floor.mjs'), oneFile]],
      lintOne: [node, [cli, 'lint', oneFile, '--format', 'json']],
    },
    repetitions,
    repo,
  );
  const whole = compare(
    {
      parse1: [node, [parseFloor, corpus, '1']],
      parse2: [node, [parseFloor, corpus, '2']],
      splitParse: [node, [join(repo, 'bench/split-parse-floor.mjs'), corpus]],
      squawk: [squawk, [`${corpus}/**/*.sql`, '--reporter', 'json']],
      lint: [node, [cli, 'lint', corpus, '--format', 'json']],
      lintNoHistory: [node, [cli, 'lint', corpus, '--format', 'json', '--no-history']],
    },
    repetitions,
    repo,
  );
  const m = (r) => median(r.ms);
  return {
    nodeMs: m(start.node),
    nodeNoCertsMs: m(start.nodeNoCerts),
    bundleMs: m(start.bundle),
    parseOneMs: m(start.parseOne),
    lintOneMs: m(start.lintOne),
    parseCorpusMs: Math.min(m(whole.parse1), m(whole.parse2)),
    parseCorpus1Ms: m(whole.parse1),
    parseCorpus2Ms: m(whole.parse2),
    splitParseMs: m(whole.splitParse),
    squawkMs: m(whole.squawk),
    lintMs: m(whole.lint),
    lintNoHistoryMs: m(whole.lintNoHistory),
  };
}

/**
 * The language-server floors: Lockstep's server takes the edits (debounce 0) and its first diagnostics
 * are recorded, then bench/echo-server.mjs replays them after each of the same edits. Returns, per file
 * size, both servers' spawn → first diagnostics and edit → diagnostics p50 / p95 (ms).
 */
export async function lspFloors({ repo, workDir, edits, sizes = [20_000, 300], editKind = 'rename-column' }) {
  const out = {};
  for (const lines of sizes) {
    const recorded = await measureLspLatency({ repo, workDir, edits, lines, editKind, debounceMs: 0 });
    const file = join(workDir, `echo-${lines}.json`);
    writeFileSync(file, JSON.stringify(recorded.published));
    const echo = await measureLspLatency({ repo, workDir, edits, lines, editKind, server: [process.execPath, [join(repo, 'bench/echo-server.mjs'), file, '--stdio']] });
    out[lines] = { diagnostics: recorded.published.length, bytes: JSON.stringify(recorded.published).length, readyMs: echo.readyMs, p50: percentile(echo.latencies, 50), p95: percentile(echo.latencies, 95),
      lockstep: { readyMs: recorded.readyMs, p50: percentile(recorded.latencies, 50), p95: percentile(recorded.latencies, 95) } };
  }
  return out;
}
