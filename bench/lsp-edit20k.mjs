// One run of bench/run.mjs's first target-2 case alone: 20,000 lines, one-line `rename-column` edits,
// debounce 0, on REPO's server (default this checkout), for alternated pairs of two builds.
// Usage: node bench/lsp-edit20k.mjs [REPO] [EDITS]   Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLspLatency, percentile } from './lsp-latency.mjs';

const repo = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const edits = Number(process.argv[3] ?? 60);
const run = await measureLspLatency({ repo, workDir: mkdtempSync(join(tmpdir(), 'lsp-edit20k-')), edits, lines: 20_000, editKind: 'rename-column', debounceMs: 0 });
const round = (ms) => Math.round(ms * 10) / 10;
console.log(JSON.stringify({ repo, diagnostics: run.diagnostics, p50: round(percentile(run.latencies, 50)), p95: round(percentile(run.latencies, 95)), cpuMain: run.editCpuMs && round(run.editCpuMs.mainThread), cpuAll: run.editCpuMs && round(run.editCpuMs.process) }));
